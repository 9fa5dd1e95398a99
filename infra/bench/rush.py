"""A launch-day rush on the local stack, the same figures for each way of running it (issue 11):

- follow → welcome events per second sustained end to end (signed post → intake → citizen worker → outbox →
  sender → the fake LINE has the reply), with CPU milliseconds per event over every process of the stack;
- the webhook's answer time at 50 concurrent signed posts (p50, p95, p99);
- booking confirms per second on one hot slot (one counter), the booking desk called from 16 threads.

Each way runs in a fresh interpreter of its own (`python -m infra.bench.rush case <way> <out.json>`), its logs
in logs/bench-stack.log, so moto's state, patched classes and CPU counters never carry from one to the next.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "logs" / "bench-stack.log"
WAYS = {  # name → LocalStack options
    "one process, moto as shipped (before)": {"processes": False, "moto_speedups": False},
    "one process, moto speed-ups (tests)": {"processes": False, "moto_speedups": True},
    "processes apart, moto speed-ups (make run)": {"processes": True, "moto_speedups": True},
}
FOLLOWS = int(os.environ.get("BENCH_RUSH_FOLLOWS", "400"))
CONCURRENCY = 50
WAVES = 4
HOT_CONFIRMS = 40
_TICKS = os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _cpu_seconds(children: dict[str, int]) -> dict[str, float]:
    """CPU seconds of this process (every thread: the front, the posting clients) and of each child, from /proc."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    found = {"front, fake LINE and the posting clients": usage.ru_utime + usage.ru_stime}
    for name, pid in children.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[name] = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return found


def _welcomes(dev) -> int:
    return sum(1 for r in dev.line.requests() if r["path"].startswith("/v2/bot/message/") and r["status"] == 200)


def measure(options: dict) -> dict:
    from infra.local import webhook_client as wh
    from infra.local.devstack import dev_stack

    dev = dev_stack(seed=False, rich_menu=False, **options)
    try:
        children = {child.name: child.pid for child in dev.stack.children if child.pid}
        wh.post(dev.url, dev.channel_secret, [wh.event("follow", wh.user_id())])  # first-call costs out of the figures
        dev.stack.drain(timeout=60)

        def follow(_=None) -> tuple[float, int]:
            started = time.perf_counter()
            status, _ = wh.post(dev.url, dev.channel_secret, [wh.event("follow", wh.user_id())])
            return time.perf_counter() - started, status

        # Sustained: FOLLOWS follows, 50 posting at once, until the fake LINE has every welcome.
        before, cpu_before, started = _welcomes(dev), _cpu_seconds(children), time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            statuses = [status for _, status in pool.map(follow, range(FOLLOWS))]
        while _welcomes(dev) - before < FOLLOWS and time.perf_counter() - started < 600:
            time.sleep(0.02)
        elapsed, cpu_after = time.perf_counter() - started, _cpu_seconds(children)
        cpu = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
        welcomed = _welcomes(dev) - before
        dev.stack.drain(timeout=120)

        # Answer time: waves of 50 simultaneous posts, the pipeline draining between waves.
        latencies = []
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            for _ in range(WAVES):
                latencies += [latency for latency, _ in pool.map(follow, range(CONCURRENCY))]
                dev.stack.drain(timeout=120)
        hot = _hot_slot()
        dev.stack.drain(timeout=120)
    finally:
        dev.stop()
    return {"follows": FOLLOWS, "answered_200": statuses.count(200), "welcomed": welcomed,
            "events_per_s": welcomed / elapsed, "cpu_ms_per_event": sum(cpu.values()) * 1000 / FOLLOWS,
            "cpu_ms_by_process": {name: seconds * 1000 / FOLLOWS for name, seconds in cpu.items()},
            "p50_s": statistics.median(latencies), "p95_s": _percentile(latencies, 0.95),
            "p99_s": _percentile(latencies, 0.99), "hot_slot_per_s": hot["per_s"], "hot_booked": hot["booked"],
            "processes": 1 + len(children)}


def _hot_slot() -> dict:
    """booking_bench's one hot slot with one counter, against this stack's DynamoDB (wherever it runs)."""
    from civic import thai
    from civic.booking.calendar import slot_id
    from infra.bench.booking_bench import _case, _confirm, _service

    now = thai.now()
    day = now.date() + timedelta(days=2)
    _service("rush-hot", HOT_CONFIRMS, 1, now)
    slot = slot_id("demo-municipality", "rush-hot", day, datetime.strptime("1100", "%H%M").time())
    return _case("one hot slot", [_confirm("rush-hot", slot) for _ in range(HOT_CONFIRMS)])


def figures() -> dict[str, dict]:
    """Every way, one after the other, each in its own interpreter; its logs to logs/bench-stack.log."""
    LOG.parent.mkdir(exist_ok=True)
    results = {}
    with LOG.open("a") as log, tempfile.TemporaryDirectory() as folder:  # appended to make bench's log
        for name in WAYS:
            out = Path(folder) / "figures.json"
            log.write(f"\n===== rush: {name} =====\n")
            log.flush()
            done = subprocess.run([sys.executable, "-m", "infra.bench.rush", "case", name, str(out)], cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"rush case {name!r} failed (exit {done.returncode}); see {LOG}")
            results[name] = json.loads(out.read_text())
    return results


def main() -> None:
    load = os.getloadavg()
    print(f"\n## Launch-day rush on the local stack (issue 11): each way in a fresh process; load before "
          f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; stack logs in {LOG.relative_to(ROOT)}")
    print(f"{'way':<44}{'procs':>6}{'welcomes/s':>11}{'CPU ms/ev':>10}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'confirms/s':>11}")
    results = figures()
    for name, f in results.items():
        print(f"{name:<44}{f['processes']:>6}{f['events_per_s']:>11.1f}{f['cpu_ms_per_event']:>10.0f}"
              f"{f['p50_s'] * 1000:>8.0f}{f['p95_s'] * 1000:>8.0f}{f['p99_s'] * 1000:>8.0f}"
              f"{f['hot_slot_per_s']:>11.1f}")
        if f["welcomed"] != f["follows"] or f["answered_200"] != f["follows"]:
            print(f"  ! {f['answered_200']}/{f['follows']} answered 200, {f['welcomed']} welcomes reached LINE")
    print(f"welcomes/s: {FOLLOWS} follows, {CONCURRENCY} posting at once, until every welcome reached the fake LINE; "
          f"p50–p99: {WAVES} waves of {CONCURRENCY} concurrent signed posts; confirms/s: {HOT_CONFIRMS} confirms, "
          "one slot, one counter, 16 threads")
    for name, f in results.items():
        if f["processes"] > 1:
            shares = sorted(f["cpu_ms_by_process"].items(), key=lambda kv: -kv[1])
            print(f"CPU ms per follow → welcome by process ({name}): "
                  + ", ".join(f"{process} {ms:.1f}" for process, ms in shares if ms >= 0.5))


def _case_main(name: str, out: str) -> None:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"
    Path(out).write_text(json.dumps(measure(WAYS[name])))


if __name__ == "__main__":
    if sys.argv[1:2] == ["case"]:
        _case_main(sys.argv[2], sys.argv[3])
    else:
        main()
