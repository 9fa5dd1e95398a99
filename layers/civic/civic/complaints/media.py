"""Complaint photos in the private media bucket: server-made keys, re-encoded JPEGs, short-lived links.

Keys never carry a LINE id: `drafts/<uuid>.jpg` while a draft is open (the bucket expires them in two
days), `cases/<agency>/<ref>/<uuid>.jpg` once a case holds them (kept with the case; see docs/complaint.md).
Staff see photos through presigned links valid five minutes; a citizen sees an "after" photo through the
public media route, by an unguessable token the case holds (civic.complaints.public).
"""

import uuid

from civic.aws import client
from civic.settings import settings

LINK_SECONDS = 300
JPEG = "image/jpeg"


def _bucket() -> str:
    return settings().complaint_media_bucket


def put_draft(data: bytes) -> str:
    key = f"drafts/{uuid.uuid4()}.jpg"
    client("s3").put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=JPEG)
    return key


def case_key(agency_id: str, ref: str) -> str:
    return f"cases/{agency_id}/{ref}/{uuid.uuid4()}.jpg"


def put_case(agency_id: str, ref: str, data: bytes) -> str:
    key = case_key(agency_id, ref)
    client("s3").put_object(Bucket=_bucket(), Key=key, Body=data, ContentType=JPEG)
    return key


def copy(source: str, agency_id: str, ref: str) -> str:
    """Copy a photo under a case's prefix (a draft becoming a case, a case forwarded to another agency)."""
    key = case_key(agency_id, ref)
    client("s3").copy_object(Bucket=_bucket(), Key=key, CopySource={"Bucket": _bucket(), "Key": source},
                             ContentType=JPEG, MetadataDirective="REPLACE")
    return key


def delete(keys: list[str]) -> int:
    keys = [k for k in keys if k]
    for start in range(0, len(keys), 1000):
        client("s3").delete_objects(Bucket=_bucket(), Delete={
            "Objects": [{"Key": k} for k in keys[start:start + 1000]], "Quiet": True})
    return len(keys)


def read(key: str) -> bytes | None:
    s3 = client("s3")
    try:
        return s3.get_object(Bucket=_bucket(), Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None


def link(key: str) -> str:
    return client("s3").generate_presigned_url("get_object", Params={"Bucket": _bucket(), "Key": key},
                                               ExpiresIn=LINK_SECONDS)
