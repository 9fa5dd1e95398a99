"""The bill schedules: reminders (daily at 09:00 in Bangkok) and scheduled notices (every minute).

Reminders go two days before a bill's due date and the day after it, only while it is unpaid: paying takes a
bill out of the sparse `by-due` index the sweep reads, so no reminder follows a payment. The daily run only
enqueues one piece per agency × kind × index shard; each piece reads a page of unpaid bills and enqueues the
next, so no invocation walks a national utility's 4,000,000 bills. Reminders need the citizen's consent and
no opt-out of "reminders"; ids `bl-remind.<agency>.<account>.<period>.<kind>.<user>` make them once each.
"""

import json
import time
from datetime import date
from decimal import Decimal

from civic import outbox, thai
from civic.bills import cards, notices, rules, work
from civic.tables import bill_agencies, bill_links, bills, citizens
from civic.tables.bills import DUE_SHARDS

PAGE = 200


def remind_all(today: date | None = None) -> dict[str, int]:
    today = today or thai.now().date()
    pieces = []
    for agency in bill_agencies.every():
        for kind, due in rules.reminder_days(today).items():
            pieces += [(f"remind.{agency.agency_id}.{due}.{shard}", f"remind.{agency.agency_id}.{kind}.{due}.{shard}",
                        {"stage": "remind", "agency": agency.agency_id, "kind": kind, "due": due.isoformat(),
                         "shard": shard, "start": None}) for shard in range(DUE_SHARDS)]
    work.enqueue(pieces)
    return {"reminder_pieces": len(pieces)}


def notices_due() -> dict[str, int]:
    return {"notices_released": notices.due(time.time())}


def page(body: dict) -> None:
    agency_id, kind, due = body["agency"], body["kind"], date.fromisoformat(body["due"])
    agency = bill_agencies.find(agency_id)
    if agency is None:
        return
    index_key = f"{agency_id}#{due.isoformat()}#{body['shard']:02d}"
    query = bills.Bill.by_due.query(index_key, limit=PAGE, last_evaluated_key=body["start"])
    found = [b for b in query if b.alive() and b.status != "paid" and kind not in (b.reminded or ())]
    linked = {b.account: bill_links.linked_users(agency_id, b.account) for b in found}
    people = citizens.of([u for users in linked.values() for u in users])
    prefs = bill_links.prefs_of(agency_id, list(people))
    pushes = []
    for bill in found:
        for user in linked[bill.account]:
            citizen = people.get(user)
            if citizens.reach(citizen) != "ok" or "reminders" in set(getattr(prefs.get(user), "opt_outs", None) or ()):
                continue
            lang = citizen.language if citizen.language in ("th", "en") else "th"
            pay = agency.payment_url.replace("{account}", bill.account) if agency.payment_url else None
            pushes.append(outbox.push(f"bl-remind.{agency_id}.{bill.account}.{bill.period}.{kind}.{user}", user,
                                      cards.reminder(lang, kind, bill.account, bill.period, Decimal(bill.amount),
                                                     due, pay), "bill-reminder", independent=True))
    outbox.send(pushes)  # before marking: a crash in between sends the same ids again, never loses one
    for bill in found:
        bills.reminded(bill, kind)
    if query.last_evaluated_key:
        work.enqueue([(f"remind.{agency_id}.{due}.{body['shard']}",
                       f"remind.{agency_id}.{kind}.{due}.{body['shard']}."
                       + json.dumps(query.last_evaluated_key, sort_keys=True),
                       {**body, "start": query.last_evaluated_key})])
