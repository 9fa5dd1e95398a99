"""Agencies never cross (DESIGN decision 8; RELIABILITY rows 34, 45): two agencies of one deployment both define
a service `id-card`, with citizens booked, waiting and checked in on both sides. Staff of one agency run every
route of the agency API — taken from its OpenAPI document, so a route added later is covered or fails this
test — and every schedule of the template runs; nothing of the other agency is read, changed or told, and
every agency-owned item is keyed under its own agency. Complaints too: both agencies have categories `road`,
`light`, an area `north`, a department `public-works`, and cases with the same reference (each numbers its own)."""

import copy
import json
from datetime import datetime, time, timedelta

import boto3
import pytest

from civic import thai
from civic.booking import ledger, rules
from civic.handover import desk
from civic.tables import bookings, citizens, rich_menus
from civic.tables import faq as faq_table
from civic.thai import BANGKOK
from tests.integration.booking.conftest import LambdaContext, load_handler, make_service, user
from tests.moto_stack import RESOURCES, moto_stack, table_name
from tests.tenancy import crossings

A, B = "demo-municipality", "other-city"
TODAY = datetime.now(BANGKOK).date()
TOMORROW = TODAY + timedelta(days=1)
B_SERVICE = {"name_th": "ทำบัตรเมืองอื่น", "name_en": "Other City ID card", "branch_th": "ศาลาว่าการเมืองอื่น",
             "branch_en": "Other City Hall", "grace_minutes": 120}


def _at(day, hh, mm=0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BANGKOK)


def _book(service, citizen, day, hhmm, when):
    slot = f"{service.agency_id}#{service.service_id}@{day:%Y%m%d}{hhmm}"
    outcome = ledger.book(citizen, service, slot, None, rules.booking_ref(citizen, slot, "0000cafe"), when)
    assert outcome.kind == "booked"
    return outcome.booking


def _complaint_side(agency: str, filed_at: datetime) -> dict:
    """One agency's complaints: an area `north` and its own supervisor; a follower's two road cases filed at
    `filed_at` (due after the agency's own service level: 5 working days for A, 7 for B)."""
    from civic.complaints import cases, staff
    from infra.local.demo import complaint as demo

    point = (13.7563, 100.5018) if agency == A else (18.7900, 98.9850)
    south, west = point[0] - 0.01, point[1] - 0.01
    staff.save_area(agency, "north", {"name_th": f"เหนือ {agency}", "name_en": f"North of {agency}", "departments": {},
                                      "active": True, "geometry": demo._ring(south, west, south + 0.02, west + 0.02)})
    supervisor = "U" + ("a" if agency == A else "b") * 32
    settings = {"name_th": agency, "name_en": agency, "triage_department": "central-triage", "supervisors": [supervisor],
                "duty_officers": [], "contact": ""}
    staff.save_settings(agency, settings)
    citizen = user()
    filed = [cases.create(cases.NewCase(agency, category, [{"m": None, "t": f"{agency} twin words"}],
                                        lat=point[0], lng=point[1], reporter=citizen), filed_at)[0]
             for category in ("road", "road")]
    return {"citizen": citizen, "supervisor": supervisor, "refs": [c.ref for c in filed]}


def _overdue_only_for_a(now: datetime) -> datetime:
    """The latest filing time after which A's road case (5 working days) is overdue at `now`, B's (7) not yet."""
    from civic.complaints import sla

    filed = now - timedelta(days=1)
    while sla.due(filed, 5) >= now:
        filed -= timedelta(days=1)
    assert sla.due(filed, 7) > now
    return filed


