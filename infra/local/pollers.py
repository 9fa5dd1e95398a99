"""SQS event sources with Lambda's semantics: batches, concurrency, partial batch failures, FIFO group order."""

from __future__ import annotations

import base64
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import boto3

from .resources import QueueInfo
from .runtime import FunctionSpec, LambdaRuntime
from .template import Template, TemplateError, as_bool

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 10
DEFAULT_MAX_CONCURRENCY = 2  # Lambda's floor for MaximumConcurrency; plenty on one machine
RECEIVE_LIMIT = 10  # SQS returns at most 10 messages per ReceiveMessage
# moto as shipped answers a long poll on a FIFO queue whose visible messages are all group-blocked by spinning until
# the wait ends, so there FIFO queues are short-polled with a pause between empty receives; moto_speedups.py fixes
# that wait, and with it FIFO queues are long-polled as on AWS (fifo_long_poll).
FIFO_IDLE_PAUSE = 0.1
LONG_POLL_SECONDS = 1
# Lambda passes these system attributes in each record, in this order, when SQS returns them.
RECORD_ATTRIBUTES = (
    "ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
    "SequenceNumber", "MessageGroupId", "MessageDeduplicationId", "AWSTraceHeader",
)


@dataclass(frozen=True)
class SqsEventSource:
    function_id: str
    event_name: str
    queue: QueueInfo
    batch_size: int
    batching_window: float  # seconds
    max_concurrency: int  # batches in flight at once
    report_batch_item_failures: bool


def sqs_event_sources(
    template: Template, functions: dict[str, FunctionSpec], queues: dict[str, QueueInfo]
) -> list[SqsEventSource]:
    sources = []
    for spec in functions.values():
        for event_name, event in spec.events.items():
            if event.get("Type") != "SQS":
                continue
            where = f"{spec.logical_id}.{event_name}"
            props = template.resolve(event.get("Properties") or {})
            if not as_bool(props.get("Enabled", True)):
                log.info("%s: disabled in the template; not polled", where)
                continue
            queue = queues.get(props.get("Queue"))
            if queue is None:
                raise TemplateError(f"{where}: Queue {props.get('Queue')} is not an AWS::SQS::Queue of the template")
            if "FilterCriteria" in props:
                log.warning("%s: FilterCriteria is not applied locally; every message is delivered", where)
            sources.append(SqsEventSource(
                function_id=spec.logical_id,
                event_name=event_name,
                queue=queue,
                batch_size=int(props.get("BatchSize", DEFAULT_BATCH_SIZE)),
                batching_window=float(props.get("MaximumBatchingWindowInSeconds", 0)),
                max_concurrency=int((props.get("ScalingConfig") or {}).get(
                    "MaximumConcurrency", DEFAULT_MAX_CONCURRENCY)),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
            ))
    return sources


