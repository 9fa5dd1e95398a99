"""The console's figures from counters (issue 10): complaints filed and resolved per day, bookings per day with
the no-show rate, messages sent and failed per day with the month's quota — through the real AgencyApi handler,
on moto, with two agencies using the same ids (service `id-card`, case CP-…-0001). Each count moves once per
business change: a retried record, a replayed booking or a delivery answered again counts nothing more."""

from datetime import datetime, timedelta

import pytest

from civic import line_api, message_figures, quota, sender
from civic.booking import ledger, rules
from civic.complaints import cases
from civic.outbox import Outbound
from civic.tables import bookings
from civic.thai import BANGKOK
from infra.local.demo import complaint as complaint_demo
from tests.integration.booking.conftest import make_service, user
from tests.integration.complaints.conftest import after_photo_b64, staff_call
from tests.moto_stack import moto_stack

A, B = complaint_demo.AGENCY_ID, complaint_demo.OTHER_ID
NOW = datetime.now(BANGKOK)
TODAY = NOW.date()


@pytest.fixture
def world():
    with moto_stack() as names:
        message_figures.forget()
        yield names
        message_figures.forget()


def _day(figures: dict, day) -> dict:
    return next(d for d in figures["by_day"] if d["day"] == day.isoformat())


# ---------------------------------------------------------------- complaints

def _file(agency: str, at: datetime) -> str:
    case, created = cases.create(cases.NewCase(agency, "road", [{"m": None, "t": "หลุมบนถนน"}], lat=13.7563,
                                               lng=100.5018, reporter=user()), at)
    assert created
    return case.ref


