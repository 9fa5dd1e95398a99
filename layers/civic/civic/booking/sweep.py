"""The booking schedules: every minute, offers that ran out pass on, reminders go out, missed bookings
become no-shows; every night, each calendar opens the next day.

Each part is idempotent and picks up where a failed run stopped, so a run that fails is simply done
again by the next one (the schedule needs no dead-letter queue; an alarm watches the errors).
"""

from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from civic import outbox, thai
from civic.booking import ledger, notices, rules, staff
from civic.tables import booking_services as services
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings
from civic.tables.bookings import Booking

logger = Logger(child=True)


def run(now: datetime | None = None) -> dict[str, int]:
    now = now or thai.now()
    return {
        "offers_passed_on": expire_offers(now),
        "offers_resent": resend_offers(),
        "reminders": remind(now),
        "no_shows": mark_no_shows(now),
    }


def publish_all(now: datetime | None = None) -> dict[str, int]:
    now = now or thai.now()
    return {"slots_opened": sum(staff.publish(service, now) for service in services.every())}


def _agencies() -> list[str]:
    """Every agency with a bookable service: each one's offers are read apart, under its own key."""
    return sorted({service.agency_id for service in services.every()})


def expire_offers(now: datetime) -> int:
    """Silence passes an offer on: each one past its hold goes to the next waiter (or back to the pool)."""
    expired = [entry for agency in _agencies()
               for entry in waitlist.open_offers(agency, expiring_before=now.timestamp() + 1)]
    offered = [nxt for nxt in (ledger.pass_on(entry, now, "expired") for entry in expired) if nxt]
    notices.offers(offered)
    return len(expired)


def resend_offers() -> int:
    """Offers whose push a crash left unsent (the same push id: LineSender sends it once)."""
    return notices.offers([e for agency in _agencies() for e in waitlist.open_offers(agency) if not e.offer_sent])


def _todays_and_tomorrows(now: datetime):
    for service in services.every():
        for day in (now.date(), now.date() + timedelta(days=1)):
            for booking in bookings.of_day(service.agency_id, service.service_id, day, service.shards_seen):
                yield service, booking


def remind(now: datetime) -> int:
    """The evening-before and hour-before reminders that are due; each booking is reminded once per kind."""
    pushes, done = [], []
    for service, booking in _todays_and_tomorrows(now):
        due = rules.reminders(booking, now)
        if not due:
            continue
        for kind, send in due.items():
            push = notices.reminder(service, booking, kind) if send else None
            if push is not None:
                pushes.append(push)
        done.append((booking, due))
    outbox.send(pushes)  # before marking: a crash in between re-sends the same ids, never loses one
    for booking, due in done:
        booking.update(actions=[Booking.reminded.set(sorted(set(booking.reminded or ()) | set(due)))])
    return len(pushes)


def mark_no_shows(now: datetime) -> int:
    """Confirmed bookings never checked in by the end of the grace period: no-show, freeing the citizen's
    booking allowance (the seat itself is in the past)."""
    marked = 0
    for service, booking in _todays_and_tomorrows(now):
        if booking.status == "confirmed" and rules.no_show_due(booking, None, now, service.grace_minutes):
            marked += ledger.finish(booking, "no_show", now, from_statuses=("confirmed",))
    if marked:
        logger.info("bookings marked no-show", extra={"count": marked})
    return marked