def _side(agency: str, fields: dict) -> dict:
    """One agency's half: today's 08:00 slot full (two bookings, one checked in on B's side) with one citizen
    waiting, and a booking tomorrow at 10:00; every citizen has consented to reminders."""
    yesterday = _at(TODAY - timedelta(days=1), 9)
    service = make_service(agency=agency, seats=2, horizon_days=3, now=yesterday, **fields)
    people = {name: user() for name in ("first", "second", "waiting", "tomorrow")}
    for citizen in people.values():
        citizens.set_consent(citizen, True, f"name-{citizen[-6:]}", yesterday.timestamp())
    held = {name: _book(service, people[name], TODAY, "0800", yesterday) for name in ("first", "second")}
    ledger.join_waitlist(people["waiting"], service, f"{agency}#id-card@{TODAY:%Y%m%d}0800",
                         int(_at(TODAY, 8).timestamp()), None, yesterday)
    held["tomorrow"] = _book(service, people["tomorrow"], TOMORROW, "1000", yesterday)
    people["chatting"] = user()
    chat, _ = desk.open_chat(agency, people["chatting"], int(yesterday.timestamp() * 1000))
    faq_table.FaqEntry(agency, faq_table.entry_key("water-bill"), questions_th=["จ่ายค่าน้ำที่ไหน"],
                       answer_th=f"ที่{fields.get('branch_th', 'สำนักงานเขตตัวอย่าง')}", answer_en="At the office").save()
    faq_table.count_miss(agency, "0123456789abcdef", "แมวหาย", "th", yesterday.timestamp())
    # Both configure their rich menu with the same entry ids (civic.tables.rich_menus).
    rich_menus.save_config(agency, ["citizen.mydata"], ["booking.mine"], yesterday.timestamp())
    return {"service": service, "people": people, "bookings": held, "chat": chat}


def _items_of(agency: str) -> dict[str, list[str]]:
    """Every item of every table that belongs to the agency (its agency_id, or a key under it), as JSON."""
    dynamodb, found = boto3.client("dynamodb"), {}
    for logical_id in (n for n, r in RESOURCES.items() if r["Type"] == "AWS::DynamoDB::Table"):
        items = dynamodb.scan(TableName=table_name(logical_id)).get("Items", [])
        mine = [json.dumps(i, sort_keys=True) for i in items
                if i.get("agency_id", {}).get("S") == agency or any(
                    isinstance(v.get("S"), str) and v["S"].startswith(f"{agency}#") for v in i.values())]
        if mine:
            found[logical_id] = sorted(mine)
    return found


