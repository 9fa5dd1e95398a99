"""The console's reads on the local stack with 100,000 complaint cases (issue 10): the case list (first page, the
next page by its cursor, a page filtered by status and category, the overdue cases) and each figures route,
p50 and p95 over HTTP with a signed-in officer's token, and what each costs DynamoDB (requests, items read).

Seeding is fast: the cases and their counters are batch-written through the table modules straight into moto
(not through LINE), for one agency over a year, plus a second agency using the same references. Everything
shares one Python process (moto, the HTTP front, the functions and the load). moto answers a Query of an index
by walking every item of the table (DynamoDB reads only the partition, from the cursor on), so each route is
timed twice: on moto as it is, and with moto handed a per-partition view of the cases' indexes for this
read-only measurement; the requests and items read are what DynamoDB would do. `python -m infra.bench.console_bench
[cases]`.
"""

import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timedelta

AGENCY, OTHER = "demo-municipality", "other-city"
CASES, OTHER_CASES = 100_000, 2_000
DAYS_OF_CASES = 365
SAMPLES, MOTO_SAMPLES, WARM = 40, 40, 2  # the local stack's moto walks only the partition (moto_speedups)
CATEGORIES = ("road", "light", "drain", "waste", "power-line", "tree")
AREAS = {AGENCY: ("north", "south", None), OTHER: ("centre", None)}
# An agency's year: most cases done, a working board of open ones.
STATUSES = (("closed", 55), ("resolved", 10), ("in_progress", 10), ("received", 8), ("accepted", 5),
            ("assigned", 5), ("rejected", 3), ("duplicate", 2), ("reopened", 2))
ROUTES = (
    ("cases, first page (50)", "/agency/complaint/cases", {"limit": "50"}),
    ("cases, next page (cursor)", "/agency/complaint/cases", {"limit": "50", "cursor": None}),
    ("cases, status=in_progress&category=road", "/agency/complaint/cases",
     {"status": "in_progress", "category": "road", "limit": "50"}),
    ("cases, overdue", "/agency/complaint/cases", {"overdue": "true", "limit": "50"}),
    ("complaint figures (30 days)", "/agency/complaint/figures", {"days": "30"}),
    ("booking figures (30 days)", "/agency/booking/figures", {"days": "30"}),
    ("message figures (30 days)", "/agency/messages/figures", {"days": "30"}),
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# ---------------------------------------------------------------- seeding through the table modules

def _statuses(rng: random.Random, age_days: float) -> str:
    if age_days < 7:  # this week's cases are still being worked
        return rng.choice(("received", "accepted", "assigned", "in_progress"))
    return rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]


