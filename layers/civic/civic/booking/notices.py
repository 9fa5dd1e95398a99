"""Pushes of the booking capability: waitlist offers, reminders, queue tickets and turn calls, closures.

Pushes cost the agency money and reach citizens unasked, so they are only these. Each id is derived
from the business event (the offer, the booking and the reminder kind, …): a retried sweep or a repeated
staff action puts the same id and LineSender sends it once. Reminders need the citizen's consent;
offers, tickets, turn calls and closures answer something the citizen asked for.
"""

from civic import outbox
from civic.settings import settings
from civic.booking import cards, rules
from civic.tables import booking_services as services
from civic.tables import booking_waitlist as waitlist
from civic.tables import citizens
from civic.tables.booking_waitlist import WaitlistEntry


def language(user_id: str) -> str:
    citizen = citizens.find(user_id)
    return citizen.language if citizen and citizen.language in ("th", "en") else "th"


def offers(entries: list[WaitlistEntry]) -> int:
    """Push each open offer, then note it was sent (the sweep re-pushes any a crash left unsent)."""
    pushed = []
    for entry in entries:
        current = waitlist.find(entry.slot_id, entry.entry)
        if current is None or current.status != "offered":
            continue
        service = services.find(current.agency_id, current.service_id)
        lang = language(current.user_id)
        pushed.append((current, outbox.push(f"bk-offer.{current.slot_id}.{current.entry}", current.user_id,
                                            cards.offer(lang, service, current, settings().booking_offer_minutes),
                                            "booking-offer")))
    if pushed:
        outbox.send([push for _, push in pushed])
        for entry, _ in pushed:
            entry.update(actions=[WaitlistEntry.offer_sent.set(True)])
    return len(pushed)


def reminder(service, booking, kind: str) -> outbox.Outbound | None:
    if not citizens.reminders_allowed(booking.user_id):
        return None
    lang = language(booking.user_id)
    return outbox.push(f"bk-remind.{booking.ref}.{kind}", booking.user_id,
                       cards.reminder(lang, service, booking, kind), "booking-reminder")


def ticket(service, booking, number: int, ahead: int) -> outbox.Outbound:
    lang = language(booking.user_id)
    wait = rules.wait_minutes(ahead, service.minutes_per_citizen, service.desks)
    return outbox.push(f"bk-ticket.{booking.ref}", booking.user_id,
                       cards.queue_position(lang, booking, number, ahead, wait, checked_in=True), "booking-ticket")


def turn_now(ticket) -> outbox.Outbound:
    return outbox.push(f"bk-turn.{ticket.ref}", ticket.user_id, cards.turn_now(language(ticket.user_id), ticket.number),
                       "booking-turn")


def turn_near(service, booking, number: int, ahead: int) -> outbox.Outbound:
    lang = language(booking.user_id)
    wait = rules.wait_minutes(ahead, service.minutes_per_citizen, service.desks)
    return outbox.push(f"bk-near.{booking.ref}", booking.user_id, cards.turn_near(lang, booking, number, ahead, wait),
                       "booking-turn-near")


def closure(service, user_id: str, starts, reason: str, ref: str | None, key: str) -> outbox.Outbound:
    lang = language(user_id)
    return outbox.push(f"bk-closed.{key}", user_id, cards.closed(lang, service, starts, reason, ref), "booking-closed")
