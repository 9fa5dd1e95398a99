"""The complaint schedule, every minute: overdue cases escalate (the supervisors are told, the case shows as
overdue, its followers hear what happens next), resolved cases nobody answered for 7 days are confirmed,
steps whose pushes a crash left unsent are pushed, and drafts that ended are told and removed.

Each agency is swept apart, with its own categories' service levels and its own supervisors; timers are
found through the `timers` index (never a scan of cases). Every part is idempotent and picks up where a
failed run stopped (the schedule needs no dead-letter queue; an alarm watches its errors).
"""

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from civic import outbox, thai
from civic.complaints import cases, media, notices, rules
from civic.complaints.cases import SYSTEM, Change
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_drafts as drafts
from civic.tables import complaint_setup as setup
from civic.tables import conversations
from civic.tables.complaint_cases import Case, Timer

logger = Logger(child=True)
DRAFT_LOOKBACK = timedelta(hours=3)  # drafts that ended longer ago than this (a long outage) expire unannounced


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or thai.now()
    done = {"escalated": 0, "confirmed": 0, "pushes_resent": 0}
    for agency_id in setup.agencies():
        done["escalated"] += escalate(agency_id, now)
        done["confirmed"] += auto_confirm(agency_id, now)
        done["pushes_resent"] += resend(agency_id, now)
    done["drafts_expired"] = expire_drafts(now)
    return done


def _timed(agency_id: str, kind: str, now: datetime) -> list[tuple[Timer, Case | None]]:
    return [(timer, case_table.find(agency_id, timer.ref)) for timer in case_table.due_timers(agency_id, kind, now.timestamp())]


def escalate(agency_id: str, now: datetime) -> int:
    escalated = 0
    for timer, case in _timed(agency_id, "escalate", now):
        if case is None or not rules.is_open(case.status) or case.due_at > now.timestamp():
            if case is None or not rules.is_open(case.status):
                timer.delete()
            continue
        try:
            done = cases.step(case, SYSTEM, "escalate", now, change=Change(
                updates=[Case.overdue.set(True), Case.escalated_at.set(cases.now_s(now))], cleared=["W#escalate"]))
        except cases.Conflict:
            continue  # a staff step won; the next run sees the timer again
        notices.send_step(done, int(done.version))
        notices.escalation_alert(done)
        escalated += 1
    if escalated:
        logger.info("complaints escalated", extra={"agency": agency_id, "count": escalated})
    return escalated


def auto_confirm(agency_id: str, now: datetime) -> int:
    confirmed = 0
    for timer, case in _timed(agency_id, "confirm", now):
        if case is None or case.status not in rules.WAITING:
            timer.delete()
            continue
        try:
            done = cases.step(case, SYSTEM, "auto_confirm", now, change=Change(cleared=["W#confirm"]))
        except cases.Conflict:
            continue
        notices.send_step(done, int(done.version))
        confirmed += 1
    return confirmed


def resend(agency_id: str, now: datetime) -> int:
    """Steps committed whose pushes were never confirmed sent (the same ids: LineSender sends each once)."""
    sent = 0
    for timer, case in _timed(agency_id, "push", now):
        if case is None:
            timer.delete()
            continue
        sent += notices.send_step(case, int(timer.version))
    return sent


def expire_drafts(now: datetime) -> int:
    """Drafts whose time ran out: the citizen is told (once: the item goes), their photos are deleted and the
    chat's focus is released."""
    told, pushes = 0, []
    for seen in drafts.ended_between((now - DRAFT_LOOKBACK).timestamp(), now.timestamp()):
        item = drafts.find(seen.user_id, seen.slot)  # the index lags: read the item itself
        if item is None or not item.ended(now.timestamp()):
            continue  # gone already, or renewed by a message since
        state = item.state or {}
        if item.slot == drafts.DRAFT and not state.get("submitted") and state.get("id"):
            pushes.append(notices.draft_expired(item.user_id, state["id"]))
            media.delete([p["key"] for p in state.get("photos", [])])
            told += 1
        item.delete()
        if not drafts.of_citizen(item.user_id):
            conversations.release(item.user_id, "complaint")
    outbox.send(pushes)
    return told
