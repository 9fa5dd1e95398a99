"""The tenancy rule, checked on real items: an agency's records are found only through that agency.

For every table whose module declares OWNER = "agency" (civic/tables/__init__.py), every item carries
`agency_id`, and every partition key it can be found under — the table's and each index's — begins with
that agency (`<agency>` or `<agency>#…`), except `user_id`, the citizen's own view of their records.
"""

import boto3

from tests.contract.test_shape import _table_modules
from tests.moto_stack import of_type

CITIZEN_KEYS = {"user_id"}


def _partition_keys(table: dict) -> list[str]:
    props = table["Properties"]
    keys = [k["AttributeName"] for k in props["KeySchema"] if k["KeyType"] == "HASH"]
    for index in props.get("GlobalSecondaryIndexes", []):
        keys += [k["AttributeName"] for k in index["KeySchema"] if k["KeyType"] == "HASH"]
    return keys


def crossings(name_of) -> list[str]:
    """Every item of an agency-owned table that breaks the rule, with the reason; [] when it holds."""
    modules = _table_modules()
    dynamodb = boto3.client("dynamodb")
    broken = []
    for logical_id, table in of_type("AWS::DynamoDB::Table").items():
        module = modules.get(logical_id)
        if module is None or module.OWNER != "agency":
            continue
        keys = [k for k in _partition_keys(table) if k not in CITIZEN_KEYS]
        request = {"TableName": name_of(logical_id)}
        while True:
            page = dynamodb.scan(**request)
            for item in page.get("Items", []):
                agency = item.get("agency_id", {}).get("S")
                if not agency:
                    broken.append(f"{logical_id}: an item without agency_id: {item}")
                    continue
                for key in keys:
                    value = item.get(key, {}).get("S")
                    if value is not None and value != agency and not value.startswith(f"{agency}#"):
                        broken.append(f"{logical_id}.{key} = {value!r} does not begin with {agency!r}")
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return broken
