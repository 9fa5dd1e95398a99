"""Run every benchmark and print the figures (copy them into docs/benchmarks.md). The stacks' logs (functions,
moto, pollers, child processes) go to logs/bench-stack.log; only the figures reach the terminal."""

import builtins
import functools
import os
import platform
import sys
from pathlib import Path

from infra.bench import bill_bench, booking_bench, complaint_bench, console_bench, imports, intake_load, requests, rush

LOG = Path(__file__).resolve().parents[2] / "logs" / "bench-stack.log"


def _figures_apart_from_logs() -> None:
    """Every write to stdout/stderr (ours, the handlers', child processes') goes to the log; print() to the terminal."""
    terminal = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    LOG.parent.mkdir(exist_ok=True)
    log = open(LOG, "w")  # noqa: SIM115 - open for the whole run
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    builtins.print = functools.partial(print, file=terminal, flush=True)


def main() -> None:
    _figures_apart_from_logs()
    # Powertools keeps one metric set per process; the functions share this one, so no EMF lines here.
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    print(f"# make bench — {platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    figures = imports.intake_vs_naive()
    print("\n## Webhook intake cold import (median of 7 fresh interpreters)")
    print(f"intake (stdlib HMAC, no LINE SDK, no boto3 at import): {figures['intake_import_s'] * 1000:8.1f} ms")
    print(f"naive (linebot.v3 WebhookParser + MessagingApi + boto3): {figures['naive_import_s'] * 1000:8.1f} ms")
    print(f"ratio naive / intake: {figures['ratio']:.1f}×")

    load = intake_load.concurrent_posts()
    print("\n## Webhook intake answer time on the local stack (one process: moto, pollers and functions share it)")
    print(f"one post at a time: p50 {load['alone_p50_s'] * 1000:.0f} ms")
    print("50 concurrent signed posts, 4 waves:")
    print(f"answered 200: {load['ok']}/{load['posts']}   p50 {load['p50_s'] * 1000:.0f} ms   "
          f"p95 {load['p95_s'] * 1000:.0f} ms   max {load['max_s'] * 1000:.0f} ms   "
          f"({load['posts_per_s']:.0f} posts/s; LINE's limit for an answer is 2,000 ms)")
    print(f"send requests LINE (the fake) accepted afterwards: {load['line_sends']} (one reply per follow)")

    rush.main()
    booking_bench.main()
    complaint_bench.main()
    bill_bench.main()  # BENCH_BILLS (2,000) bills in the fan-out; `python -m infra.bench.bill_bench 20000`
    console_bench.main()  # 100,000 cases: the console's case list and figures routes
    requests.main()


if __name__ == "__main__":
    main()
