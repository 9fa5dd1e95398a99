"""The template's tables, buckets and queues in moto, in this process, with the environment the template gives
every function: the fast tier between unit tests and the local stack (no HTTP server, no pollers).

Names follow the local stack's (`local-<LogicalId>`), so both tiers and tests/trace.py agree.
"""

import contextlib
import json
import os

import boto3
from cfnlint.decode import decode
from moto import mock_aws

from tests.conftest import ROOT

TEMPLATE, _ = decode(str(ROOT / "template.yaml"))
TEMPLATE = json.loads(json.dumps(TEMPLATE))  # plain dicts and strs for boto3
RESOURCES = TEMPLATE["Resources"]
REGION = "ap-southeast-7"


def of_type(kind: str) -> dict[str, dict]:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


def table_name(logical_id: str) -> str:
    return f"local-{logical_id}"


def bucket_name(logical_id: str) -> str:
    named = RESOURCES[logical_id]["Properties"].get("BucketName") if logical_id in RESOURCES else None
    return _sub(named) if named else f"local-{logical_id}".lower()


def _sub(value) -> str:
    """A `!Sub` of pseudo parameters as the local stack resolves it (stack `local`, account 123456789012)."""
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    for name, known in {"AWS::StackName": "local", "AWS::AccountId": "123456789012", "AWS::Region": REGION}.items():
        text = text.replace("${" + name + "}", known)
    return text


def _create(names: dict[str, str]) -> None:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for logical_id, resource in of_type("AWS::DynamoDB::Table").items():
        props = resource["Properties"]
        dynamodb.create_table(TableName=table_name(logical_id), **{key: props[key] for key in (
            "AttributeDefinitions", "KeySchema", "BillingMode", "GlobalSecondaryIndexes") if key in props})
        names[logical_id] = table_name(logical_id)
    s3 = boto3.client("s3", region_name=REGION)
    for logical_id in of_type("AWS::S3::Bucket"):
        s3.create_bucket(Bucket=bucket_name(logical_id), CreateBucketConfiguration={"LocationConstraint": REGION})
        names[logical_id] = bucket_name(logical_id)
    sqs = boto3.client("sqs", region_name=REGION)
    for logical_id, resource in of_type("AWS::SQS::Queue").items():
        fifo = resource["Properties"].get("FifoQueue", False)
        name = f"local-{logical_id}" + (".fifo" if fifo else "")
        attributes = {"VisibilityTimeout": str(resource["Properties"].get("VisibilityTimeout", 30))}
        if fifo:
            attributes["FifoQueue"] = "true"
        names[logical_id] = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]


def _value(value, names: dict[str, str]) -> str:
    if isinstance(value, dict) and "Ref" in value:
        ref = value["Ref"]
        if ref in names:
            return names[ref]
        return str(TEMPLATE["Parameters"][ref].get("Default", ""))
    if isinstance(value, dict) and "Fn::Sub" in value:
        return _sub(value)
    return str(value)


@contextlib.contextmanager
def moto_stack():
    """moto with every table, bucket and queue of the template, and Globals' environment set; restored after.
    Yields logical id → physical name (queue URL for queues)."""
    saved = dict(os.environ)
    try:
        with mock_aws():
            os.environ.pop("AWS_ENDPOINT_URL", None)
            names: dict[str, str] = {}
            _create(names)
            for key, value in TEMPLATE["Globals"]["Function"]["Environment"]["Variables"].items():
                if not key.startswith("POWERTOOLS_"):  # the tests' own (quiet, no metrics) stay
                    os.environ[key] = _value(value, names)
            yield names
    finally:
        os.environ.clear()
        os.environ.update(saved)
