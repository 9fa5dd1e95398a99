"""Bills at scale: the import's streaming read (rows/s and peak memory, 10,000 and 1,000,000 rows, generated on
the fly), the requests an area notice costs, and the bill fan-out on the local stack with the fake LINE enforcing
a ceiling and answering bursts of 429 (sends/s as a share of our ceiling, duplicates, losses, CPU and AWS
requests per bill), and the pushes/s the stack reaches with no ceiling.

`python -m infra.bench.bill_bench [bills]`: the fan-out's size is a parameter (make bench runs BENCH_BILLS,
2,000 by default; the lead runs 20,000 on the faster stack).
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager

from civic.bills import csvrows, work

BILLS = int(os.environ.get("BENCH_BILLS", "2000"))
# This stack (one process, moto, 2 shared cores) reaches ~14 pushes/s with no ceiling; the ceiling is set under
# that so the figure says whether pacing holds it, not whether the machine can.
PUSH_CEILING = 10        # ours, per second, over LineSendMaxConcurrency (10) instances
FAKE_PUSH_CEILING = 12   # LINE's (the fake's): ours stays under it with a margin
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
    """The AWS requests the functions make (boto3 and PynamoDB both go through botocore's endpoint); the event
    sources' polling is left out (on AWS it is Lambda's, whatever the traffic)."""

    def __init__(self):
        import botocore.endpoint

        self.count, self.by_operation, self.lock = 0, {}, threading.Lock()
        self._endpoint = botocore.endpoint.Endpoint
        self._send = self._endpoint._send

        def counting(endpoint, request):
            target = request.headers.get("X-Amz-Target", b"")
            target = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
            operation = target or f"S3 {request.method}"
            if operation not in POLLING:
                with self.lock:
                    self.count += 1
                    self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            return self._send(endpoint, request)

        self._endpoint._send = counting

    def close(self):
        self._endpoint._send = self._send


@contextmanager
def _stack(env: dict):
    from infra.local.devstack import dev_stack

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    dev = dev_stack(env={**os.environ, "LINE_RETRY_BASE_S": "1"})
    try:
        yield dev
    finally:
        dev.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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
        requests, cpu = _Requests(), time.process_time()
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
        cpu_s, aws, by_operation = time.process_time() - cpu, requests.count, dict(requests.by_operation)
        requests.close()
        got = [len(line.received(u)) for u in users]
        attempts = [r for r in line.requests() if r["path"] == "/v2/bot/message/push"]
        sending_s = max(last - (first or last), 1e-9)
        return {"bills": count, "ceiling": ceiling, "delivered": sum(1 for g in got if g),
                "duplicates": sum(g - 1 for g in got if g > 1), "lost": sum(1 for g in got if not g),
                "seconds": last - started, "sending_s": sending_s, "pushes_per_s": count / sending_s,
                "share": (count / sending_s) / ceiling if ceiling else None,
                "429s": sum(1 for r in attempts if r["status"] == 429), "attempts": len(attempts),
                "cpu_ms_per_bill": cpu_s * 1000 / count, "aws_requests_per_bill": aws / count,
                "per_bill": {op: n / count for op, n in sorted(by_operation.items(), key=lambda kv: -kv[1])}}


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
        f = fan_out(count, ceiling)
        label = f"ceiling {ceiling}/s (fake LINE {FAKE_PUSH_CEILING}/s, 429 bursts)" if ceiling else "no ceiling"
        share = f", {f['share'] * 100:.0f} % of the ceiling" if ceiling else ""
        print(f"{label}: {f['pushes_per_s']:.1f} pushes/s{share}; delivered {f['delivered']:,}, duplicates "
              f"{f['duplicates']}, lost {f['lost']}; 429 answers {f['429s']} of {f['attempts']:,} attempts; "
              f"{f['cpu_ms_per_bill']:.1f} ms CPU and {f['aws_requests_per_bill']:.1f} AWS requests per bill "
              f"(CPU: the whole process — moto, fake LINE, pollers, functions); {f['seconds']:.0f} s from upload "
              f"to the last card")
        print("  AWS requests per bill by operation: " + ", ".join(f"{op} {n:.2f}" for op, n in f["per_bill"].items()))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else BILLS)
