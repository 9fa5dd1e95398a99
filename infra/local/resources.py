"""Create the template's tables, queues, buckets and secrets in moto, from the template itself."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

import boto3

from .template import ACCOUNT_ID, Template, TemplateError, as_bool

log = logging.getLogger(__name__)

# Types another part of the local stack handles (runtime, HTTP front): not created, not "skipped".
SERVED_TYPES = {"AWS::Serverless::Function", "AWS::Serverless::LayerVersion", "AWS::Serverless::HttpApi"}

QUEUE_ATTRIBUTES = (
    "DelaySeconds", "MaximumMessageSize", "MessageRetentionPeriod", "ReceiveMessageWaitTimeSeconds",
    "FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit",
    "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled",
)
DEFAULT_VISIBILITY_TIMEOUT = 30
DEFAULT_THROUGHPUT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


@dataclass(frozen=True)
class QueueInfo:
    logical_id: str
    name: str
    url: str
    arn: str
    fifo: bool
    visibility_timeout: int  # seconds, after visibility_scale


def register_serverless_names(template: Template) -> None:
    """Functions and layers are not created in moto, but other resources and handlers refer to their names."""
    for logical_id, resource in template.active_resources("AWS::Serverless::Function").items():
        name = template.resolve(resource["Properties"].get("FunctionName")) or f"local-{logical_id}"
        arn = f"arn:aws:lambda:{template.region}:{ACCOUNT_ID}:function:{name}"
        template.register(logical_id, name, {"Arn": arn})
    for logical_id, resource in template.active_resources("AWS::Serverless::LayerVersion").items():
        name = template.resolve(resource["Properties"].get("LayerName")) or logical_id
        template.register(logical_id, f"arn:aws:lambda:{template.region}:{ACCOUNT_ID}:layer:{name}:1")


def create_resources(template: Template, visibility_scale: float = 1.0) -> dict[str, QueueInfo]:
    """Create every supported resource in dependency order; return the queues by ARN."""
    queues: dict[str, QueueInfo] = {}
    creators: dict[str, Callable[[Template, str, dict[str, Any]], tuple[Any, dict[str, Any]]]] = {
        "AWS::DynamoDB::Table": _create_table,
        "AWS::SQS::Queue": partial(_create_queue, queues=queues, visibility_scale=visibility_scale),
        "AWS::S3::Bucket": _create_bucket,
        "AWS::SecretsManager::Secret": _create_secret,
    }
    active = template.active_resources()
    for logical_id, resource in active.items():
        if resource["Type"] not in creators and resource["Type"] not in SERVED_TYPES:
            log.debug("skipping %s %s: not emulated locally", resource["Type"], logical_id)

    waiting = {
        logical_id: _dependencies(template, resource)
        for logical_id, resource in active.items()
        if resource["Type"] in creators
    }
    while waiting:
        ready = [logical_id for logical_id, needs in waiting.items() if not needs & waiting.keys()]
        if not ready:
            raise TemplateError(f"circular references between {sorted(waiting)}")
        for logical_id in ready:
            del waiting[logical_id]
            resource = active[logical_id]
            properties = template.resolve(resource["Properties"])
            ref, attributes = creators[resource["Type"]](template, logical_id, properties)
            template.register(logical_id, ref, attributes)
    return queues


def _dependencies(template: Template, resource: dict[str, Any]) -> set[str]:
    depends_on = resource.get("DependsOn", [])
    return template.references(resource["Properties"]) | set(
        [depends_on] if isinstance(depends_on, str) else depends_on
    )


def _create_table(template: Template, logical_id: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    dynamodb = boto3.client("dynamodb")
    name = props.get("TableName") or f"local-{logical_id}"
    billing_mode = props.get("BillingMode", "PROVISIONED")
    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": billing_mode,
    }
    provisioned = billing_mode == "PROVISIONED"
    if provisioned:
        request["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput"))
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index["IndexName"],
                "KeySchema": index["KeySchema"],
                "Projection": index.get("Projection", {"ProjectionType": "ALL"}),
                **({"ProvisionedThroughput": _throughput(index.get("ProvisionedThroughput"))} if provisioned else {}),
            }
            for index in props["GlobalSecondaryIndexes"]
        ]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [
            {"IndexName": i["IndexName"], "KeySchema": i["KeySchema"], "Projection": i["Projection"]}
            for i in props["LocalSecondaryIndexes"]
        ]
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    table = dynamodb.create_table(**request)["TableDescription"]

    ttl = props.get("TimeToLiveSpecification")
    if ttl and as_bool(ttl.get("Enabled", False)):
        dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]}
        )
    attributes = {"Arn": table["TableArn"]}
    if "LatestStreamArn" in table:
        attributes["StreamArn"] = table["LatestStreamArn"]
    log.info("table %s (%s)", name, logical_id)
    return name, attributes


def _throughput(value: dict[str, Any] | None) -> dict[str, int]:
    value = value or DEFAULT_THROUGHPUT
    return {key: int(value[key]) for key in ("ReadCapacityUnits", "WriteCapacityUnits")}


def scaled_visibility(seconds: int, visibility_scale: float) -> int:
    """Shorten visibility time-outs for tests; never to 0, which would redeliver a failed message at once."""
    return max(1, round(seconds * visibility_scale)) if seconds else 0


def _create_queue(
    template: Template, logical_id: str, props: dict[str, Any], *, queues: dict[str, QueueInfo],
    visibility_scale: float,
) -> tuple[str, dict[str, Any]]:
    sqs = boto3.client("sqs")
    fifo = as_bool(props.get("FifoQueue", False))
    name = props.get("QueueName") or f"local-{logical_id}" + (".fifo" if fifo else "")
    attributes = {key: _attribute_string(props[key]) for key in QUEUE_ATTRIBUTES if key in props}
    visibility = scaled_visibility(int(props.get("VisibilityTimeout", DEFAULT_VISIBILITY_TIMEOUT)), visibility_scale)
    attributes["VisibilityTimeout"] = str(visibility)
    for policy in ("RedrivePolicy", "RedriveAllowPolicy"):
        if policy in props:
            value = props[policy]
            attributes[policy] = value if isinstance(value, str) else json.dumps(value)
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = f"arn:aws:sqs:{template.region}:{ACCOUNT_ID}:{name}"
    queues[arn] = QueueInfo(logical_id, name, url, arn, fifo, visibility)
    log.info("queue %s (%s), visibility %ss%s", name, logical_id, visibility,
             ", redrive " + attributes["RedrivePolicy"] if "RedrivePolicy" in attributes else "")
    return url, {"Arn": arn, "QueueName": name, "QueueUrl": url}


def _attribute_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _create_bucket(template: Template, logical_id: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    s3 = boto3.client("s3")
    name = props.get("BucketName") or f"local-{logical_id}".lower()
    location = {} if template.region == "us-east-1" else {
        "CreateBucketConfiguration": {"LocationConstraint": template.region}
    }
    s3.create_bucket(Bucket=name, **location)
    if "NotificationConfiguration" in props:
        log.info("bucket %s: its notifications are delivered by infra/local/s3_events.py", logical_id)
    log.info("bucket %s (%s)", name, logical_id)
    return name, {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{template.region}.amazonaws.com",
    }


RANDOM_PASSWORD_OPTIONS = (
    "PasswordLength", "ExcludeCharacters", "ExcludeNumbers", "ExcludePunctuation", "ExcludeUppercase",
    "ExcludeLowercase", "IncludeSpace", "RequireEachIncludedType",
)


def _create_secret(template: Template, logical_id: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    secretsmanager = boto3.client("secretsmanager")
    name = props.get("Name") or f"local-{logical_id}"
    secret_string = props.get("SecretString")
    generate = props.get("GenerateSecretString")
    if secret_string is None and generate is not None:
        options = {key: generate[key] for key in RANDOM_PASSWORD_OPTIONS if key in generate}
        password = secretsmanager.get_random_password(**options)["RandomPassword"]
        if "GenerateStringKey" in generate:
            document = json.loads(generate.get("SecretStringTemplate", "{}"))
            document[generate["GenerateStringKey"]] = password
            secret_string = json.dumps(document)
        else:
            secret_string = password
    arn = secretsmanager.create_secret(Name=name, SecretString=secret_string or "")["ARN"]
    log.info("secret %s (%s)", name, logical_id)
    return arn, {"Id": arn}
