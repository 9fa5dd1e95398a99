"""The queue on the day: check-in gives a queue number, staff call the next, serve, or mark a no-show.

A queue number is taken with a conditional write on the day's counter, in the same transaction as the
ticket and the booking's move to checked_in, so two desks checking in at once never share a number.
"""

from datetime import date, datetime

from civic import outbox
from civic.booking import notices, rules
from civic.booking.ledger import SEAT_ATTEMPTS, finish
from civic.settings import settings
from civic.tables import bookings, queue_tickets
from civic.tables.bookings import Booking
from civic.tables.queue_tickets import QueueTicket
from civic.tables.transactions import Cancelled, Step, commit


class QueueError(Exception):
    """A queue action that does not apply to this booking now; `reason` says which rule."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _day_of(booking) -> str:
    return queue_tickets.queue_day(booking.agency_id, booking.service_id,
                                   rules.epoch_to_local(booking.starts_at).date())


def ticket_of(booking) -> QueueTicket | None:
    return queue_tickets.find(_day_of(booking), booking.queue_number) if booking.queue_number else None


def standing(service, ticket: QueueTicket) -> tuple[int, int]:
    """(citizens ahead, expected wait in minutes) for a waiting ticket."""
    ahead = sum(1 for other in queue_tickets.waiting(ticket.queue_day) if other.number < ticket.number)
    return ahead, rules.wait_minutes(ahead, service.minutes_per_citizen, service.desks)


def check_in(service, booking: Booking, now: datetime) -> QueueTicket:
    """Give the booking the day's next number (once) and push the citizen their number and wait."""
    if booking.queue_number:
        return ticket_of(booking)  # checked in already: the same number again
    if booking.status != "confirmed":
        raise QueueError("not_confirmed")
    if rules.epoch_to_local(booking.starts_at).date() != now.date():
        raise QueueError("not_today")
    day = _day_of(booking)
    for _ in range(SEAT_ATTEMPTS):
        number = queue_tickets.last_issued(day) + 1
        counter = QueueTicket(day, queue_tickets.COUNTER)
        expires = booking.starts_at + settings().booking_retention_days * 86400
        ticket = QueueTicket(day, number, agency_id=booking.agency_id, ref=booking.ref, user_id=booking.user_id,
                             status="waiting", checked_in_at=int(now.timestamp()), expires_at=expires)
        try:
            commit([
                Step("counter", "update", counter,
                     condition=(QueueTicket.last_issued.does_not_exist() if number == 1
                                else QueueTicket.last_issued == number - 1),
                     actions=(QueueTicket.last_issued.set(number), QueueTicket.agency_id.set(booking.agency_id),
                              QueueTicket.expires_at.set(expires))),
                Step("ticket", "put", ticket, condition=QueueTicket.number.does_not_exist()),
                Step("booking", "update", booking, condition=Booking.status == "confirmed", actions=(
                    Booking.status.set("checked_in"), Booking.queue_number.set(number),
                    Booking.updated_at.set(int(now.timestamp())))),
            ], token=f"checkin.{booking.ref}.{number}")
            break
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                current = bookings.find(booking.agency_id, booking.ref)
                if current and current.queue_number:
                    return ticket_of(current)
                raise QueueError("not_confirmed") from cancelled
            # Another desk took this number: read the counter again.
    else:
        raise QueueError("busy")
    ahead, _ = standing(service, ticket)
    outbox.send([notices.ticket(service, booking, number, ahead)])
    return ticket


def call_next(service, day: date, now: datetime) -> QueueTicket | None:
    """Call the lowest waiting number of the service's day; push them their turn and the one now two away
    a heads-up."""
    day_key = queue_tickets.queue_day(service.agency_id, service.service_id, day)
    for _ in range(SEAT_ATTEMPTS):
        waiting = queue_tickets.waiting(day_key)
        if not waiting:
            return None
        called = waiting[0]
        steps = [Step("ticket", "update", called, condition=QueueTicket.status == "waiting", actions=(
            QueueTicket.status.set("called"), QueueTicket.called_at.set(int(now.timestamp()))))]
        booking = bookings.find(service.agency_id, called.ref) if called.ref else None
        if booking is not None and booking.status == "checked_in":
            steps.append(Step("booking", "update", booking, condition=Booking.status == "checked_in", actions=(
                Booking.status.set("called"), Booking.updated_at.set(int(now.timestamp())))))
        try:
            commit(steps, token=f"call.{day_key}.{called.number}")
        except Cancelled:
            continue  # another desk called this number first: call the next one
        pushes = [notices.turn_now(called)] if called.user_id else []
        # After this call the waiting line is waiting[1:]; the citizen with two ahead of them is [3].
        near = waiting[3] if len(waiting) > 3 else None
        near_booking = bookings.find(service.agency_id, near.ref) if near and near.ref and near.user_id else None
        if near_booking is not None:
            pushes.append(notices.turn_near(service, near_booking, near.number, 2))
        if pushes:
            outbox.send(pushes)
        return called
    raise QueueError("busy")


def served(booking: Booking, now: datetime) -> bool:
    ticket = ticket_of(booking)
    also = (Step("ticket", "update", ticket, actions=(QueueTicket.status.set("served"),)),) if ticket else ()
    return finish(booking, "served", now, from_statuses=("checked_in", "called"), also=also)


def no_show(service, booking: Booking, now: datetime) -> bool:
    """Mark a no-show, only once the grace period from the start (or the call) has passed."""
    ticket = ticket_of(booking)
    if not rules.no_show_due(booking, ticket.called_at if ticket else None, now, service.grace_minutes):
        raise QueueError("too_early")
    also = (Step("ticket", "update", ticket, actions=(QueueTicket.status.set("no_show"),)),) if ticket else ()
    return finish(booking, "no_show", now, also=also)
