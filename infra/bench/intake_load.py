"""The intake's answer time under concurrent signed posts on the local stack (loopback only, bounded)."""

import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from infra.local import webhook_client as wh
from infra.local.devstack import dev_stack


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def concurrent_posts(concurrency: int = 50, rounds: int = 4) -> dict:
    """`rounds` waves of `concurrency` simultaneous follows from distinct citizens; seconds per answer."""
    dev = dev_stack(seed=False)
    try:
        wh.post(dev.url, dev.channel_secret, [wh.text(wh.user_id(), "เมนู")])  # cold start out of the figures
        dev.stack.drain(timeout=30)
        latencies, statuses = [], []

        def one(_):
            user = wh.user_id()
            started = time.perf_counter()
            status, _ = wh.post(dev.url, dev.channel_secret, [wh.event("follow", user)])
            return time.perf_counter() - started, status

        alone = []
        for _ in range(20):
            latency, _ = one(None)
            alone.append(latency)
        dev.stack.drain(timeout=60)

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for _ in range(rounds):
                for latency, status in pool.map(one, range(concurrency)):
                    latencies.append(latency)
                    statuses.append(status)
        elapsed = time.perf_counter() - started
        dev.stack.drain(timeout=120)
        delivered = sum(1 for r in dev.line.requests() if r["path"].startswith("/v2/bot/message/") and r["status"] == 200)
    finally:
        dev.stop()
    return {"alone_p50_s": statistics.median(alone), "posts": len(latencies), "ok": statuses.count(200), "p50_s": statistics.median(latencies),
            "p95_s": _percentile(latencies, 0.95), "max_s": max(latencies), "posts_per_s": len(latencies) / elapsed,
            "line_sends": delivered}
