"""Where does a citizen still appear? A scan of every table, index and bucket of template.yaml for given
strings (a LINE user id, a display name), written once so every table and bucket added later is covered
without anyone remembering to add it (RELIABILITY rows 37, 50)."""

import json

import boto3

from tests.moto_stack import of_type


def _pages(call, key: str, **request):
    while True:
        page = call(**request)
        yield from page.get(key, [])
        if not page.get("LastEvaluatedKey"):
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def traces(needles: list[str], name_of) -> list[str]:
    """Every place holding any of the needles: `<Table>[/<index>]: <item>` and `<Bucket>/<key>`.
    `name_of(logical_id)` gives a resource's physical name on the stack being scanned."""
    needles = [n for n in needles if n]
    found = []
    dynamodb, s3 = boto3.client("dynamodb"), boto3.client("s3")
    for logical_id, table in of_type("AWS::DynamoDB::Table").items():
        name = name_of(logical_id)
        indexes = [None] + [i["IndexName"] for i in table["Properties"].get("GlobalSecondaryIndexes", [])]
        for index in indexes:
            request = {"TableName": name, **({"IndexName": index} if index else {})}
            for item in _pages(dynamodb.scan, "Items", **request):
                text = json.dumps(item, ensure_ascii=False)
                if any(n in text for n in needles):
                    found.append(f"{logical_id}{'/' + index if index else ''}: {text[:300]}")
    for logical_id in of_type("AWS::S3::Bucket"):
        bucket = name_of(logical_id)
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
                if any(n in item["Key"] or n.encode() in body for n in needles):
                    found.append(f"{logical_id}/{item['Key']}")
    return found
