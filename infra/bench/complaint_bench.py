"""Complaints on the local stack: a staff status change → the citizen's push (p50, p95); complaints filed per
second through the chat (concurrent citizens, each the whole flow with a photo); and the duplicate lookup's
DynamoDB requests and time at 1,000 and 100,000 open cases (the ratio is the figure: it must stay flat).

Bounded: about 2 minutes, loopback only. Everything shares one Python process (moto, the functions, the
load), so absolute rates describe this machine; moto answers a Query by walking every item of the table
(DynamoDB reads only the partition), so the lookup's time is shown both as moto gives it and with moto
handed a per-partition index for this read-only measurement — the requests and items read are DynamoDB's.
"""

import io
import json
import statistics
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AGENCY = "demo-municipality"
HERE = (13.7563, 100.5018)
STATUS_CHANGES = 20
FILERS = 12
SIZES = (1_000, 100_000)
LOOKUPS = 20
MOTO_LOOKUPS = 2    # moto walks the whole table per Query: slow at 100,000, so fewer samples of it


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1024, 768), (120, 90, 60)).save(out, "JPEG", quality=90)
    return out.getvalue()


# ---------------------------------------------------------------- the chat and the pushes (the whole stack)

class _Chat:
    """A citizen over signed webhooks, reading the fake LINE (as tests/citizen.py, without pytest)."""

    def __init__(self, dev):
        from infra.local import webhook_client as wh

        self.dev, self.wh, self.user = dev, wh, wh.user_id()

    def send(self, make, timeout: float = 120) -> list[dict]:
        seen = len(self.dev.line.received(self.user))
        status, _ = self.wh.post(self.dev.url, self.dev.channel_secret, [make(self.dev.line.issue_reply_token(self.user))])
        assert status == 200, status
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.dev.line.received(self.user)[seen:]
            if got:
                return [r["message"] for r in got]
            time.sleep(0.02)
        raise TimeoutError("no answer")

    def button(self, messages, prefix: str) -> str:
        found = []

        def walk(node):
            if isinstance(node, dict):
                if node.get("type") == "postback" and node.get("data", "").startswith(prefix):
                    found.append(node["data"])
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
        walk(messages)
        return found[0]

    def report(self, photo: bytes) -> str:
        wh = self.wh
        menu = self.send(lambda t: wh.text(self.user, "แจ้งเรื่อง", t))
        self.send(lambda t: wh.postback(self.user, self.button(menu, "1/cp/cat?c=road"), t))
        self.send(lambda t: wh.text(self.user, "ถนนเป็นหลุมลึก รถล้มบ่อย", t))
        message_id = str(uuid.uuid4().int)[:18]
        self.dev.line.put_content(message_id, photo, "image/jpeg")
        self.send(lambda t: wh.image(self.user, message_id, t))
        review = self.send(lambda t: wh.location(self.user, *HERE, "จุดเกิดเหตุ", "", t))
        receipt = self.send(lambda t: wh.postback(self.user, self.button(review, "1/cp/send?"), t))
        return json.dumps(receipt, ensure_ascii=False)


def chat_figures() -> dict:
    import urllib.request

    from civic.complaints import cases, rules
    from civic.complaints.cases import NewCase
    from infra.local.devstack import dev_stack

    dev = dev_stack(visibility_scale=0.05)
    try:
        photo = _jpeg()
        _Chat(dev).report(photo)  # cold starts out of the figures
        started = time.perf_counter()
        with ThreadPoolExecutor(FILERS) as pool:
            receipts = list(pool.map(lambda _: _Chat(dev).report(photo), range(FILERS)))
        filing_s = time.perf_counter() - started
        assert all("รับเรื่องแล้ว" in r for r in receipts), "a citizen got no receipt"

        with urllib.request.urlopen(f"{dev.url}/_local/token?agency={AGENCY}&role=officer") as answer:
            token = json.loads(answer.read())["token"]
        followers, refs = [], []
        for _ in range(STATUS_CHANGES):
            chat = _Chat(dev)
            case, _ = cases.create(NewCase(AGENCY, "light", [{"m": None, "t": "ไฟดับ"}], lat=HERE[0], lng=HERE[1],
                                           reporter=chat.user), rules_now())
            followers.append(chat.user)
            refs.append(case.ref)
        latencies = []
        for user, ref in zip(followers, refs):
            seen = len(dev.line.received(user))
            request = urllib.request.Request(f"{dev.url}/agency/complaint/cases/{ref}/accept", data=b"{}", method="POST",
                                             headers={"authorization": f"Bearer {token}", "content-type": "application/json"})
            began = time.perf_counter()
            with urllib.request.urlopen(request) as answer:
                assert answer.status == 200
            while not [r for r in dev.line.received(user)[seen:] if r["endpoint"] == "push"]:
                if time.perf_counter() - began > 60:
                    raise TimeoutError("no push within a minute")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - began)
        del rules
    finally:
        dev.stop()
    return {"filers": FILERS, "filing_s": filing_s, "filed_per_s": FILERS / filing_s,
            "push_p50_s": statistics.median(latencies), "push_p95_s": _percentile(latencies, 0.95),
            "push_max_s": max(latencies), "changes": len(latencies)}


