"""One settings object, read once from the environment the template gives each function.

Stdlib only (a frozen dataclass) so the intake can use it without paying for pydantic at cold start.
Table models read their names through `setting()`, so a name is taken when the table is used, not imported.
Variable names are unique across functions: the local stack runs every function in one process.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    line_secret_name: str
    line_api_endpoint: str  # "" = LINE's own hosts
    secret_max_age_s: int
    domain_queues: dict[str, str]  # domain → queue URL, for the intake
    outbox_queue_url: str
    webhook_events_table: str
    citizens_table: str
    deliveries_table: str
    idempotency_table: str
    exports_bucket: str
    webhook_dedupe_days: int
    citizen_retention_days: int
    reply_token_max_age_s: int
    send_rate_per_instance: float
    line_read_timeout_s: float  # how long LINE's answer is awaited once a request is sent


def settings() -> Settings:
    """Read on every call (a dozen dict look-ups): tests and the local stack set variables after import."""
    env = os.environ.get
    return Settings(
        line_secret_name=env("LINE_SECRET_NAME", "line-civic-desk/channel"),
        line_api_endpoint=env("LINE_API_ENDPOINT", "").rstrip("/"),
        secret_max_age_s=int(env("LINE_SECRET_MAX_AGE_S", "300")),
        domain_queues={
            domain: env(f"{domain.upper()}_QUEUE_URL", "")
            for domain in ("citizen", "booking", "complaint", "bill")
        },
        outbox_queue_url=env("OUTBOX_QUEUE_URL", ""),
        webhook_events_table=env("WEBHOOK_EVENTS_TABLE", "webhook-events"),
        citizens_table=env("CITIZENS_TABLE", "citizens"),
        deliveries_table=env("DELIVERIES_TABLE", "deliveries"),
        idempotency_table=env("IDEMPOTENCY_TABLE", "idempotency"),
        exports_bucket=env("EXPORTS_BUCKET", ""),
        webhook_dedupe_days=int(env("WEBHOOK_DEDUPE_DAYS", "7")),
        citizen_retention_days=int(env("CITIZEN_RETENTION_DAYS", "30")),
        reply_token_max_age_s=int(env("REPLY_TOKEN_MAX_AGE_S", "50")),
        send_rate_per_instance=float(env("LINE_SEND_RATE_PER_INSTANCE", "100")),
        line_read_timeout_s=float(env("LINE_READ_TIMEOUT_S", "10")),
    )


class setting:
    """A class attribute that reads one field of a settings object when accessed (PynamoDB's Meta.table_name)."""

    def __init__(self, field: str, source=settings):
        self.field, self.source = field, source

    def __get__(self, obj, owner=None):
        return getattr(self.source(), self.field)
