"""Staff run the day through the agency API (its booking routes, included in the real agency_api app):
calendars, check-in and the queue, call next, served, no-show, closing a slot, CSV; identity from the JWT
claims, and another agency's records answer 404 (rows 33, 34)."""

import functools
import json
from datetime import datetime, time, timedelta

import pytest

from civic import thai
from civic.agency import booking_routes
from civic.booking import ledger, rules
from civic.tables import booking_slots, bookings
from civic.thai import BANGKOK

from .conftest import AGENCY, EVERY_DAY, load_handler, make_service, postbacks, user, words

TODAY = datetime.now(BANGKOK).date()


@functools.cache
def _api():
    """The agency API app with the booking routes, as agency_api includes them (added here if it does not yet)."""
    module = load_handler("agency_api", "agency_api")
    paths = {route.path for route in module.app._static_routes + module.app._dynamic_routes}
    if "/agency/booking/services" not in paths:
        module.app.include_router(booking_routes.router)
    return module


def _call(method: str, path: str, role: str | None = "officer", agency: str = AGENCY, body=None, query=None):
    claims = {"sub": "staff-1", "custom:agency_id": agency, "cognito:groups": f"[{role}]"} if role else {}
    event = {
        "version": "2.0", "routeKey": "ANY /agency/{proxy+}", "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {"content-type": "application/json", "authorization": "Bearer verified-by-api-gateway"},
        "queryStringParameters": query,
        "requestContext": {
            "accountId": "123456789012", "apiId": "local", "domainName": "local", "domainPrefix": "local",
            "authorizer": {"jwt": {"claims": claims, "scopes": None}} if role else {},
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                     "userAgent": "pytest"},
            "requestId": "r", "routeKey": "ANY /agency/{proxy+}", "stage": "$default", "time": "", "timeEpoch": 0},
        "pathParameters": {"proxy": path.removeprefix("/agency/")},
        "body": json.dumps(body) if body is not None else None, "isBase64Encoded": False,
    }
    answer = _api().app.resolve(event, None)
    content = answer["body"]
    is_json = answer["headers"].get("Content-Type", "").startswith("application/json")
    return answer["statusCode"], json.loads(content) if is_json and content else content


@pytest.fixture
def day(booking_env, monkeypatch):
    """Today's 08:00 slot with 4 seats, booked by four citizens yesterday; the clock at 07:55 today."""
    yesterday = datetime.combine(TODAY - timedelta(days=1), time(9), tzinfo=BANGKOK)
    service = make_service(seats=4, now=yesterday)
    slot = f"{AGENCY}#id-card@{TODAY:%Y%m%d}0800"
    citizens = [user() for _ in range(4)]
    refs = [ledger.book(c, service, slot, None, rules.booking_ref(c, slot, "cafe0000"), yesterday).booking.ref
            for c in citizens]
    monkeypatch.setattr(thai, "now", lambda: datetime.combine(TODAY, time(7, 55), tzinfo=BANGKOK))
    booking_env.drain()
    return booking_env, citizens, refs


def _pushes(chat, to, purpose):
    chat.drain()
    return [o for o in chat.sent if o.to == to and o.purpose == purpose]


def test_check_in_gives_the_next_queue_number_and_tells_the_citizen_how_long(day):
    """GIVEN three booked citizens WHEN staff check them in THEN numbers 1, 2, 3; the third has 2 ahead, about
    8 minutes (4 min each, one desk), and is pushed exactly that in Thai."""
    chat, citizens, refs = day
    answers = [_call("POST", f"/agency/booking/bookings/{ref}/check-in")[1] for ref in refs[:3]]

    assert [a["queue_number"] for a in answers] == [1, 2, 3]
    assert answers[2] == {"ref": refs[2], "queue_number": 3, "ahead": 2, "wait_minutes": 8}
    (push,) = _pushes(chat, citizens[2], "booking-ticket")
    assert "หมายเลขคิวของท่าน: 3" in push.messages[0]["text"] and "อีก 2 คิว ประมาณ 8 นาที" in push.messages[0]["text"]
    assert bookings.find(AGENCY, refs[2]).status == "checked_in" and bookings.find(AGENCY, refs[2]).queue_number == 3


def test_checking_in_twice_keeps_the_same_number(day):
    """GIVEN a checked-in citizen WHEN staff check them in again THEN the same number, no new ticket."""
    _, _, refs = day
    first = _call("POST", f"/agency/booking/bookings/{refs[0]}/check-in")[1]
    again = _call("POST", f"/agency/booking/bookings/{refs[0]}/check-in")[1]
    assert first["queue_number"] == again["queue_number"] == 1
    assert _call("POST", f"/agency/booking/bookings/{refs[1]}/check-in")[1]["queue_number"] == 2


def test_the_citizen_sees_their_place_in_the_queue_in_the_chat(day):
    """GIVEN two citizens checked in WHEN the second taps "refresh queue" THEN the reply says 1 ahead, about 4 minutes."""
    chat, citizens, refs = day
    for ref in refs[:2]:
        _call("POST", f"/agency/booking/bookings/{ref}/check-in")
    (answer,) = chat.tap(citizens[1], f"1/bk/q?b={refs[1]}")
    assert "หมายเลขคิวของท่าน: 2" in answer["text"] and "อีก 1 คิว ประมาณ 4 นาที" in answer["text"]