def rules_now():
    from civic import thai

    return thai.now()


# ---------------------------------------------------------------- the duplicate lookup at 1,000 and 100,000

class _Partitioned:
    """Hand moto a per-partition index of the `nearby` GSI for a read-only measurement (DynamoDB reads only the
    queried partition; moto walks every item of the table)."""

    def __init__(self, table_name: str):
        self.table_name, self.groups = table_name, None

    def __enter__(self):
        from moto.dynamodb.models.table import Table

        self.original = original = Table.query
        indexer = self

        def query(table, hash_key, range_comparison, range_objs, limit, start, forward, projection, index_name=None,
                  *rest, hash_key_conditions=None, **kwargs):
            if table.name == indexer.table_name and index_name == "nearby" and hash_key_conditions:
                if indexer.groups is None:
                    indexer.groups = defaultdict(list)
                    for item in table.all_items():
                        value = item.attrs.get("cell_key")
                        if value is not None:
                            indexer.groups[value.value].append(item)
                items = indexer.groups.get(hash_key_conditions[0][1].value, [])
                table.all_items = lambda: iter(items)
                try:
                    return original(table, hash_key, range_comparison, range_objs, limit, start, forward, projection,
                                    index_name, *rest, hash_key_conditions=hash_key_conditions, **kwargs)
                finally:
                    del table.all_items
            return original(table, hash_key, range_comparison, range_objs, limit, start, forward, projection,
                            index_name, *rest, hash_key_conditions=hash_key_conditions, **kwargs)

        Table.query = query
        return self

    def __exit__(self, *_):
        from moto.dynamodb.models.table import Table

        Table.query = self.original


class _Requests:
    """Count the DynamoDB requests made in this process while the block runs (every client: boto3's and
    PynamoDB's go through botocore's _make_api_call), and the items they read."""

    def __init__(self):
        self.calls, self.read, self.lock = 0, 0, threading.Lock()

    def __enter__(self):
        from botocore.client import BaseClient

        self.original = original = BaseClient._make_api_call
        counter = self

        def counted(client, operation, params):
            answer = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                with counter.lock:
                    counter.calls += 1
                    counter.read += int(answer.get("ScannedCount", 0)) + sum(
                        len(v) for v in (answer.get("Responses") or {}).values())
            return answer

        BaseClient._make_api_call = counted
        return self

    def __exit__(self, *_):
        from botocore.client import BaseClient

        BaseClient._make_api_call = self.original