def seed_cases(agency: str, total: int, now: datetime, rng: random.Random) -> int:
    """`total` cases over the last DAYS_OF_CASES days, numbered per month as the agency would; their figures'
    counters (status, category, area, resolutions, per day) as the cases' transactions would have left them."""
    from civic import daily
    from civic.complaints import rules
    from civic.tables import complaint_cases as table
    from civic.tables import complaint_figures as figures
    from civic.tables.complaint_cases import Case

    counters: Counter = Counter()
    days: Counter = Counter()
    numbers: Counter = Counter()
    moments = sorted(now - timedelta(seconds=rng.uniform(0, DAYS_OF_CASES * 86400)) for _ in range(total))
    with Case.batch_write() as batch:
        for at in moments:
            numbers[rules.month_of(at)] += 1
            ref = rules.reference(at, numbers[rules.month_of(at)])
            created = int(at.timestamp())
            status = _statuses(rng, (now - at).total_seconds() / 86400)
            category, area = rng.choice(CATEGORIES), rng.choice(AREAS[agency])
            sla_days = 5 if category != "power-line" else 1
            due = created + sla_days * 86400 + 2 * 86400
            case = Case(table.case_key(agency, ref), table.CASE, agency_id=agency, ref=ref, category=category,
                        department="public-works", co_departments=[], area_id=area, status=status, version=3,
                        channel="line", urgent=category == "power-line", sla_days=sla_days, created_at=created,
                        updated_at=created + 3600, due_at=due, overdue=due < now.timestamp(),
                        parts=[{"m": str(rng.getrandbits(60)), "t": "ถนนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย ช่วงหน้าโรงเรียน"}],
                        photos=[{"id": f"{rng.getrandbits(48):012x}", "key": f"cases/{agency}/{ref}/before-1.jpg",
                                 "kind": "before", "by": "citizen", "at": created, "m": None, "state": "ok"}],
                        lat=13.70 + rng.random() * 0.1, lng=100.45 + rng.random() * 0.1,
                        address="ถนนตัวอย่าง แขวงพระบรมมหาราชวัง", reopen_count=0,
                        month_key=table.month_key(agency, rules.calendar_month(at)),
                        arrival=table.arrival(created, numbers[rules.month_of(at)]),
                        status_key=table.status_key(agency, status))
            if rules.is_open(status):
                case.open_key = table.open_key(agency)
            days[(daily.day_of(created), "filed")] += 1
            for prefix in ("status", f"category#{category}", f"area#{area or 'none'}"):
                counters[f"{prefix}#{status}"] += 1
            if status in ("resolved", "closed"):
                took = int(rng.uniform(0.2, 9) * 86400)
                case.resolved_at = created + took
                counters.update({"resolve#count": 1, "resolve#seconds": took, f"resolve#h{rules.bucket(took)}": 1,
                                 "resolve#within": int(created + took <= due)})
                if case.resolved_at <= now.timestamp():
                    days[(daily.day_of(case.resolved_at), "resolved")] += 1
            if status == "closed":
                case.closed_at = case.resolved_at
            batch.save(case)
    with figures.Counter.batch_write() as batch:
        for name, n in counters.items():
            batch.save(figures.Counter(figures.figures_key(agency), name, agency_id=agency, n=n))
        for (day, what), n in days.items():
            counter = figures.day_counter(agency, day, what)
            counter.n = n
            batch.save(counter)
    return total


def seed_daily(agency: str, now: datetime, rng: random.Random) -> None:
    """A month of booking and message day counts, spread over their shards as the ledger and LineSender would."""
    from civic import daily
    from civic.tables import bookings, deliveries

    with bookings.DayCount.batch_write() as batch:
        for day in daily.window(now.date(), 31):
            for shard in range(daily.SHARDS):
                served, no_show = rng.randint(5, 20), rng.randint(0, 3)
                batch.save(bookings.DayCount(bookings.figure_key(agency, day, shard), agency_id=agency,
                                             booked=served + no_show + rng.randint(0, 5), served=served,
                                             no_show=no_show, cancelled=rng.randint(0, 2)))
    with deliveries.Delivery.batch_write() as batch:
        for day in daily.window(now.date(), 31):
            for shard in range(deliveries.COUNTER_SHARDS):
                batch.save(deliveries.Delivery(deliveries.day_key(agency, day, shard), agency_id=agency,
                                               sent_count=rng.randint(100, 900), failed_count=rng.randint(0, 9)))


# ---------------------------------------------------------------- measuring

class _PartitionedIndexes:
    """Hand moto a per-partition view of a table's index partitions (what DynamoDB reads for a Query) for a
    read-only measurement; moto otherwise walks every item of the table for each Query of an index."""

    def __init__(self, table_name: str):
        self.table_name, self.groups = table_name, {}

    def __enter__(self):
        from moto.dynamodb.models.table import Table

        self.original = original = Table.query
        view = self

        def query(table, *args, hash_key_conditions=None, **kwargs):
            index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
            if table.name != view.table_name or not index_name or not hash_key_conditions:
                return original(table, *args, hash_key_conditions=hash_key_conditions, **kwargs)
            attribute, value = hash_key_conditions[0][0], hash_key_conditions[0][1]
            if attribute not in view.groups:
                groups = view.groups[attribute] = defaultdict(list)
                for item in table.all_items():
                    if item.attrs.get(attribute) is not None:
                        groups[item.attrs[attribute].value].append(item)
            items = view.groups[attribute].get(value.value, [])
            table.all_items = lambda: iter(items)
            try:
                return original(table, *args, hash_key_conditions=hash_key_conditions, **kwargs)
            finally:
                del table.all_items

        Table.query = query
        return self

    def __exit__(self, *_):
        from moto.dynamodb.models.table import Table

        Table.query = self.original


