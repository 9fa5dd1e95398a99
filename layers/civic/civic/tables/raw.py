"""Batched DynamoDB reads and writes with the low-level client, for the intake's cold-start path.

PynamoDB costs the intake's cold start (it imports botocore's model machinery and pydantic-free but
heavy code); the intake's tables use these instead. Unprocessed keys and items are retried a few
rounds; if DynamoDB still leaves some, the caller answers 5xx and LINE redelivers.
"""

from civic.aws import client

BATCH_GET = 100   # DynamoDB's limit of keys per BatchGetItem
BATCH_WRITE = 25  # and of items per BatchWriteItem
ROUNDS = 5


class Unprocessed(RuntimeError):
    """DynamoDB left keys or writes unprocessed after every round."""


def batch_get(keys: dict[str, list[dict]], projection: dict[str, str] | None = None) -> dict[str, list[dict]]:
    """table → items found, for table → keys (strongly consistent reads; any number of keys)."""
    found: dict[str, list[dict]] = {table: [] for table in keys}
    flat = [(table, key) for table, table_keys in keys.items() for key in table_keys]
    for start in range(0, len(flat), BATCH_GET):
        request: dict = {}
        for table, key in flat[start:start + BATCH_GET]:
            entry = request.setdefault(table, {"Keys": [], "ConsistentRead": True})
            if projection and table in projection:
                entry["ProjectionExpression"] = projection[table]
            entry["Keys"].append(key)
        for _ in range(ROUNDS):
            answer = client("dynamodb").batch_get_item(RequestItems=request)
            for table, items in answer.get("Responses", {}).items():
                found[table].extend(items)
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                break
        else:
            raise Unprocessed("DynamoDB left keys unprocessed; the intake will answer 5xx and LINE redelivers")
    return found


def batch_write(writes: dict[str, list[dict]]) -> None:
    """Apply table → [{"PutRequest": …} | {"DeleteRequest": …}] in batches of 25."""
    flat = [(table, write) for table, table_writes in writes.items() for write in table_writes]
    for start in range(0, len(flat), BATCH_WRITE):
        request: dict = {}
        for table, write in flat[start:start + BATCH_WRITE]:
            request.setdefault(table, []).append(write)
        for _ in range(ROUNDS):
            request = client("dynamodb").batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            if not request:
                break
        else:
            raise Unprocessed("DynamoDB left writes unprocessed; the intake will answer 5xx and LINE redelivers")