def test_call_next_calls_the_first_and_warns_the_one_now_two_away(day):
    """GIVEN four citizens checked in WHEN staff call next THEN number 1 is called and pushed "your turn"; number 4,
    now with two ahead, is pushed that their turn is near; the others get nothing new."""
    chat, citizens, refs = day
    for ref in refs:
        _call("POST", f"/agency/booking/bookings/{ref}/check-in")

    status, called = _call("POST", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/queue/next")

    assert status == 200 and called == {"queue_number": 1, "ref": refs[0]}
    assert bookings.find(AGENCY, refs[0]).status == "called"
    (turn,) = _pushes(chat, citizens[0], "booking-turn")
    assert "ถึงคิวของท่านแล้ว" in turn.messages[0]["text"]
    (near,) = _pushes(chat, citizens[3], "booking-turn-near")
    assert "อีก 2 คิว" in near.messages[0]["text"]
    assert not _pushes(chat, citizens[1], "booking-turn-near") and not _pushes(chat, citizens[2], "booking-turn-near")


def test_served_ends_the_booking_and_frees_the_citizen_to_book_again(day):
    """GIVEN a called citizen WHEN staff mark them served THEN the booking is served and they hold no active booking."""
    _, citizens, refs = day
    _call("POST", f"/agency/booking/bookings/{refs[0]}/check-in")
    _call("POST", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/queue/next")
    status, answer = _call("POST", f"/agency/booking/bookings/{refs[0]}/served")
    assert status == 200 and answer["status"] == "served"
    assert bookings.active_count(AGENCY, "id-card", citizens[0]) == 0


def test_no_show_is_refused_before_the_grace_period_and_allowed_after(day, monkeypatch):
    """GIVEN a booking at 08:00 with 15 minutes' grace WHEN staff mark a no-show at 07:55 THEN 409 too_early;
    at 08:20 THEN it is a no-show and the citizen's allowance is freed."""
    _, citizens, refs = day
    assert _call("POST", f"/agency/booking/bookings/{refs[0]}/no-show") == (409, {"message": "too_early"})
    monkeypatch.setattr(thai, "now", lambda: datetime.combine(TODAY, time(8, 20), tzinfo=BANGKOK))
    status, answer = _call("POST", f"/agency/booking/bookings/{refs[0]}/no-show")
    assert status == 200 and answer["status"] == "no_show" and bookings.active_count(AGENCY, "id-card", citizens[0]) == 0


def test_another_agencys_staff_get_404_and_no_token_gets_401(day):
    """GIVEN a booking of demo-municipality WHEN staff of another agency read it, check it in or list the service's
    bookings THEN 404 (as if it did not exist) and nothing changes; without claims THEN 401; an officer closing a
    day THEN 403."""
    _, _, refs = day
    assert _call("GET", f"/agency/booking/bookings/{refs[0]}", agency="other-city")[0] == 404
    assert _call("POST", f"/agency/booking/bookings/{refs[0]}/check-in", agency="other-city")[0] == 404
    assert _call("GET", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/bookings",
                 agency="other-city")[0] == 404
    assert bookings.find(AGENCY, refs[0]).status == "confirmed"
    assert _call("GET", f"/agency/booking/bookings/{refs[0]}", role=None)[0] == 401
    assert _call("POST", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/close",
                 body={"reason": "น้ำท่วม"})[0] == 403


def test_closing_a_slot_cancels_its_bookings_and_tells_each_citizen_with_a_rebook_button(day):
    """GIVEN a slot with four bookings WHEN a supervisor closes it THEN the slot takes no more bookings, every
    booking is "closed", each citizen's allowance is freed, and each gets a push with the reason and "book another
    day"."""
    chat, citizens, refs = day
    status, closed = _call("POST", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/slots/0800/close",
                           role="supervisor", body={"reason": "ไฟฟ้าดับ"})

    assert status == 200 and closed == {"slots": 1, "bookings": 4, "waitlist": 0, "notices": 4}
    assert {bookings.find(AGENCY, r).status for r in refs} == {"closed"}
    assert {s.status for s in booking_slots.shards(f"{AGENCY}#id-card@{TODAY:%Y%m%d}0800", 1)} == {"closed"}
    for citizen in citizens:
        (notice,) = _pushes(chat, citizen, "booking-closed")
        assert "ไฟฟ้าดับ" in words(notice.messages) and "1/bk/svc?s=id-card" in postbacks(notice.messages)
        assert bookings.active_count(AGENCY, "id-card", citizen) == 0


def test_the_days_bookings_export_as_csv_without_line_ids(day):
    """GIVEN four bookings today WHEN staff export the day THEN a CSV with a header and four rows by reference,
    and no LINE user id in it."""
    _, citizens, refs = day
    status, body = _call("GET", f"/agency/booking/services/id-card/days/{TODAY.isoformat()}/bookings.csv")
    lines = body.strip().splitlines()
    assert status == 200 and lines[0] == "ref,date,time,status,priority_group,queue_number,booked_at"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(refs)
    assert not any(c in body for c in citizens)


def test_a_supervisor_sets_a_calendar_and_its_slots_open(booking_env):
    """GIVEN an admin-created service WHEN a supervisor sets a calendar (9–11, 60-minute slots, 3 seats, 2 days)
    THEN the answer counts the slots opened and the day's slots list shows 3 seats each."""
    status, _ = _call("PUT", "/agency/booking/services/tax", role="admin", body={
        "name_th": "ชำระภาษีที่ดิน", "name_en": "Land tax", "branch_th": "ช่อง 5", "branch_en": "Counter 5"})
    assert status == 200
    status, published = _call("PUT", "/agency/booking/services/tax/calendar", role="supervisor", body={
        "hours": {d: [{"opens": "09:00", "closes": "11:00"}] for d in EVERY_DAY}, "slot_minutes": 60, "seats": 3,
        "thai_holidays": False, "horizon_days": 2})
    tomorrow = TODAY + timedelta(days=1)
    status_slots, slots = _call("GET", f"/agency/booking/services/tax/days/{tomorrow.isoformat()}/slots")

    assert status == 200 and published["slots_created"] >= 2
    assert status_slots == 200 and [(s["time"], s["seats"], s["free"]) for s in slots] == [("09:00", 3, 3),
                                                                                              ("10:00", 3, 3)]


def test_the_openapi_document_describes_the_booking_routes(booking_env):
    """GIVEN the agency API WHEN its OpenAPI document is generated THEN it has the booking routes with their bodies."""
    schema = json.loads(_api().app.get_openapi_json_schema())
    assert "/agency/booking/bookings/{ref}/check-in" in schema["paths"]
    assert "CalendarIn" in schema["components"]["schemas"] and "TicketOut" in schema["components"]["schemas"]


def _calendar(**changes) -> dict:
    body = {"hours": {"mon": [{"opens": "09:00", "closes": "11:00"}]}, "slot_minutes": 60, "seats": 3,
            "thai_holidays": False, "horizon_days": 2}
    return {**body, **changes}


@pytest.mark.parametrize("body,reason", [
    (_calendar(priority_seats=5), "priority_seats (5) cannot exceed seats (3)"),
    (_calendar(shards=4), "shards (4) cannot exceed seats (3)"),
    (_calendar(hours={"mon": [{"opens": "12:00", "closes": "08:00"}]}), "opens 12:00 is not before closes 08:00"),
    (_calendar(hours={"caturday": [{"opens": "09:00", "closes": "10:00"}]}), "unknown weekdays"),
])
def test_a_calendar_the_models_accept_but_cannot_be_gets_422_with_the_reason(booking_env, body, reason):
    """GIVEN a supervisor's calendar that contradicts itself (more priority seats than seats, closing before opening)
    WHEN put THEN 422 naming the reason, and the service's calendar and slots are unchanged (row 48)."""
    make_service(service_id="tax")
    before = _call("GET", f"/agency/booking/services/tax/days/{(TODAY + timedelta(days=1)).isoformat()}/slots")
    status, answer = _call("PUT", "/agency/booking/services/tax/calendar", role="supervisor", body=body)
    assert status == 422 and reason in json.dumps(answer, ensure_ascii=False)
    assert _call("GET", f"/agency/booking/services/tax/days/{(TODAY + timedelta(days=1)).isoformat()}/slots") == before


def test_a_document_entry_of_300_kb_is_refused_with_the_reason_and_nothing_stored(booking_env):
    """GIVEN an admin's service whose document list holds a 300 kB entry WHEN put THEN 422 (not a 500 from
    DynamoDB's item limit), and no service is created."""
    body = {"name_th": "ชำระภาษี", "name_en": "Tax", "branch_th": "ช่อง 5", "branch_en": "Counter 5",
            "documents_th": ["ก" * 300_000]}
    status, answer = _call("PUT", "/agency/booking/services/tax", role="admin", body=body)
    assert status == 422 and "documents_th" in json.dumps(answer)
    assert _call("GET", "/agency/booking/services")[1] == []


def test_a_body_nested_thousands_deep_gets_400_with_the_reason(booking_env):
    """GIVEN an agency JSON body nested 5,000 levels deep WHEN sent to any route THEN 400 saying why, never a 500."""
    handler = load_handler("agency_api", "agency_api")
    event = {"version": "2.0", "rawPath": "/agency/booking/services/tax", "headers": {"content-type": "application/json"},
             "requestContext": {"http": {"method": "PUT", "path": "/agency/booking/services/tax"},
                                "authorizer": {"jwt": {"claims": {"sub": "s", "custom:agency_id": AGENCY,
                                                                  "cognito:groups": "[admin]"}}}},
             "body": '{"name_th": ' + "[" * 5000 + "]" * 5000 + "}", "isBase64Encoded": False}
    from .conftest import LambdaContext
    answer = handler.lambda_handler(event, LambdaContext())
    assert answer["statusCode"] == 400 and "deeper than" in json.loads(answer["body"])["message"]
