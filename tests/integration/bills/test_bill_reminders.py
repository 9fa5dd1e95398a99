"""Due-date reminders: two days before and the day after, stopped as soon as the bill is paid."""

from datetime import date, timedelta

from civic.bills import sweep
from civic.tables import bills

from .conftest import AGENCY, batch, csv_bytes, fresh_accounts, linked_citizen, staff, upload


def _texts(dev, user) -> list[str]:
    return [r["message"].get("text", "") for r in dev.line.received(user) if r["endpoint"] == "push"]


def test_reminders_come_two_days_before_and_the_day_after_and_stop_once_paid(dev):
    """GIVEN two linked citizens (consented) whose bills fall due on one day WHEN the morning sweep runs two days
    before THEN both get "อีก 2 วัน"; WHEN one bill is marked paid through the API and the sweep runs the day
    after the due date THEN only the unpaid one gets the overdue reminder, and running a sweep again sends
    nothing twice."""
    due = date(2027, 1, 20)
    paid_no, unpaid_no = fresh_accounts(dev, 2)
    payer, late = linked_citizen(dev, paid_no, "200.00"), linked_citizen(dev, unpaid_no, "200.00")
    rows = [[n, "2026-12", 20, "200.00", due.isoformat(), ""] for n in (paid_no, unpaid_no)]
    batch(dev, upload(dev, "", data=csv_bytes(rows)), "notified")
    dev.stack.drain()
    before = {u.user: len(_texts(dev, u.user)) for u in (payer, late)}

    sweep.remind_all(today=due - timedelta(days=2))
    sweep.remind_all(today=due - timedelta(days=2))
    dev.stack.drain()
    for citizen in (payer, late):
        new = _texts(dev, citizen.user)[before[citizen.user]:]
        assert len(new) == 1 and "อีก 2 วัน" in new[0] and "พ. 20 ม.ค. 2570" in new[0]

    status, answer = staff(dev, "POST", f"/agency/bill/accounts/{paid_no}/bills/2026-12/paid", {}, role="officer")
    assert status == 200 and answer["status"] == "paid"
    sweep.remind_all(today=due + timedelta(days=1))
    dev.stack.drain()
    assert len(_texts(dev, payer.user)) == before[payer.user] + 1
    overdue = _texts(dev, late.user)[-1]
    assert "เลยกำหนดชำระ" in overdue and len(_texts(dev, late.user)) == before[late.user] + 2
    assert bills.find(AGENCY, paid_no, "2026-12").due_key is None


def test_a_citizen_who_opted_out_of_reminders_still_gets_bills_but_no_reminder(dev):
    """GIVEN a linked citizen who turned reminders off in "รับข่าวสาร" WHEN their bill is two days from due THEN
    they got the bill card and no reminder."""
    due = date(2027, 2, 10)
    (number,) = fresh_accounts(dev, 1)
    citizen = linked_citizen(dev, number, "200.00")
    citizen.tap("1/bl/opt?x=reminders")
    batch(dev, upload(dev, "", data=csv_bytes([[number, "2027-01", 20, "200.00", due.isoformat(), ""]])), "notified")
    sweep.remind_all(today=due - timedelta(days=2))
    dev.stack.drain()
    pushes = [r["message"] for r in dev.line.received(citizen.user) if r["endpoint"] == "push"]
    assert [m["type"] for m in pushes] == ["flex"]
