"""DynamoDB transactions for every domain: named steps, bounded retries on conflict, typed refusals.

A move that must not half-happen (take a seat and create the booking; give a queue number and check in)
is a list of Steps committed as one TransactWriteItems. Conflicts and throttling are retried a bounded
number of times with full jitter; a step whose condition is false comes back as `Cancelled.failed[name]`,
so the caller answers "full", "already booked", "limit reached" — never silence.
"""

import hashlib
import os
import random
import time
from dataclasses import dataclass
from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from civic.tables.base import region

COMMIT_ATTEMPTS = 6   # one transaction, on conflict or throttling
BACKOFF_BASE_S = 0.02
BACKOFF_CAP_S = 0.5
RETRYABLE = {
    "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded",
    "ThrottlingException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "InternalServerError",
}
# PynamoDB sends a transaction's items grouped by kind, in this order; reasons come back in wire order.
_WIRE_ORDER = {"delete": 0, "put": 1, "update": 2}

_rng = random.Random()


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # put | update | delete
    model: object
    condition: object = None
    actions: tuple = ()


class Cancelled(Exception):
    """The transaction did not happen; `failed` names each step whose condition (or capacity) failed."""

    def __init__(self, failed: dict[str, str]):
        super().__init__(f"transaction cancelled: {failed}")
        self.failed = failed

    def refused(self, step: str) -> bool:
        """That step's condition was false (as opposed to a conflict or throttling)."""
        return self.failed.get(step) == "ConditionalCheckFailed"

    @property
    def conflict(self) -> bool:
        return any(code in RETRYABLE for code in self.failed.values())


@cache
def _connection(endpoint: str | None) -> Connection:
    # One per endpoint, like the models' (the local stack and tests move AWS_ENDPOINT_URL; Lambda never does).
    return Connection(region=region())


def backoff(attempt: int) -> None:
    # Full jitter: concurrent losers spread out instead of colliding again in lockstep.
    time.sleep(_rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt)))


def commit(steps: list[Step], token: str) -> None:
    """Run the steps as one TransactWriteItems; retry conflicts and throttling; raise Cancelled otherwise.

    Each attempt has its own ClientRequestToken, so an SDK retry after a lost acknowledgement is a
    no-op on DynamoDB's side, and our own retries are fresh requests.
    """
    wire = sorted(steps, key=lambda s: _WIRE_ORDER[s.kind])
    for attempt in range(COMMIT_ATTEMPTS):
        request_token = hashlib.sha256(f"{token}.{attempt}".encode()).hexdigest()[:36]
        try:
            connection = _connection(os.environ.get("AWS_ENDPOINT_URL"))
            with TransactWrite(connection=connection, client_request_token=request_token) as tx:
                for step in wire:
                    if step.kind == "put":
                        tx.save(step.model, condition=step.condition)
                    elif step.kind == "update":
                        tx.update(step.model, actions=list(step.actions), condition=step.condition)
                    else:
                        tx.delete(step.model, condition=step.condition)
            return
        except TransactWriteError as exc:
            failed = _failures(wire, exc)
            if not failed:
                raise
            if not any(code in RETRYABLE for code in failed.values()) or attempt == COMMIT_ATTEMPTS - 1:
                raise Cancelled(failed) from exc
            backoff(attempt)


def _failures(wire: list[Step], exc: TransactWriteError) -> dict[str, str]:
    if exc.cause_response_code == "TransactionCanceledException":
        return {step.name: reason.code for step, reason in zip(wire, exc.cancellation_reasons or [])
                if reason is not None and reason.code not in (None, "None")}
    if exc.cause_response_code in RETRYABLE:
        return {"*": exc.cause_response_code}
    return {}