class _DynamoDbRequests:
    """DynamoDB requests made in this process while the block runs, and the items they read."""

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
                        len(v) for v in (answer.get("Responses") or {}).values()) + int("Item" in answer)
            return answer

        BaseClient._make_api_call = counted
        return self

    def __exit__(self, *_):
        from botocore.client import BaseClient

        BaseClient._make_api_call = self.original


def _get(url: str, token: str) -> tuple[float, dict]:
    request = urllib.request.Request(url, headers={"authorization": f"Bearer {token}"})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as answer:
        body = json.loads(answer.read())
        assert answer.status == 200, answer.status
    return time.perf_counter() - began, body


def _time(dev, token: str, path: str, query: dict, samples: int) -> dict:
    url = f"{dev.url}{path}?{urllib.parse.urlencode(query)}"
    for _ in range(WARM):
        _get(url, token)
    with _DynamoDbRequests() as counted:
        times, body = zip(*(_get(url, token) for _ in range(samples)))
    return {"p50_s": statistics.median(times), "p95_s": _percentile(list(times), 0.95),
            "requests": counted.calls / samples, "items_read": counted.read / samples, "body": body[-1]}


def figures(cases: int = CASES) -> dict:
    from civic import thai
    from infra.local.devstack import dev_stack

    dev = dev_stack(visibility_scale=0.05, rich_menu=False, start_pollers=False, start_schedules=False)
    try:
        from civic.settings import settings

        now, rng = thai.now(), random.Random(10)
        began = time.perf_counter()
        seed_cases(AGENCY, cases, now, rng)
        seed_cases(OTHER, OTHER_CASES, now, rng)  # the same references, its own keys
        for agency in (AGENCY, OTHER):
            seed_daily(agency, now, rng)
        seed_s = time.perf_counter() - began
        with urllib.request.urlopen(f"{dev.url}/_local/token?agency={AGENCY}&role=officer") as answer:
            token = json.loads(answer.read())["token"]
        _, first = _get(f"{dev.url}/agency/complaint/cases?limit=50", token)
        rows = []
        for label, path, query in ROUTES:
            query = {k: (first["next"] if v is None else v) for k, v in query.items()}
            row = {"route": label}
            for name, view, samples in (("moto", None, MOTO_SAMPLES),
                                        ("partitioned", _PartitionedIndexes(settings().complaint_cases_table),
                                         SAMPLES)):
                if view is None:
                    timed = _time(dev, token, path, query, samples)
                else:
                    with view:
                        timed = _time(dev, token, path, query, samples)
                row[name] = timed
            body = row["partitioned"]["body"]
            listed = body.get("cases") if isinstance(body.get("cases"), list) else body.get("by_day", [])
            row["answered"] = len(listed)
            row["theirs"] = OTHER in json.dumps(body)
            rows.append(row)
    finally:
        dev.stop()
    return {"cases": cases, "other_cases": OTHER_CASES, "seed_s": seed_s, "rows": rows}


def main(cases: int = CASES) -> None:
    os.environ["POWERTOOLS_METRICS_DISABLED"] = "true"  # one metric set per process: no EMF lines here
    found = figures(cases)
    print(f"\n## The console's reads on the local stack ({found['cases']:,} cases of one agency, "
          f"{found['other_cases']:,} of another with the same references; seeded in {found['seed_s']:.0f} s)")
    print("GET over HTTP with an officer's token; 'partitioned' = moto handed a per-partition view of the cases' "
          "indexes (DynamoDB reads only the partition)")
    print(f"{'route':<42}{'answered':>9}{'requests':>9}{'items read':>11}{'moto p50':>10}{'moto p95':>10}"
          f"{'part. p50':>11}{'part. p95':>11}")
    for row in found["rows"]:
        moto, part = row["moto"], row["partitioned"]
        print(f"{row['route']:<42}{row['answered']:>9}{part['requests']:>9.1f}{part['items_read']:>11.1f}"
              f"{moto['p50_s'] * 1000:>8.0f}ms{moto['p95_s'] * 1000:>8.0f}ms"
              f"{part['p50_s'] * 1000:>9.0f}ms{part['p95_s'] * 1000:>9.0f}ms")
        assert not row["theirs"], f"{row['route']} answered with the other agency's data"


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else CASES)
