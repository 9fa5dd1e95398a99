"""Photos in a chat with staff: kept private in the chat media bucket, under server-made keys, and shown to
staff (and sent to the citizen) through short-lived links. Erased with the citizen."""

import uuid

from civic import privacy
from civic.aws import client
from civic.settings import settings

STAFF_LINK_S = 15 * 60          # a staff member looks at a photo now
CITIZEN_LINK_S = 7 * 86400      # LINE shows a staff photo to the citizen from this link (SigV4's longest)


def _prefix(user_id: str) -> str:
    # The citizen first, so erasing them is one listing of one prefix.
    return f"chats/{privacy.pseudonym(user_id)}/"


def put(agency_id: str, user_id: str, jpeg: bytes) -> str:
    key = f"{_prefix(user_id)}{agency_id}/{uuid.uuid4().hex}.jpg"
    client("s3").put_object(Bucket=settings().chat_media_bucket, Key=key, Body=jpeg, ContentType="image/jpeg")
    return key


def link(key: str, seconds: int = STAFF_LINK_S) -> str:
    return client("s3").generate_presigned_url("get_object", ExpiresIn=seconds,
                                               Params={"Bucket": settings().chat_media_bucket, "Key": key})


def erase(user_id: str) -> int:
    """Every photo of the citizen's chats, with every agency."""
    bucket, s3 = settings().chat_media_bucket, client("s3")
    found = [item["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=_prefix(user_id))
             for item in page.get("Contents", [])]
    for start in range(0, len(found), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in found[start:start + 1000]],
                                                 "Quiet": True})
    return len(found)
