"""What every PynamoDB model here shares: the region and endpoint from the environment, and TTL reading."""

import json
import os
import time

from pynamodb.attributes import JSONAttribute, NumberAttribute
from pynamodb.models import Model


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-7"


class CivicModel(Model):
    """Base for tables with an optional `expires_at` TTL attribute."""

    class Meta:
        abstract = True
        region = region()

    expires_at = NumberAttribute(null=True)
    _endpoint: str | None = None

    @classmethod
    def _get_connection(cls):
        # PynamoDB keeps one connection per model; the local stack and tests move AWS_ENDPOINT_URL in one
        # process, so drop the connection when it moved (on Lambda it never does).
        endpoint = os.environ.get("AWS_ENDPOINT_URL")
        if cls._endpoint != endpoint:
            cls._connection, cls._endpoint = None, endpoint
        return super()._get_connection()

    def alive(self, now: float | None = None) -> bool:
        # DynamoDB deletes expired items up to two days late: readers treat them as gone already.
        return self.expires_at is None or self.expires_at > (time.time() if now is None else now)


def get_alive(model: type[CivicModel], *keys, now: float | None = None, consistent: bool = True):
    """model.get(*keys) that treats an expired item as absent; None when there is none."""
    try:
        item = model.get(*keys, consistent_read=consistent)
    except model.DoesNotExist:
        return None
    return item if item.alive(now) else None


class TextJSONAttribute(JSONAttribute):
    """JSON stored as readable UTF-8 (Thai as Thai, not \\u escapes): what a scan for a citizen's words finds
    (tests/trace.py) is what is there."""

    def serialize(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False)
