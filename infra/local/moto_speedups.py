"""moto made faster where the local stack's profile (docs/benchmarks.md, issue 11) shows it slow.

Each change keeps what moto answers as it was, so the functions see the same SQS and DynamoDB; only the
cost of answering moves. `apply()` runs once in each process that serves moto (the local stack's moto
servers); moto used through `mock_aws` in a test process is patched too, to the same answers.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from typing import Any

_applied = _fixed = False
_apply_lock = threading.Lock()
# A FIFO long poll re-checks at least this often: a message's visibility time-out ends without a notification.
FIFO_RECHECK_S = 0.05


def fix() -> None:
    """moto's own race, fixed in every process that serves moto, with or without the speed-ups: they change
    cost, this changes an answer (a message lost) to what SQS answers."""
    global _fixed
    with _apply_lock:
        if _fixed:
            return
        _fixed = True
        _delete_under_the_queue_lock()


def apply() -> None:
    global _applied
    fix()
    with _apply_lock:
        if _applied:
            return
        _applied = True
        _cache_backend_modules()
        _count_queue_once()
        _fifo_long_poll_waits()
        _query_one_partition()


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


def _query_one_partition() -> None:
    """moto answers every Query, of the table or of an index, by walking every item of the table, so a Query of
    a 50-item partition of a 60,000-item table costs 60,000 item checks (the bill fan-out's per-row link lookup
    made a 500-row chunk take ten minutes). Here moto's own query runs over the one partition's items instead:
    the table's from its own dict of partitions, an index's from a grouping by the index's hash key, kept per
    table and rebuilt after the table changes (a put, a delete, an update). moto still checks, sorts, filters
    and pages them itself, so its answers are the same; only the walk shrinks. An index partition moto has
    sorted once is kept in that order until the table changes, so its next sort is one pass over sorted items
    (sorting a 30,000-item partition of open cases cost ~0.6 s per Query). (PartiQL writes change items without
    these three calls; nothing here uses PartiQL.)"""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    query, all_items, sort_items = Table.query, Table.all_items, Table.sorted_items
    put, delete, update = Table.put_item, Table.delete_item, DynamoDBBackend.update_item
    parameters = inspect.signature(query)
    scope = threading.local()  # the partition the current thread's query walks

    def changed(table: Any) -> None:
        table._speedup_version = getattr(table, "_speedup_version", 0) + 1

    def put_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return put(self, *args, **kwargs)
        finally:
            changed(self)

    def delete_item(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return delete(self, *args, **kwargs)
        finally:
            changed(self)

    def update_item(self: Any, table_name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return update(self, table_name, *args, **kwargs)
        finally:
            changed(self.get_table(table_name))  # moto updates the item in place

    def grouped(table: Any, attribute: str) -> dict:
        version = getattr(table, "_speedup_version", 0)
        groups = table.__dict__.setdefault("_speedup_groups", {})
        kept = groups.get(attribute)
        if kept is None or kept[0] != version:
            by_value: dict = {}
            for item in all_items(table):
                value = getattr(item, "attrs", {}).get(attribute)
                if value is not None:
                    by_value.setdefault(value, []).append(item)
            kept = groups[attribute] = (version, by_value)
        return kept[1]

    def ordered(table: Any) -> dict:
        """(index, hash value) → that index partition as moto sorted it, for the table as it is now."""
        version = getattr(table, "_speedup_version", 0)
        kept = table.__dict__.get("_speedup_ordered")
        if kept is None or kept[0] != version:
            kept = table._speedup_ordered = (version, {})
        return kept[1]

    def partition(table: Any, bound: inspect.BoundArguments) -> list | None:
        index_name, conditions = bound.arguments.get("index_name"), bound.arguments.get("hash_key_conditions")
        if not index_name:
            hash_key = bound.arguments.get("hash_key")
            if hash_key is None or hash_key not in table.items:  # .items is a defaultdict: test before reading
                return None if hash_key is None else []
            found = table.items[hash_key]
            return list(found.values()) if table.has_range_key else [found]
        if not conditions or len(conditions) != 1:
            return None  # a multi-attribute key: moto's own walk
        attribute, value = conditions[0]
        key = (index_name, value)
        if key in ordered(table):
            return ordered(table)[key]
        if len(bound.arguments.get("range_key_conditions") or ()) <= 1:  # moto then keeps exactly what it sorts
            scope.order_for = (table, key)
        return grouped(table, attribute).get(value, [])

    def partition_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = parameters.bind(self, *args, **kwargs)
        items = partition(self, bound)
        if items is None:
            return query(self, *args, **kwargs)
        scope.table, scope.items = self, items
        try:
            return query(self, *args, **kwargs)
        finally:
            scope.table = scope.items = scope.order_for = None

    def sorted_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = sort_items(self, *args, **kwargs)
        pending, scope.order_for = getattr(scope, "order_for", None), None
        if pending is not None and pending[0] is self:
            ordered(self)[pending[1]] = list(result)  # a copy: moto reverses its own list for a backward Query
        return result

    def scoped_items(self: Any) -> Any:
        if getattr(scope, "table", None) is self:
            return iter(scope.items)
        return all_items(self)

    Table.query = partition_query  # type: ignore[method-assign]
    Table.all_items = scoped_items  # type: ignore[method-assign]
    Table.sorted_items = sorted_items  # type: ignore[method-assign]
    Table.put_item = put_item  # type: ignore[method-assign]
    Table.delete_item = delete_item  # type: ignore[method-assign]
    DynamoDBBackend.update_item = update_item  # type: ignore[method-assign]


def _delete_under_the_queue_lock() -> None:
    """moto deletes an SQS message by building the queue's list anew and assigning it, without the queue's lock
    that sending holds: a message sent meanwhile is dropped from the new list, silently. The 20,000-bill run lost
    8 pushes so (sent while LineSender's pollers deleted). Deleting under the same lock loses none."""
    from moto.sqs.models import Queue

    delete = Queue.delete_message

    def delete_message(self: Any, receipt_handle: str) -> None:
        with self._messages_lock:  # a Condition over an RLock: the speed-ups' own wrapper may take it again
            delete(self, receipt_handle)

    Queue.delete_message = delete_message  # type: ignore[method-assign]