class SqsPoller:
    """One receiver thread per event source (so receives on a queue never race) and a thread per batch."""

    def __init__(self, source: SqsEventSource, runtime: LambdaRuntime, region: str, fifo_long_poll: bool = False):
        self.source = source
        self.fifo_long_poll = fifo_long_poll
        self.runtime = runtime
        self.region = region
        self._sqs = boto3.client("sqs")
        self._slots = threading.BoundedSemaphore(source.max_concurrency)
        self._stopping = threading.Event()
        self._batches: set[threading.Thread] = set()
        self._batches_lock = threading.Lock()
        self._receiver = threading.Thread(
            target=self._receive_loop, name=f"sqs-{source.function_id}-{source.event_name}", daemon=True
        )

    def start(self) -> None:
        self._receiver.start()

    def request_stop(self) -> None:
        self._stopping.set()

    def join(self, deadline: float) -> None:
        """Wait for running batches until the monotonic deadline; handlers cannot be killed.

        The receiver is not waited for: it may be in a long poll, and whatever that poll returns after a
        stop is left undeleted, so it comes back after the visibility time-out.
        """
        with self._batches_lock:
            batches = list(self._batches)
        for batch in batches:
            batch.join(timeout=max(0.0, deadline - time.monotonic()))

    # ---- receiving -------------------------------------------------------------------------------------

    def _receive_loop(self) -> None:
        while not self._stopping.is_set():
            if not self._slots.acquire(timeout=0.2):
                continue
            try:
                messages = self._receive_batch()
            except Exception:
                self._slots.release()
                if not self._stopping.is_set():
                    log.exception("receiving from %s failed; retrying in 1 s", self.source.queue.name)
                    self._stopping.wait(1)
                continue
            if not messages or self._stopping.is_set():
                self._slots.release()
                if self.source.queue.fifo and not self.fifo_long_poll:
                    self._stopping.wait(FIFO_IDLE_PAUSE)
                continue
            batch = threading.Thread(target=self._run_batch, args=(messages,), daemon=True,
                                     name=f"{self._receiver.name}-batch")
            with self._batches_lock:
                self._batches.add(batch)
            batch.start()

    def _receive_batch(self) -> list[dict[str, Any]]:
        """Up to BatchSize messages, waiting at most MaximumBatchingWindowInSeconds to fill the batch."""
        wait = 0 if self.source.queue.fifo and not self.fifo_long_poll else LONG_POLL_SECONDS
        messages = self._receive(self.source.batch_size, wait)
        deadline = time.monotonic() + self.source.batching_window
        while messages and len(messages) < self.source.batch_size and not self._stopping.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            more = self._receive(self.source.batch_size - len(messages), 0)
            if not more:
                self._stopping.wait(min(remaining, FIFO_IDLE_PAUSE))
            messages += more
        return messages

    def _receive(self, count: int, wait_seconds: int) -> list[dict[str, Any]]:
        response = self._sqs.receive_message(
            QueueUrl=self.source.queue.url,
            MaxNumberOfMessages=min(RECEIVE_LIMIT, count),
            WaitTimeSeconds=wait_seconds,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return response.get("Messages", [])

    # ---- one batch -------------------------------------------------------------------------------------

    def _run_batch(self, messages: list[dict[str, Any]]) -> None:
        try:
            self._process(messages)
        except Exception:
            log.exception("%s: finishing a batch failed", self._receiver.name)
        finally:
            with self._batches_lock:
                self._batches.discard(threading.current_thread())
            self._slots.release()

    def _process(self, messages: list[dict[str, Any]]) -> None:
        source = self.source
        ids = [m["MessageId"] for m in messages]
        began = time.monotonic()
        try:
            response = self.runtime.invoke(source.function_id, {"Records": [self._record(m) for m in messages]})
        except Exception:
            log.exception("%s ← %s: the handler raised; all %d records return after the visibility time-out",
                          source.function_id, source.queue.name, len(messages))
            failed = set(ids)
        else:
            failed = self._failed_ids(response, ids) if source.report_batch_item_failures else set()
        self._delete([m for m in messages if m["MessageId"] not in failed])
        if failed and source.queue.fifo:
            self._keep_group_order([m for m in messages if m["MessageId"] in failed])
        log.info("%s ← %s: %d records, %d failed (%.0f ms)", source.function_id, source.queue.name,
                 len(messages), len(failed), (time.monotonic() - began) * 1000)

    def _failed_ids(self, response: Any, ids: list[str]) -> set[str]:
        """Lambda's reading of a partial batch response: anything malformed fails the whole batch."""
        if response is None or response == {}:
            return set()
        failures = response.get("batchItemFailures") if isinstance(response, dict) else "not a mapping"
        if failures is None or failures == []:
            return set()
        if not isinstance(failures, list):
            log.warning("%s: batchItemFailures is not a list; the whole batch failed", self.source.function_id)
            return set(ids)
        failed = set()
        for item in failures:
            identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
            if not isinstance(identifier, str) or identifier not in ids:
                log.warning("%s: itemIdentifier %r is not a message of the batch; the whole batch failed",
                            self.source.function_id, identifier)
                return set(ids)
            failed.add(identifier)
        return failed

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), RECEIVE_LIMIT):
            chunk = messages[start:start + RECEIVE_LIMIT]
            result = self._sqs.delete_message_batch(
                QueueUrl=self.source.queue.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            for failure in result.get("Failed", []):
                log.warning("%s: could not delete a message: %s", self.source.queue.name, failure.get("Message"))

    def _keep_group_order(self, failed: list[dict[str, Any]]) -> None:
        """Leave only the earliest failed message of each group in flight; make the later ones visible.

        moto blocks a group while any of its messages is in flight, but when several messages of one group
        become visible together it can skip the first and deliver a later one. With one message in flight per
        group, the group stays blocked until that message returns, and then the group is delivered in order.
        """
        seen_groups: set[str] = set()
        later = []
        for message in failed:
            group = message.get("Attributes", {}).get("MessageGroupId")
            if group in seen_groups:
                later.append(message)
            seen_groups.add(group)
        if later:
            self._sqs.change_message_visibility_batch(
                QueueUrl=self.source.queue.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                         for i, m in enumerate(later)],
            )

    def _record(self, message: dict[str, Any]) -> dict[str, Any]:
        attributes = message.get("Attributes", {})
        record: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {name: attributes[name] for name in RECORD_ATTRIBUTES if name in attributes},
            "messageAttributes": {
                name: _lambda_message_attribute(value)
                for name, value in message.get("MessageAttributes", {}).items()
            },
        }
        if "MD5OfMessageAttributes" in message:
            record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        record |= {
            "md5OfBody": message["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": self.source.queue.arn,
            "awsRegion": self.region,
        }
        return record


def _lambda_message_attribute(value: dict[str, Any]) -> dict[str, Any]:
    """SQS's MessageAttributeValue in the camelCase Lambda uses, binary values base64-encoded."""
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
    attribute["stringListValues"] = value.get("StringListValues", [])
    attribute["binaryListValues"] = [base64.b64encode(b).decode() for b in value.get("BinaryListValues", [])]
    attribute["dataType"] = value["DataType"]
    return attribute