def _seed_open_cases(total: int, start: int) -> None:
    """`total` open located cases over greater Bangkok (about 55 × 65 km), of six categories, plus three road
    cases within 50 m of HERE (so every lookup has something to find)."""
    import random

    from civic.aws import client
    from civic.complaints import cases
    from civic.settings import settings
    from civic.tables import complaint_cases

    rng = random.Random(start)
    table = settings().complaint_cases_table
    categories = ("road", "light", "drain", "waste", "tree", "power-line")
    points = [(HERE[0] + 0.0001 * n, HERE[1], "road") for n in range(3) if start == 0]
    points += [(rng.uniform(13.5, 14.0), rng.uniform(100.3, 100.9), rng.choice(categories)) for _ in range(total - len(points))]
    dynamodb = client("dynamodb")
    for offset in range(0, len(points), 25):
        writes = []
        for n, (lat, lng, category) in enumerate(points[offset:offset + 25], start=start + offset):
            ref = f"CP-6912-{n:06d}"
            writes.append({"PutRequest": {"Item": {
                "pk": {"S": complaint_cases.case_key(AGENCY, ref)}, "sk": {"S": "case"}, "agency_id": {"S": AGENCY},
                "ref": {"S": ref}, "status": {"S": "received"}, "category": {"S": category},
                "lat": {"N": f"{lat:.6f}"}, "lng": {"N": f"{lng:.6f}"}, "created_at": {"N": str(1_796_000_000 + n)},
                "cell_key": {"S": complaint_cases.cell_key(AGENCY, category, cases.cell(lat, lng))}}}})
        dynamodb.batch_write_item(RequestItems={table: writes})


def lookup_figures() -> dict:
    from civic.complaints import desk
    from infra.local.stack import LocalStack

    stack = LocalStack(str(ROOT / "template.yaml"), port=0, start_pollers=False, start_schedules=False).start()
    rows = []
    try:
        from civic.settings import settings
        from infra.local.demo import complaint as demo

        demo.seed()
        draft = {"category": "road", "lat": HERE[0], "lng": HERE[1]}
        seeded = 0
        for size in SIZES:
            began = time.perf_counter()
            _seed_open_cases(size - seeded, seeded)
            seeded, seed_s = size, time.perf_counter() - began
            timings = {}
            for label, indexed in (("moto", False), ("partitioned", True)):
                with (_Partitioned(settings().complaint_cases_table) if indexed else _NoOp()), _Requests() as counted:
                    desk._look_alikes(draft)  # warm: the partition index is built outside the figures
                    counted.calls = counted.read = 0
                    times = []
                    for _ in range(LOOKUPS if indexed else MOTO_LOOKUPS):
                        began = time.perf_counter()
                        found = desk._look_alikes(draft)
                        times.append(time.perf_counter() - began)
                timings[label] = statistics.median(times)
                samples = LOOKUPS if indexed else MOTO_LOOKUPS
                requests, read = counted.calls / samples, counted.read / samples
            rows.append({"open_cases": size, "requests": requests, "items_read": read, "found": len(found),
                         "moto_s": timings["moto"], "partitioned_s": timings["partitioned"], "seed_s": seed_s})
    finally:
        stack.stop()
    return {"rows": rows}


class _NoOp:
    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False


def main() -> None:
    chat = chat_figures()
    print("\n## Complaints on the local stack (one process: moto, pollers, functions and the load share it)")
    print(f"filed through the chat: {chat['filers']} citizens at once, each the whole flow with a photo "
          f"(6 webhooks): {chat['filing_s']:.1f} s, {chat['filed_per_s']:.2f} complaints/s")
    print(f"staff status change → the citizen's push ({chat['changes']} accepts over HTTP): "
          f"p50 {chat['push_p50_s'] * 1000:.0f} ms   p95 {chat['push_p95_s'] * 1000:.0f} ms   "
          f"max {chat['push_max_s'] * 1000:.0f} ms")
    lookup = lookup_figures()
    print("duplicate lookup (open road cases within 50 m: the H3 cell and its ring, 7 index queries + 1 batch read):")
    print(f"{'open cases':>12}{'requests':>10}{'items read':>12}{'found':>7}{'moto ms':>10}{'partitioned ms':>16}")
    for row in lookup["rows"]:
        print(f"{row['open_cases']:>12,}{row['requests']:>10.1f}{row['items_read']:>12.1f}{row['found']:>7}"
              f"{row['moto_s'] * 1000:>10.1f}{row['partitioned_s'] * 1000:>16.1f}")
    small, large = lookup["rows"][0], lookup["rows"][-1]
    print(f"ratio 100,000 / 1,000: requests {large['requests'] / small['requests']:.2f}×, items read "
          f"{large['items_read'] / max(small['items_read'], 1):.2f}×, time {large['partitioned_s'] / small['partitioned_s']:.2f}× "
          f"(moto's whole-table walk: {large['moto_s'] / small['moto_s']:.0f}×)")


if __name__ == "__main__":
    main()
