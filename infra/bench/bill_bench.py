"""Bills at scale: the import's streaming read (rows/s and peak memory, 10,000 and 1,000,000 rows, generated on
the fly), the requests an area notice costs, and the bill fan-out on the local stack with the fake LINE enforcing
a ceiling and answering bursts of 429 (sends/s as a share of our ceiling, duplicates, losses, CPU and AWS
requests per bill), and the pushes/s the stack reaches with no ceiling.

`python -m infra.bench.bill_bench [bills]`: the fan-out's size is a parameter (make bench runs BENCH_BILLS,
2,000 by default; the issue's figure is 20,000) on make run's stack of processes (BENCH_PROCESSES=0: one
process, what the tests run).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager

from civic.bills import csvrows, work

BILLS = int(os.environ.get("BENCH_BILLS", "2000"))
# make run's stack: moto per service and a process per function, as Lambda gives each function its own sandboxes.
PROCESSES = os.environ.get("BENCH_PROCESSES", "1") == "1"
# make run's stack (processes apart, 2 cores) reached 41.8 pushes/s with no ceiling (docs/benchmarks.md); the
# ceiling is set under that so the figure says whether pacing holds it, not whether the machine can.
# On a machine shared with other work, set it lower (BENCH_PUSH_CEILING) so it stays under what the stack reaches.
PUSH_CEILING = float(os.environ.get("BENCH_PUSH_CEILING", "20"))  # ours, per second, over LineSendMaxConcurrency
FAKE_PUSH_CEILING = PUSH_CEILING * 1.2  # LINE's (the fake's): ours stays under it with a margin
# The no-ceiling rate is a rate: a few thousand bills measure it (BENCH_FREE_BILLS; by default as many as above).
FREE_BILLS = int(os.environ.get("BENCH_FREE_BILLS", "0"))
POLLING = ("ReceiveMessage", "GetQueueAttributes")  # the event sources' polling and drain(), not our code
BURSTS = ((0.25, 2.0), (0.6, 2.0))  # (share of pushes sent, seconds of 429 by the fake's clock)
HEADER = "account,period,usage,amount,due_date,unit"


# ---------------------------------------------------------------- the import's read, without AWS

def _generate(path: str, rows: int) -> int:
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for n in range(rows):
            out.write(f"{1_000_000_000 + n},2026-12,{n % 40 + 5},{(n % 40 + 5) * 10.5 + 35:.2f},20/12/2569,ลบ.ม.\n")
    return os.path.getsize(path)


def stream(path: str, size: int) -> dict:
    """What the segment and chunk stages do to a file, minus the writes: ranges read, lines cut and decoded,
    chunks of 500 parsed. Memory: the process's peak resident size (run alone, in a fresh interpreter)."""
    started, cpu = time.perf_counter(), time.process_time()
    start, line, encoding, columns, rows, rejects, chunks = 0, 1, None, None, 0, 0, 0
    with open(path, "rb") as source:
        while start < size:
            source.seek(start)
            data = source.read(work.SEGMENT_BYTES)
            final = start + len(data) >= size
            raw, consumed, encoding = csvrows.lines_of(data, line, encoding, final)
            decoded = []
            for number, text in raw:
                text = csvrows.decode_line(text, encoding)
                if columns is None:
                    columns = csvrows.header(text, "bills")
                    continue
                decoded.append((number, text))
            for at in range(0, len(decoded), work.CHUNK_ROWS):
                parsed = csvrows.rows("bills", decoded[at:at + work.CHUNK_ROWS], columns)
                rows, rejects, chunks = rows + len(parsed.rows), rejects + len(parsed.rejects), chunks + 1
            line = raw[-1][0] + 1 if raw else line
            start += consumed if not final else len(data)
    seconds = time.perf_counter() - started
    return {"rows": rows, "rejects": rejects, "chunks": chunks, "seconds": seconds, "rows_per_s": rows / seconds,
            "cpu_s": time.process_time() - cpu, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
            "file_mb": size / 1e6}


def import_read(sizes=(10_000, 1_000_000)) -> list[dict]:
    """Each size in a fresh interpreter, so its peak memory is its own."""
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in sizes:
            path = os.path.join(folder, f"bills-{rows}.csv")
            size = _generate(path, rows)
            code = f"import json; from infra.bench.bill_bench import stream; print(json.dumps(stream({path!r}, {size})))"
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                  env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
            out.append(json.loads(done.stdout.strip().splitlines()[-1]))
            os.remove(path)
    return out