def test_complaint_figures_count_cases_filed_and_resolved_per_day_for_each_agency_alone(world):
    """GIVEN A filing a case three days ago and one today, and resolving the old one today, and B filing one
    today under the same reference WHEN each officer reads the figures for 5 days THEN A sees filed 1 three days
    ago, filed 1 and resolved 1 today, and B only its own filing; a retried filing (same reference) counts
    nothing more; the existing figures are all still there."""
    complaint_demo.seed()
    old = _file(A, NOW - timedelta(days=3))
    _file(A, NOW)
    twin = _file(B, NOW - timedelta(days=3))
    assert twin == old
    cases.create(cases.NewCase(A, "road", [{"m": None, "t": "again"}], reporter=user()), NOW, ref=old)  # a retry
    assert staff_call("POST", f"/agency/complaint/cases/{old}/accept", body={"note": "รับ"})[0] == 200
    status, _ = staff_call("POST", f"/agency/complaint/cases/{old}/resolve",
                           body={"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    assert status == 200

    status, mine = staff_call("GET", "/agency/complaint/figures", query={"days": "5"})
    theirs = staff_call("GET", "/agency/complaint/figures", agency=B)[1]

    assert status == 200 and len(mine["by_day"]) == 5 and mine["by_day"][-1]["day"] == TODAY.isoformat()
    assert _day(mine, TODAY - timedelta(days=3)) == {"day": (TODAY - timedelta(days=3)).isoformat(),
                                                     "filed": 1, "resolved": 0}
    assert (_day(mine, TODAY)["filed"], _day(mine, TODAY)["resolved"]) == (1, 1)
    assert len(theirs["by_day"]) == 30 and sum(d["filed"] for d in theirs["by_day"]) == 1
    assert sum(d["resolved"] for d in theirs["by_day"]) == 0
    assert mine["cases"] == 2 and mine["resolutions"] == 1 and mine["share_resolved_within_sla"] == 1.0
    assert {"by_status", "by_category", "median_hours_to_resolve", "reopen_rate", "ratings_by_stars"} <= set(mine)


def test_a_figures_window_outside_one_to_a_year_is_refused(world):
    """GIVEN an officer WHEN the window is 0 or 367 days THEN 422, for every figures route."""
    for path in ("/agency/complaint/figures", "/agency/booking/figures", "/agency/messages/figures"):
        for days in ("0", "367"):
            assert staff_call("GET", path, query={"days": days})[0] == 422, (path, days)


# ---------------------------------------------------------------- bookings

def _book(service, slot: str):
    citizen = user()
    outcome = ledger.book(citizen, service, slot, None, rules.booking_ref(citizen, slot, "0000cafe"), NOW)
    assert outcome.kind == "booked"
    return outcome.booking


def test_booking_figures_count_each_change_once_per_agency_and_day(world):
    """GIVEN A with four bookings today, one cancelled, one served and one a no-show, and B with one booking of
    its own service `id-card` WHEN A's officer reads the booking figures THEN today: booked 4, served 1, no-show 1,
    cancelled 1, and a no-show rate of 0.5; a replayed booking and a no-show marked again count nothing more;
    B's officer sees only B's one booking."""
    tomorrow = TODAY + timedelta(days=1)
    mine = make_service(agency=A, seats=10, now=NOW)
    theirs = make_service(agency=B, seats=10, now=NOW)
    slot = f"{A}#id-card@{tomorrow:%Y%m%d}1000"
    held = [_book(mine, slot) for _ in range(4)]
    _book(theirs, f"{B}#id-card@{tomorrow:%Y%m%d}1000")
    replay = ledger.book(held[0].user_id, mine, slot, None, held[0].ref, NOW)
    assert replay.kind == "replayed"
    assert ledger.cancel(held[1], NOW).kind == "cancelled"
    assert ledger.finish(held[2], "served", NOW, from_statuses=("confirmed",))
    assert ledger.finish(held[3], "no_show", NOW, from_statuses=("confirmed",))
    assert not ledger.finish(bookings.find(A, held[3].ref), "no_show", NOW, from_statuses=("confirmed",))

    status, figures = staff_call("GET", "/agency/booking/figures", query={"days": "7"})
    other = staff_call("GET", "/agency/booking/figures", agency=B)[1]

    assert status == 200 and len(figures["by_day"]) == 7
    assert _day(figures, TODAY) == {"day": TODAY.isoformat(), "booked": 4, "served": 1, "no_show": 1,
                                    "cancelled": 1}
    assert figures["no_show_rate"] == 0.5
    assert _day(other, TODAY) == {"day": TODAY.isoformat(), "booked": 1, "served": 0, "no_show": 0, "cancelled": 0}
    assert other["no_show_rate"] == 0.0


# ---------------------------------------------------------------- messages

def _answers(monkeypatch, push: str = "delivered"):
    answer = {"delivered": line_api.Answer("delivered", 200, "req-1"),
              "rejected": line_api.Answer("rejected", 400, "req-2", "The property, 'to', is invalid")}
    monkeypatch.setattr(line_api, "push", lambda to, messages, message_id: answer[push])
    monkeypatch.setattr(line_api, "multicast", lambda to, messages, message_id: answer["delivered"])


def test_message_figures_count_recipients_sent_and_failed_once_and_read_the_quota(world, monkeypatch):
    """GIVEN LineSender delivering a push, a multicast to three, and a push LINE refuses, each then delivered
    again (a retried record) WHEN the channel's officer reads the message figures THEN today: 4 sent, 1 failed;
    and the quota as LINE counts it (limit, used, left, the month)."""
    text = [{"type": "text", "text": "สวัสดี"}]
    _answers(monkeypatch)
    pushed, many = Outbound("m-1", user(), text, "test"), Outbound("m-2", [user(), user(), user()], text, "test")
    for message in (pushed, many, pushed, many):
        assert sender.deliver(message) == "delivered"
    _answers(monkeypatch, push="rejected")
    refused = Outbound("m-3", user(), text, "test")
    for _ in range(2):
        assert sender.deliver(refused) == "undeliverable"
    monkeypatch.setattr(line_api, "quota", lambda: 1000)
    monkeypatch.setattr(line_api, "consumption", lambda: 10)

    status, figures = staff_call("GET", "/agency/messages/figures", query={"days": "3"})

    assert status == 200 and len(figures["by_day"]) == 3
    assert _day(figures, TODAY) == {"day": TODAY.isoformat(), "sent": 4, "failed": 1}
    assert figures["quota"] == {"limit": 1000, "used": 10, "left": 990, "month": quota.month(NOW.timestamp()),
                                "read_from_line": True}


def test_when_line_does_not_answer_the_quota_is_our_own_count_and_unknown_limit(world, monkeypatch):
    """GIVEN two pushes billed this month and LINE not answering the quota WHEN the figures are read THEN used is
    our own count (2), limit and left unknown (null), and read_from_line false."""
    _answers(monkeypatch)
    for n in range(2):
        sender.deliver(Outbound(f"q-{n}", user(), [{"type": "text", "text": "ok"}], "test"))

    def silent():
        raise line_api.QuotaUnknown("ConnectTimeoutError")

    monkeypatch.setattr(line_api, "quota", silent)

    read = staff_call("GET", "/agency/messages/figures")[1]["quota"]

    assert (read["limit"], read["used"], read["left"], read["read_from_line"]) == (None, 2, None, False)


def test_another_agency_has_no_channel_here_and_gets_404_not_the_channels_numbers(world, monkeypatch):
    """GIVEN messages sent on the deployment's channel (agency A's) WHEN B's officer reads the message figures
    THEN 404, and no count of A's appears."""
    _answers(monkeypatch)
    sender.deliver(Outbound("b-1", user(), [{"type": "text", "text": "ok"}], "test"))

    status, body = staff_call("GET", "/agency/messages/figures", agency=B)

    assert status == 404 and "sent" not in str(body)
