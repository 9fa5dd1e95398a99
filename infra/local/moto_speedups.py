"""moto made faster where the local stack's profile (docs/benchmarks.md, issue 11) shows it slow.

Each change keeps what moto answers as it was, so the functions see the same SQS and DynamoDB; only the
cost of answering moves. `apply()` runs once in each process that serves moto (the local stack's moto
servers); moto used through `mock_aws` in a test process is patched too, to the same answers.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

_applied = False
_apply_lock = threading.Lock()
# A FIFO long poll re-checks at least this often: a message's visibility time-out ends without a notification.
FIFO_RECHECK_S = 0.05


def apply() -> None:
    global _applied
    with _apply_lock:
        if _applied:
            return
        _applied = True
        _cache_backend_modules()
        _count_queue_once()
        _fifo_long_poll_waits()


def _cache_backend_modules() -> None:
    """moto's server lists and stats its ~190 package folders on every request, under one lock, to route it."""
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _count_queue_once() -> None:
    """A queue's attributes count its messages in three passes, reading the clock per message per pass, and
    moto reads every attribute on each FIFO send only to look at ContentBasedDeduplication. One pass, one clock
    read, the same figures."""
    from moto.core.utils import camelcase_to_underscores, unix_time_millis
    from moto.sqs.models import Queue

    base = [(name, camelcase_to_underscores(name)) for name in Queue.BASE_ATTRIBUTES]  # moto's order
    fifo = [(name, camelcase_to_underscores(name)) for name in Queue.FIFO_ATTRIBUTES]
    kms = [(name, camelcase_to_underscores(name)) for name in Queue.KMS_ATTRIBUTES]

    def attributes(self: Any) -> dict[str, Any]:
        now = unix_time_millis()
        visible = delayed = not_visible = 0
        for message in self._messages:
            is_visible = now > message.visible_at
            is_delayed = now < message.delayed_until
            visible += is_visible and not is_delayed
            delayed += is_delayed
            not_visible += not is_visible
        counts = {"ApproximateNumberOfMessages": visible, "ApproximateNumberOfMessagesDelayed": delayed,
                  "ApproximateNumberOfMessagesNotVisible": not_visible}
        result: dict[str, Any] = {name: counts[name] if name in counts else getattr(self, attribute)
                                  for name, attribute in base}
        if self.fifo_queue:
            for name, attribute in fifo:
                result[name] = getattr(self, attribute)
        if self.kms_master_key_id:
            for name, attribute in kms:
                result[name] = getattr(self, attribute)
        if self.policy:
            result["Policy"] = self.policy
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy)
        for key, value in result.items():
            if isinstance(value, bool):
                result[key] = str(value).lower()
        return result

    Queue.attributes = property(attributes)  # type: ignore[assignment]


def _fifo_long_poll_waits() -> None:
    """moto's long poll on a FIFO queue whose visible messages are all group-blocked spins until the wait ends
    (its wait returns at once while any message is visible, and its snapshot of blocked groups goes stale), so
    a consumer must short-poll it. Here a FIFO long poll tries, then sleeps until the queue changes (a send, a
    delete, a visibility change) or FIFO_RECHECK_S passes, and tries again with fresh group state."""
    from moto.sqs.models import Queue, SQSBackend

    receive, delete = SQSBackend.receive_message, Queue.delete_message
    change, add = SQSBackend.change_message_visibility, Queue.add_message

    def changed(queue: Any) -> None:
        with queue._messages_lock:
            queue._speedup_changes = getattr(queue, "_speedup_changes", 0) + 1
            queue._messages_lock.notify_all()

    def receive_message(self: Any, queue_name: str, count: int, wait_seconds_timeout: int,
                        visibility_timeout: int, message_attribute_names: list[str] | None = None) -> list[Any]:
        queue = self.get_queue(queue_name)
        if not queue.fifo_queue or not wait_seconds_timeout:
            return receive(self, queue_name, count, wait_seconds_timeout, visibility_timeout, message_attribute_names)
        deadline = time.monotonic() + int(wait_seconds_timeout)
        while True:
            seen = getattr(queue, "_speedup_changes", 0)
            found = receive(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            with queue._messages_lock:
                if getattr(queue, "_speedup_changes", 0) == seen:
                    queue._messages_lock.wait(timeout=min(remaining, FIFO_RECHECK_S))

    def add_message(self: Any, message: Any) -> None:
        add(self, message)
        changed(self)

    def delete_message(self: Any, receipt_handle: str) -> None:
        delete(self, receipt_handle)
        changed(self)

    def change_message_visibility(self: Any, queue_name: str, receipt_handle: str, visibility_timeout: int) -> None:
        change(self, queue_name, receipt_handle, visibility_timeout)
        changed(self.get_queue(queue_name))

    SQSBackend.receive_message = receive_message  # type: ignore[method-assign]
    SQSBackend.change_message_visibility = change_message_visibility  # type: ignore[method-assign]
    Queue.add_message = add_message  # type: ignore[method-assign]
    Queue.delete_message = delete_message  # type: ignore[method-assign]
