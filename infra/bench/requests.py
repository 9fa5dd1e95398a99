"""What one business event costs in AWS requests and Lambda time, measured on the local stack: the inputs of
docs/cost.md. Every AWS call a function makes is counted by (function, service, operation) while one kind of
event at a time goes through the whole stack; the SQS polling Lambda's event source mappings do is counted
apart (on AWS it is one ReceiveMessage and one DeleteMessageBatch per batch, not per message)."""

import statistics
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager

from botocore.client import BaseClient

from infra.local.devstack import dev_stack
from infra.local.runtime import LambdaRuntime
from tests.citizen import Citizen

_local = threading.local()


@contextmanager
def _counting():
    """Count AWS calls made inside a function's invocation, and each invocation's duration."""
    calls: Counter = Counter()
    durations: dict[str, list[float]] = defaultdict(list)
    real_call, real_invoke = BaseClient._make_api_call, LambdaRuntime.invoke

    def call(client, operation, params):
        function = getattr(_local, "function", None)
        if function:
            calls[(function, client.meta.service_model.service_name, operation)] += 1
        return real_call(client, operation, params)

    def invoke(runtime, logical_id, event):
        outer = getattr(_local, "function", None)
        _local.function = logical_id
        started = time.perf_counter()
        try:
            return real_invoke(runtime, logical_id, event)
        finally:
            durations[logical_id].append(time.perf_counter() - started)
            _local.function = outer

    BaseClient._make_api_call, LambdaRuntime.invoke = call, invoke
    try:
        yield calls, durations
    finally:
        BaseClient._make_api_call, LambdaRuntime.invoke = real_call, real_invoke


def _per_event(calls: Counter, durations: dict, events: int) -> dict:
    by_service: Counter = Counter()
    for (_, service, operation), n in calls.items():
        by_service[f"{service}.{operation}"] += n
    invocations = {f: len(d) for f, d in durations.items()}
    return {
        "requests": {k: v / events for k, v in sorted(by_service.items())},
        "invocations": {f: n / events for f, n in sorted(invocations.items())},
        "median_ms": {f: statistics.median(d) * 1000 for f, d in sorted(durations.items())},
    }


def measure(rounds: int = 20) -> dict:
    """Per follow → welcome, per text → help, and per booking made through the chat (a keyword and 4 taps)."""
    dev = dev_stack()  # the demo agency, to book
    try:
        warm = Citizen(dev)
        warm.follow()
        warm.book()
        dev.stack.drain(timeout=60)
        figures = {}
        with _counting() as (calls, durations):
            for _ in range(rounds):
                Citizen(dev).follow()
            dev.stack.drain(timeout=120)
        figures["follow → welcome"] = _per_event(calls, durations, rounds)
        citizens = [Citizen(dev) for _ in range(rounds)]
        for citizen in citizens:
            citizen.follow()
        dev.stack.drain(timeout=120)
        with _counting() as (calls, durations):
            for citizen in citizens:
                citizen.say("สวัสดีครับ")
            dev.stack.drain(timeout=120)
        figures["text → help"] = _per_event(calls, durations, rounds)
        with _counting() as (calls, durations):
            for citizen in citizens:
                card = citizen.book()
                assert "BK-" in str(card)
            dev.stack.drain(timeout=120)
        figures["a booking made in the chat (5 events: keyword, service, day, time, confirm)"] = _per_event(
            calls, durations, rounds)
    finally:
        dev.stop()
    return figures


def main() -> None:
    print("\n## AWS requests and Lambda time per business event (local stack, one event at a time; docs/cost.md)")
    for name, figure in measure().items():
        print(f"\n### {name}")
        for key, value in figure["requests"].items():
            print(f"  {key:<48} {value:6.2f}")
        for function, n in figure["invocations"].items():
            print(f"  λ {function:<46} {n:6.2f} invocations, median {figure['median_ms'][function]:.0f} ms")


if __name__ == "__main__":
    main()
