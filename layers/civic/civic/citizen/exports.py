"""A citizen's "my data" copy: a JSON file in the exports bucket behind a short-lived link.

Objects live under `exports/<pseudonym>/<random>.json`: the random part makes the link unguessable, the
pseudonym lets "delete my data" find and remove every copy (the bucket also expires them the next day).
"""

import json
import uuid

from civic import privacy
from civic.aws import client
from civic.settings import settings

LINK_MINUTES = 15


def _prefix(user_id: str) -> str:
    return f"exports/{privacy.pseudonym(user_id)}/"


def write(user_id: str, document: dict) -> str:
    """Store the document; return a presigned link valid LINK_MINUTES."""
    key = f"{_prefix(user_id)}{uuid.uuid4()}.json"
    body = json.dumps(document, ensure_ascii=False, default=str, indent=1).encode("utf-8")
    s3 = client("s3")
    s3.put_object(Bucket=settings().exports_bucket, Key=key, Body=body, ContentType="application/json")
    return s3.generate_presigned_url("get_object", Params={"Bucket": settings().exports_bucket, "Key": key},
                                     ExpiresIn=LINK_MINUTES * 60)


def _keys(user_id: str) -> list[dict]:
    pages = client("s3").get_paginator("list_objects_v2").paginate(Bucket=settings().exports_bucket,
                                                                   Prefix=_prefix(user_id))
    return [item for page in pages for item in page.get("Contents", [])]


def export_citizen(user_id: str) -> list[dict]:
    """Earlier copies still held (they expire the next day)."""
    return [{"kind": "export_file", "made_at": item["LastModified"].isoformat()} for item in _keys(user_id)]


def erase_citizen(user_id: str) -> int:
    found = _keys(user_id)
    for start in range(0, len(found), 1000):
        client("s3").delete_objects(Bucket=settings().exports_bucket, Delete={
            "Objects": [{"Key": item["Key"]} for item in found[start:start + 1000]], "Quiet": True})
    return len(found)
