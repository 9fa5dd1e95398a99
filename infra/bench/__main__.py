"""Run every benchmark and print the figures (copy them into docs/benchmarks.md)."""

import os
import platform

from infra.bench import bill_bench, booking_bench, complaint_bench, console_bench, imports, intake_load, requests


def main() -> None:
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

    booking_bench.main()
    complaint_bench.main()
    bill_bench.main()  # BENCH_BILLS (2,000) bills in the fan-out; `python -m infra.bench.bill_bench 20000`
    console_bench.main()  # 100,000 cases: the console's case list and figures routes
    requests.main()


if __name__ == "__main__":
    main()