def _outbox(queue_url: str) -> list[dict]:
    sqs, found = boto3.client("sqs"), []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        found += [json.loads(m["Body"]) for m in batch]
        sqs.delete_message_batch(QueueUrl=queue_url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
    return found


def _bill_side(agency: str) -> dict:
    """One agency's bills: the demo accounts (both agencies number them alike), a citizen linked to account
    1100000001 with a subscription, a batch with a rejected line, a counted notice and a scheduled one."""
    from civic.tables import bill_jobs, bill_links

    citizen = user()
    citizens.set_consent(citizen, True, f"bill-{citizen[-6:]}", datetime.now(BANGKOK).timestamp())
    bill_links.put_link(citizen, agency, "1100000001", "เมือง", "ในเมือง", "บ้าน")
    bill_links.save_prefs(citizen, agency, {"water_cut"}, set(), "60_plus", {"เมือง|*"},
                          {"เมือง|ในเมือง", "เมือง|*"}, 1)
    batch_id = "B" + ("A" if agency == A else "B") * 15
    bill_jobs.create(agency, batch_id, "batch", "imported", {"kind": "bills", "file": f"{agency}.csv"})
    bill_jobs.reject(agency, batch_id, [(3, f"unknown account of {agency}")])
    notice_id = "N" + ("A" if agency == A else "B") * 15
    notice = bill_jobs.create(agency, notice_id, "notice", "ready", {
        "text": f"ประกาศของ {agency}", "topic": "water_cut", "areas": [{"district": "เมือง"}], "age_groups": []})
    bill_jobs.create(agency, notice_id[:-1] + "C", "notice", "scheduled", {
        "text": f"ประกาศตั้งเวลา {agency}", "topic": "water_cut", "areas": [{"district": "เมือง"}], "age_groups": []},
        send_at=1.0)
    return {"citizen": citizen, "batch": batch_id, "notice": notice.job_id}


@pytest.fixture
def twins(monkeypatch):
    with moto_stack() as names:
        from infra.local.demo import bill as bill_demo

        bill_demo.seed()  # both agencies, the same account numbers
        sides = {A: _side(A, {}), B: _side(B, B_SERVICE)}
        from infra.local.demo import complaint as complaint_demo

        complaint_demo.seed()
        filed_at = _overdue_only_for_a(_at(TODAY, 8, 30))
        for agency in (A, B):
            sides[agency]["complaint"] = _complaint_side(agency, filed_at)
        for agency in (A, B):
            sides[agency]["bill"] = _bill_side(agency)
        _outbox(names["OutboxQueue"])
        monkeypatch.setattr(thai, "now", lambda: _at(TODAY, 7, 55))
        yield names, sides


# ---------------------------------------------------------------- every route of the agency API

def _api():
    return load_handler("agency_api", "agency_api")


def _operations() -> list[tuple[str, str, bool]]:
    """(method, path, takes a body) of every operation of the agency API's OpenAPI document."""
    schema = _api().app.get_openapi_schema()
    return sorted((method.upper(), path, getattr(item, method).requestBody is not None)
                  for path, item in schema.paths.items()
                  for method in ("get", "put", "post", "delete", "patch") if getattr(item, method, None))


# A body for every route that takes one. A new route without an entry here fails the test: add one.
BODIES = {
    ("PUT", "/agency/booking/services/{service_id}"): {
        "name_th": "ทำบัตรประชาชน (แก้ไข)", "name_en": "ID card (edited)", "branch_th": "ช่อง 1", "branch_en": "Desk 1"},
    ("PUT", "/agency/booking/services/{service_id}/calendar"): {
        "hours": {"mon": [{"opens": "09:00", "closes": "10:00"}]}, "slot_minutes": 60, "seats": 1,
        "thai_holidays": False, "horizon_days": 2},
    ("POST", "/agency/booking/services/{service_id}/days/{day}/close"): {"reason": "ปิดปรับปรุง"},
    ("POST", "/agency/booking/services/{service_id}/days/{day}/slots/{start}/close"): {"reason": "ไฟฟ้าดับ"},
    ("POST", "/agency/chats/{chat_id}/messages"): {"request_id": "twin-answer-1", "text": "สวัสดีค่ะ"},
    ("PUT", "/agency/faq/{entry_id}"): {"questions_th": ["จ่ายค่าน้ำที่ไหน"], "answer_th": "ช่อง 2",
                                         "answer_en": "Counter 2"},
    ("PUT", "/agency/profile"): {"name_th": "เทศบาลตัวอย่าง", "name_en": "Demo Municipality",
                                 "office_hours": {"mon": [{"opens": "08:30", "closes": "16:30"}]}},
    ("PUT", "/agency/complaint/categories/{code}"): {"name_th": "ถนน (แก้ไข)", "name_en": "Roads (edited)",
                                                     "department": "public-works", "sla_days": 4},
    ("PUT", "/agency/complaint/areas/{area_id}"): {"name_th": "เหนือ", "name_en": "North", "geometry": {
        "type": "Polygon", "coordinates": [[[100.49, 13.75], [100.51, 13.75], [100.51, 13.77], [100.49, 13.75]]]}},
    ("PUT", "/agency/complaint/departments/{department}"): {"name_th": "กองช่าง (แก้ไข)", "name_en": "Works"},
    ("PUT", "/agency/complaint/settings"): {"name_th": "เทศบาลตัวอย่าง", "supervisors": ["U" + "c" * 32]},
    ("POST", "/agency/complaint/open311-keys"): {"label": "twin test"},
    ("POST", "/agency/complaint/open311-keys/{key_id}/revoke"): {},
    ("POST", "/agency/complaint/cases/{case_ref}/accept"): {"note": "รับแล้ว"},
    ("POST", "/agency/complaint/cases/{case_ref}/assign"): {"assignee": "officer@a.example"},
    ("POST", "/agency/complaint/cases/{case_ref}/progress"): {"note": "กำลังซ่อม"},
    ("POST", "/agency/complaint/cases/{case_ref}/forward"): {"department": "disaster", "reason": "ต้นไม้ล้ม"},
    ("POST", "/agency/complaint/cases/{case_ref}/co-assign"): {"department": "environment"},
    # "of" the twin case itself (below): refused (422), so the steps after it still find the case open.
    ("POST", "/agency/complaint/cases/{case_ref}/duplicate"): {"of": "CP-0000-0001"},
    ("POST", "/agency/complaint/cases/{case_ref}/resolve"): {"note": "ซ่อมแล้ว", "photo": "AFTER_PHOTO"},
    ("POST", "/agency/complaint/cases/{case_ref}/reject"): {"reason": "ไม่ใช่เขตเรา"},
    ("PUT", "/agency/bill/settings"): {"name_th": "ประปาแก้ไข", "name_en": "Water (edited)", "check": "last_amount",
                                       "areas": {"เมือง": ["ในเมือง"]}},
    ("PUT", "/agency/bill/accounts/{account}"): {"address": "1 ถ.ใหม่", "district": "เมือง", "subdistrict": "ในเมือง"},
    ("POST", "/agency/bill/accounts/{account}/bills/{period}/paid"): {},
    ("POST", "/agency/bill/uploads"): {"kind": "bills"},
    ("POST", "/agency/bill/imports/{kind}"): "account,period,usage,amount,due_date\n1100000001,2026-12,1,1.00,2026-12-20\n",
    ("POST", "/agency/bill/batches/{batch_id}/notify"): {},
    ("POST", "/agency/bill/notices"): {"text": "น้ำไม่ไหลพรุ่งนี้", "topic": "water_cut", "areas": [{"district": "เมือง"}]},
    ("POST", "/agency/bill/notices/{notice_id}/send"): {},
    ("PUT", "/agency/rich-menu"): {"services": ["citizen", "booking"]},
}


def _call(method: str, path: str, agency: str, role: str = "admin", body=None) -> tuple[int, str]:
    claims = {"sub": f"staff-of-{agency}", "custom:agency_id": agency, "cognito:groups": f"[{role}]"}
    event = {
        "version": "2.0", "routeKey": "ANY /agency/{proxy+}", "rawPath": path, "rawQueryString": "",
        "headers": {"content-type": "application/json"}, "queryStringParameters": None,
        "requestContext": {"accountId": "123456789012", "apiId": "local", "domainName": "local",
                           "authorizer": {"jwt": {"claims": claims, "scopes": None}},
                           "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                                    "userAgent": "pytest"},
                           "requestId": "r", "routeKey": "ANY /agency/{proxy+}", "stage": "$default"},
        "pathParameters": {"proxy": path.removeprefix("/agency/")},
        "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False,
    }
    answer = _api().lambda_handler(event, LambdaContext())
    return answer["statusCode"], answer["body"] or ""


def test_staff_of_one_agency_reach_nothing_of_the_other_through_any_route(twins):
    """GIVEN two agencies with a service `id-card` each, both with bookings, a waitlist and a checked-in citizen
    WHEN an admin of A calls every agency route with the twin ids — the shared service id, today, 08:00, and B's
    booking reference — THEN no answer carries B's references, citizens or service, B's items are exactly as
    they were, and no B citizen is told anything; A's own records were acted on (the routes ran)."""
    names, sides = twins
    b_ref = sides[B]["bookings"]["first"].ref
    b_chat = sides[B]["chat"]
    samples = {"service_id": "id-card", "day": TODAY.isoformat(), "start": "0800", "ref": b_ref,
               "chat_id": f"{b_chat.user_id}~{int(b_chat.opened_at):013d}", "entry_id": "water-bill",
               "digest": "0123456789abcdef"}
    complaint_refs = sides[A]["complaint"]["refs"]
    assert complaint_refs == sides[B]["complaint"]["refs"]  # the twin references: both agencies numbered 0001, 0002
    samples.update({"code": "road", "area_id": "north", "department": "public-works", "case_ref": complaint_refs[0],
                    "key_id": "0badc0de"})
    samples.update({"account": "1100000001", "period": "2026-11", "kind": "bills",
                    "batch_id": sides[B]["bill"]["batch"], "notice_id": sides[B]["bill"]["notice"]})
    before = _items_of(B)

    answers = {}
    for method, path, takes_body in _operations():
        if path == "/agency/openapi.json":
            continue
        if takes_body and (method, path) not in BODIES:
            pytest.fail(f"{method} {path} has no sample body in BODIES: add one so this route is covered")
        concrete = path.format(**{k: v for k, v in samples.items() if "{" + k + "}" in path})
        body = _complaint_body(copy.deepcopy(BODIES.get((method, path))), complaint_refs)
        answers[(method, path)] = _call(method, concrete, A, body=body)

    b_marks = [b.ref for b in sides[B]["bookings"].values()] + list(sides[B]["people"].values())
    b_marks += [B_SERVICE["name_th"], B_SERVICE["branch_th"], B]
    b_marks += [sides[B]["complaint"]["citizen"], sides[B]["complaint"]["supervisor"], f"{B} twin words"]
    b_marks += [sides[B]["bill"]["citizen"], "ประปาเมืองอื่น", f"ประกาศของ {B}", f"unknown account of {B}"]
    for (method, path), (status, body) in answers.items():
        # Publishing the rich menu is LINE's answer, and this tier has no LINE: 502 says so (nothing of B's moved).
        assert status < 500 or (method, path) == ("POST", "/agency/rich-menu/publish"), \
            f"{method} {path} → {status} {body[:200]}"
        assert not [m for m in b_marks if m in body], f"{method} {path} answered with B's data: {body[:300]}"
    reaching_b_by_id = [k for k in answers if any(f"{{{name}}}" in k[1]
                                                  for name in ("ref", "chat_id", "batch_id", "notice_id"))]
    assert reaching_b_by_id and all(answers[k][0] == 404 for k in reaching_b_by_id), \
        {k: answers[k][0] for k in reaching_b_by_id}
    assert _items_of(B) == before
    told = {m["to"] for m in _outbox(names["OutboxQueue"]) if isinstance(m["to"], str)}
    assert not told & (set(sides[B]["people"].values()) | {sides[B]["bill"]["citizen"]})
    assert sides[A]["people"]["first"] in told  # A's day was closed: A's citizens were told
    assert bookings.find(A, sides[A]["bookings"]["first"].ref).status == "closed"
    assert crossings(table_name) == []
    from civic.tables import complaint_cases

    assert complaint_cases.find(A, complaint_refs[0]).version > 1  # A's twin case was worked
    assert sides[A]["complaint"]["citizen"] in told and sides[B]["complaint"]["citizen"] not in told


def _complaint_body(body, refs: list[str]):
    """The sample bodies that name the twin case or carry an "after" photo."""
    if isinstance(body, dict) and body.get("of") == "CP-0000-0001":
        body["of"] = refs[0]
    if isinstance(body, dict) and body.get("photo") == "AFTER_PHOTO":
        import base64

        from tests import images

        body["photo"] = base64.b64encode(images.jpeg()).decode()
    return body


def test_an_agency_refuses_a_booking_reference_of_the_other_even_typed_differently(twins):
    """GIVEN B's booking reference WHEN A's officer reads it as printed, in lower case or without dashes THEN 404
    every time; B's officer reads it (the reference is B's)."""
    _, sides = twins
    ref = sides[B]["bookings"]["second"].ref
    for typed in (ref, ref.lower(), ref.replace("-", "")):
        assert _call("GET", f"/agency/booking/bookings/{typed}", A, role="officer")[0] == 404
    status, body = _call("GET", f"/agency/booking/bookings/{ref.lower()}", B, role="officer")
    assert status == 200 and json.loads(body)["ref"] == ref


# ---------------------------------------------------------------- every schedule of the template

def _schedules() -> list[tuple[str, str, dict]]:
    """(function, event, its input) for every Schedule/ScheduleV2 event of the template."""
    found = []
    for logical_id, resource in RESOURCES.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for name, event in resource["Properties"].get("Events", {}).items():
            if event["Type"] in ("Schedule", "ScheduleV2"):
                found.append((logical_id, name, json.loads(event["Properties"].get("Input", "{}"))))
    return found


def _run_every_schedule():
    for logical_id, _, payload in _schedules():
        properties = RESOURCES[logical_id]["Properties"]
        module, function = properties["Handler"].rsplit(".", 1)
        handler = getattr(load_handler(properties["CodeUri"].strip("/").split("/")[-1], module), function)
        handler(payload, LambdaContext())


def test_a_bill_paid_or_read_by_one_agency_is_that_agencys_own_even_with_the_same_account_number(twins):
    """GIVEN both agencies' bills for account 1100000001, November WHEN A's officer marks it paid and reads the
    account THEN A's bill is paid and B's still unpaid-or-as-it-was, and A sees its own address, never B's."""
    from civic.tables import bills as bill_table

    b_before = bill_table.find(B, "1100000001", "2026-11").to_simple_dict()
    status, _ = _call("POST", "/agency/bill/accounts/1100000001/bills/2026-11/paid", A, role="officer", body={})
    assert status == 200 and bill_table.find(A, "1100000001", "2026-11").status == "paid"
    assert bill_table.find(B, "1100000001", "2026-11").to_simple_dict() == b_before
    status, body = _call("GET", "/agency/bill/batches/" + twins[1][B]["bill"]["batch"] + "/rejects", A,
                         role="officer")
    assert status == 404 and B not in body


def test_every_schedule_acts_on_each_agency_with_its_own_rules(twins, monkeypatch):
    """GIVEN A allowing 15 minutes' grace and B 120, and both with a booking tomorrow WHEN every schedule of the
    template runs at 08:30 and again at 18:30 THEN A's absent citizen is a no-show and B's (within its grace)
    is not; each citizen booked tomorrow gets one evening-before reminder naming their own agency's service
    and branch; and every agency-owned item stays keyed under its agency."""
    names, sides = twins
    assert _schedules(), "the template has schedules"
    monkeypatch.setattr(thai, "now", lambda: _at(TODAY, 8, 30))
    _run_every_schedule()
    assert bookings.find(A, sides[A]["bookings"]["second"].ref).status == "no_show"
    assert bookings.find(B, sides[B]["bookings"]["second"].ref).status == "confirmed"

    _outbox(names["OutboxQueue"])
    monkeypatch.setattr(thai, "now", lambda: _at(TODAY, 18, 30))
    _run_every_schedule()
    reminders = [m for m in _outbox(names["OutboxQueue"]) if m["purpose"] == "booking-reminder"]
    by_citizen = {m["to"]: json.dumps(m["messages"], ensure_ascii=False) for m in reminders}
    assert len(reminders) == 2
    assert B_SERVICE["branch_th"] in by_citizen[sides[B]["people"]["tomorrow"]]
    assert B_SERVICE["branch_th"] not in by_citizen[sides[A]["people"]["tomorrow"]]
    from civic.tables import bill_jobs

    for agency in (A, B):  # each agency's scheduled notice was taken up under its own key (held: no LINE here)
        scheduled = bill_jobs.find(agency, sides[agency]["bill"]["notice"][:-1] + "C")
        assert scheduled.agency_id == agency and scheduled.status == "held_quota"
    assert crossings(table_name) == []


def test_the_complaint_schedule_escalates_each_agency_by_its_own_service_levels(twins, monkeypatch):
    """GIVEN both agencies' road cases filed at the same moment, A's due after 5 working days and B's after 7
    WHEN every schedule runs at 08:30, when only A's is late THEN A's case is overdue, A's supervisor and A's
    citizen are told; B's case, supervisor and citizen are untouched; items stay keyed under their agency."""
    from civic.tables import complaint_cases

    names, sides = twins
    monkeypatch.setattr(thai, "now", lambda: _at(TODAY, 8, 30))
    _run_every_schedule()
    a, b = sides[A]["complaint"], sides[B]["complaint"]
    assert complaint_cases.find(A, a["refs"][0]).overdue is True
    assert complaint_cases.find(B, b["refs"][0]).overdue is False
    told = {m["to"]: m["purpose"] for m in _outbox(names["OutboxQueue"]) if isinstance(m["to"], str)}
    assert told.get(a["supervisor"]) == "complaint-escalation" and told.get(a["citizen"]) == "complaint-escalate"
    assert b["supervisor"] not in told and b["citizen"] not in told
    assert crossings(table_name) == []


def test_open311_and_open_data_of_one_agency_show_nothing_of_the_other(twins):
    """GIVEN both agencies' cases with the same references WHEN a client reads A's Open311 documents (the default
    jurisdiction) and open data, by the twin references too THEN no answer carries B's words or citizens."""
    from tests.integration.complaints.conftest import open311_call

    _, sides = twins
    refs = sides[A]["complaint"]["refs"]
    paths = ["/open311/v2/services.json", "/open311/v2/requests.json", f"/open311/v2/requests/{refs[0]}.json",
             f"/open311/v2/requests/{refs[1]}.xml", "/open311/v2/services/road.xml", "/open-data/complaints/cases.json",
             "/open-data/complaints/cases.csv", "/open-data/complaints/figures.json"]
    for path in paths:
        status, _, body = open311_call("GET", path, {"service_request_id": ",".join(refs)} if path.endswith("requests.json") else None)
        assert status == 200, path
        assert f"{B} twin words" not in body and sides[B]["complaint"]["citizen"] not in body, path
    status, _, body = open311_call("GET", f"/open311/v2/requests/{refs[0]}.json")
    assert f"{A} twin words" in body