# ---------------------------------------------------------------- on the local stack

class _Requests:
    """The AWS requests made while the bills went out, counted by the stack's moto servers (so a function's
    requests count whichever process it runs in); the event sources' polling is left out (on AWS it is
    Lambda's, whatever the traffic)."""

    def __init__(self, stack):
        from infra.local.moto_server import requests_counted

        self._read = lambda: requests_counted(stack.moto_urls.values() or [stack.moto_url])
        self._before = self._read()

    def done(self) -> dict[str, int]:
        after = self._read()
        return {op: n - self._before.get(op, 0) for op, n in after.items()
                if op not in POLLING and n > self._before.get(op, 0)}


def _cpu_s(stack) -> float:
    """CPU seconds of this process and the stack's children (moto servers, sandboxes) so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for child in getattr(stack, "children", []):
        if child.process is None:
            continue
        try:
            with open(f"/proc/{child.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (FileNotFoundError, IndexError, ValueError):
            continue
    return total


@contextmanager
def _stack(env: dict):
    from infra.local.devstack import dev_stack

    # As overrides: the template's own value (LinePushCeiling) would win over a variable set in os.environ.
    dev = dev_stack(env={**os.environ, "LINE_RETRY_BASE_S": "1"}, processes=PROCESSES, env_overrides=env)
    try:
        yield dev
    finally:
        dev.stop()


def _citizens_with_accounts(count: int, agency: str = "demo-municipality") -> dict[str, str]:
    """account → a citizen who follows, consented and linked it (written straight into the tables)."""
    from civic.tables import bill_accounts, bill_links, citizens

    base, people = uuid.uuid4().int % 10**8, {}
    for n in range(count):
        account, user = f"8{base + n:09d}", "U" + uuid.uuid4().hex
        bill_accounts.upsert(agency, account, f"บ้านเลขที่ {n}", "เมือง", "ในเมือง", None)
        citizens.follow(user, None, "th", time.time())
        citizens.set_consent(user, True, None, time.time())
        bill_links.put_link(user, agency, account, "เมือง", "ในเมือง", "")
        people[account] = user
    return people


def _upload(accounts: list[str], period: str) -> str:
    import boto3

    from civic.bills import importer
    from civic.settings import settings

    body = (HEADER + "\n" + "".join(f"{a},{period},20,245.00,2027-01-20,\n" for a in accounts)).encode()
    key = importer.object_key("demo-municipality", "bills", f"bench-{uuid.uuid4().hex[:8]}.csv")
    boto3.client("s3").put_object(Bucket=settings().imports_bucket, Key=key, Body=body)
    return key


def fan_out(count: int, ceiling: float | None, bursts=BURSTS) -> dict:
    """`count` bills, each to its own linked citizen (a push each). With a ceiling: the fake LINE refuses above
    FAKE_PUSH_CEILING/s and answers 429 for a while at each burst."""
    env = {"LINE_PUSH_CEILING": str(ceiling or 100_000)}
    with _stack(env) as dev:
        line = dev.line
        if ceiling:
            line.limit(ceilings={"push": FAKE_PUSH_CEILING})
        people = _citizens_with_accounts(count)
        users = set(people.values())
        requests, cpu = _Requests(dev.stack), _cpu_s(dev.stack)
        started = time.perf_counter()
        _upload(list(people), "2027-01")
        pending = list(bursts) if ceiling else []
        first = None
        while True:
            delivered = sum(1 for u in users if line.received(u))
            if delivered and first is None:
                first = time.perf_counter()
            if pending and delivered >= pending[0][0] * count:
                line.inject(status=429, seconds=pending.pop(0)[1], paths=["/v2/bot/message/push"])
            if delivered >= count or time.perf_counter() - started > 60 + count:
                break
            time.sleep(0.2)
        last = time.perf_counter()
        dev.stack.drain(timeout=300)
        cpu_s, by_operation = _cpu_s(dev.stack) - cpu, requests.done()
        aws = sum(by_operation.values())
        got = [len(line.received(u)) for u in users]
        attempts = [r for r in line.requests() if r["path"] == "/v2/bot/message/push"]
        sending_s = max(last - (first or last), 1e-9)
        return {"bills": count, "ceiling": ceiling, "delivered": sum(1 for g in got if g),
                "duplicates": sum(g - 1 for g in got if g > 1), "lost": sum(1 for g in got if not g),
                "seconds": last - started, "sending_s": sending_s, "pushes_per_s": count / sending_s,
                "share": (count / sending_s) / ceiling if ceiling else None,
                "most_in_a_second": _most_in_one_second([r["at"] for r in attempts]),
                "429s": sum(1 for r in attempts if r["status"] == 429), "attempts": len(attempts),
                "cpu_ms_per_bill": cpu_s * 1000 / count, "aws_requests_per_bill": aws / count,
                "per_bill": {op: n / count for op, n in sorted(by_operation.items(), key=lambda kv: -kv[1])}}


def _most_in_one_second(times: list[float]) -> int:
    """The most requests in any one-second window (a sliding window over the sorted times)."""
    times, most, first = sorted(times), 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def area_notice(recipients: int = 1200) -> dict:
    """One notice to a subdistrict of `recipients` subscribers: multicast requests LINE received."""
    from civic.bills import notices
    from civic.tables import bill_jobs, bill_links, citizens

    with _stack({}) as dev:
        for _ in range(recipients):
            user = "U" + uuid.uuid4().hex
            citizens.follow(user, None, "th", time.time())
            citizens.set_consent(user, True, None, time.time())
            bill_links.save_prefs(user, "demo-municipality", {"water_cut"}, set(), None, {"บางใหญ่|เสาธงหิน"},
                                  {"บางใหญ่|เสาธงหิน"}, 0)
        job = notices.compose("demo-municipality", "ทดสอบ", "water_cut",
                              [{"district": "บางใหญ่", "subdistrict": "เสาธงหิน"}], [])
        dev.stack.drain(timeout=120)
        counted = bill_jobs.find("demo-municipality", job.job_id)
        notices.send("demo-municipality", job.job_id)
        dev.stack.drain(timeout=120)
        sent = [r for r in dev.line.requests() if r["path"] == "/v2/bot/message/multicast"]
        return {"recipients": counted.count("planned"), "previewed_requests": counted.count("requests"),
                "multicast_requests": len(sent), "largest_chunk": max(len(r["body"]["to"]) for r in sent)}


def main(count: int = BILLS) -> None:
    print("\n## Bill import: the streaming read (segments of 4 MB, chunks of 500), no AWS")
    print(f"{'rows':>10}{'file MB':>9}{'seconds':>9}{'rows/s':>10}{'peak MB':>9}")
    for r in import_read():
        print(f"{r['rows']:>10,}{r['file_mb']:>9.1f}{r['seconds']:>9.1f}{r['rows_per_s']:>10,.0f}{r['peak_mb']:>9.1f}")
    n = area_notice()
    print(f"\n## Area notice: {n['recipients']:,} recipients → {n['multicast_requests']} multicast requests "
          f"(previewed {n['previewed_requests']}; largest chunk {n['largest_chunk']}; recipients / 500 = "
          f"{n['recipients'] / 500:.1f})")
    print(f"\n## Bill fan-out on the local stack: {count:,} bills, a push each")
    for ceiling in (PUSH_CEILING, None):
        bills = count if ceiling else (FREE_BILLS or count)
        f = fan_out(bills, ceiling)
        label = (f"{bills:,} bills, ceiling {ceiling:g}/s (fake LINE {FAKE_PUSH_CEILING:g}/s, 429 bursts)" if ceiling
                 else f"{bills:,} bills, no ceiling")
        share = f", {f['share'] * 100:.0f} % of the ceiling" if ceiling else ""
        print(f"{label}: {f['pushes_per_s']:.1f} pushes/s{share}; delivered {f['delivered']:,}, duplicates "
              f"{f['duplicates']}, lost {f['lost']}; at most {f['most_in_a_second']} pushes in a second; 429 answers {f['429s']} of {f['attempts']:,} attempts; "
              f"{f['cpu_ms_per_bill']:.1f} ms CPU and {f['aws_requests_per_bill']:.1f} AWS requests per bill "
              f"(CPU: every process of the stack — moto, fake LINE, pollers, functions); {f['seconds']:.0f} s from upload "
              f"to the last card")
        print("  AWS requests per bill by operation: " + ", ".join(f"{op} {n:.2f}" for op, n in f["per_bill"].items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else BILLS)
