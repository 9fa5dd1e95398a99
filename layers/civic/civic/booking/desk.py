"""The booking desk in the chat: one webhook event in, its effects (tables, outbox) out.

The conversation keeps no state of its own: each button carries the choices made so far (service, day,
time, priority group, request id) in its postback data, and every step validates them again against
the tables — the service must be this agency's, the slot open and ahead, a booking or waitlist entry
the signed event's user's. A stale or tampered button gets a plain "this button no longer works".

Answers go back on the event's reply token (free); the only pushes are the waitlist offers a cancel or
reschedule hands to the next waiting citizen.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from civic import domains, outbox, postback, thai, webhook
from civic.booking import calendar, cards, ledger, notices, rules, tickets
from civic.booking.calendar import parse_slot_id
from civic.postback import PostbackError
from civic.settings import settings
from civic.tables import booking_services as services
from civic.tables import booking_slots as slots
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings

logger = Logger(child=True)


@dataclass
class Ask:
    user: str
    lang: str
    now: datetime
    event_id: str
    data: postback.Postback
    _choice: rules.Choice | None = None

    @property
    def choice(self) -> rules.Choice:
        if self._choice is None:
            self._choice = rules.choice(self.data, agency_id=_agency(), today=self.now.date())
        return self._choice


@dataclass
class Answer:
    purpose: str
    messages: list[dict]
    offered: list = field(default_factory=list)  # waiters offered a seat this step freed


class Refused(Exception):
    """The postback names something that is not this citizen's, or not ours: answered as invalid."""


def handle(envelope: dict, now: datetime | None = None) -> list[str]:
    """Answer one event from the booking queue; returns the purposes of what was sent (for logs and tests)."""
    event = envelope["event"]
    user = webhook.user_id(event)
    if user is None or webhook.is_standby(event):
        return []
    now = now or thai.now()
    ask = Ask(user, notices.language(user), now, event.get("webhookEventId") or "", _postback_of(event))
    step = STEPS.get(ask.data.action, refuse)
    try:
        answer = step(ask)
    except (PostbackError, Refused) as exc:
        logger.info("booking postback refused", extra={"action": ask.data.action, "reason": str(exc)})
        answer = Answer("booking-invalid", cards.invalid(ask.lang))
    sent = outbox.replies(event, answer.messages, answer.purpose)
    outbox.send(sent)
    notices.offers(answer.offered)
    return [o.purpose for o in sent] + ["booking-offer"] * len(answer.offered)


def _postback_of(event: dict) -> postback.Postback:
    """The booking action an event asks for: its postback, or a typed keyword (start / my bookings)."""
    if event.get("type") == "postback":
        try:
            data = postback.decode((event.get("postback") or {}).get("data", ""))
        except PostbackError:
            return postback.Postback("booking", "invalid")
        return data if data.domain == "booking" else postback.Postback("booking", "invalid")
    found = domains.keyword(webhook.typed_text(event) or "")
    return postback.Postback("booking", found[1] if found and found[0] == "booking" else "start")


# ---------------------------------------------------------------- what the steps read

def _agency() -> str:
    """Citizens book with the agency whose LINE Official Account they talk to; never one a postback names."""
    return settings().agency_id


def _horizon(service) -> int:
    return calendar.of_service(service).horizon_days


def _service(service_id: str | None):
    service = services.find(_agency(), service_id) if service_id else None
    if service is None or not service.active or not service.calendar:
        raise Refused("no such bookable service for this agency")
    return service


def _own_booking(ask: Ask):
    booking = bookings.find(_agency(), ask.choice.ref) if ask.choice.ref else None
    if booking is None or booking.user_id != ask.user:
        raise Refused("booking is not the citizen's")
    return booking


def _own_entry(ask: Ask):
    found = rules.require(ask.choice, "service_id", "day", "start", "entry")
    entry = waitlist.find(found.slot_id, found.entry)
    if entry is None or entry.user_id != ask.user or entry.agency_id != _agency():
        raise Refused("waitlist entry is not the citizen's")
    return entry


def _rescheduling(ask: Ask, service):
    """The booking being moved, when the buttons carry one; it must be theirs and for this service."""
    if ask.choice.ref is None:
        return None
    old = _own_booking(ask)
    if old.service_id != service.service_id:
        raise Refused("reschedule across services")
    return old


def _slot_seats(service, slot_id: str) -> rules.SlotSeats | None:
    shards = slots.shards(slot_id, service.shards_seen)
    return rules.summed(shards) if shards else None


def _open_days(service, ask: Ask, priority: bool) -> list:
    """The days ahead with a seat this citizen may take (counters read eventually consistent: display only)."""
    start = datetime.combine(ask.now.date(), datetime.min.time(), tzinfo=thai.BANGKOK)
    found = slots.of_service(service.agency_id, service.service_id, start, start + timedelta(days=_horizon(service)))
    days = set()
    for shards in found.values():
        seats = rules.summed(shards)
        if rules.bookable(seats, ask.now) and seats.left_for(priority, ask.now):
            days.add(seats.starts_at.date())
    return sorted(days)


# ---------------------------------------------------------------- steps

def start(ask: Ask) -> Answer:
    offered = [s for s in services.of_agency(_agency()) if s.active and s.calendar]
    return Answer("booking-services", cards.services(ask.lang, offered))


def pick_service(ask: Ask) -> Answer:
    service = _service(ask.choice.service_id)
    old = _rescheduling(ask, service)
    if old is not None and not rules.changeable(old, ask.now):
        return Answer("booking-not-changeable", cards.not_changeable(ask.lang))
    days = _open_days(service, ask, priority=True)
    return Answer("booking-days", cards.days(ask.lang, service, days, _horizon(service), old.ref if old else None))


def pick_day(ask: Ask) -> Answer:
    found = rules.require(ask.choice, "service_id", "day")
    service = _service(found.service_id)
    old = _rescheduling(ask, service)
    start = datetime.combine(found.day, datetime.min.time(), tzinfo=thai.BANGKOK)
    choices = []
    for slot_id, shards in slots.of_service(service.agency_id, service.service_id, start,
                                            start + timedelta(days=1)).items():
        seats = rules.summed(shards)
        if rules.bookable(seats, ask.now) and seats.left_for(True, ask.now):
            anyone = seats.left_for(False, ask.now)
            choices.append((parse_slot_id(slot_id)[3], anyone, seats.left_for(True, ask.now) - anyone))
    return Answer("booking-times", cards.times(ask.lang, service, found.day, choices, old.ref if old else None))


def pick_time(ask: Ask) -> Answer:
    found = rules.require(ask.choice, "service_id", "day", "start")
    service = _service(found.service_id)
    old = _rescheduling(ask, service)
    seats = _slot_seats(service, found.slot_id)
    if seats is None or not rules.bookable(seats, ask.now):
        return Answer("booking-gone", cards.gone(ask.lang, service))
    priority_matters = seats.priority_left > 0 and ask.now < seats.priority_opens_at
    if old is None and priority_matters:
        return Answer("booking-priority", cards.ask_priority(ask.lang, service, found.day, found.start))
    group = old.priority_group if old else None
    return Answer("booking-confirm", cards.confirm(ask.lang, service, found.day, found.start, group,
                                                   rules.request_nonce(ask.event_id), old))


def review(ask: Ask) -> Answer:
    found = rules.require(ask.choice, "service_id", "day", "start")
    service = _service(found.service_id)
    return Answer("booking-confirm", cards.confirm(ask.lang, service, found.day, found.start, found.priority_group,
                                                   rules.request_nonce(ask.event_id)))


def confirm(ask: Ask) -> Answer:
    found = rules.require(ask.choice, "service_id", "day", "start", "request")
    service = _service(found.service_id)
    old = _rescheduling(ask, service)
    ref = rules.booking_ref(ask.user, found.slot_id, found.request)
    if old is not None:
        outcome = ledger.reschedule(old, service, found.slot_id, ref, ask.now)
    else:
        outcome = ledger.book(ask.user, service, found.slot_id, found.priority_group, ref, ask.now)
    logger.info("booking outcome", extra={"outcome": outcome.kind, "slot": found.slot_id})
    offered = [outcome.offered] if outcome.offered else []
    match outcome.kind:
        case "booked" | "replayed":
            return Answer("booking-confirmed", cards.booked(ask.lang, service, outcome.booking), offered)
        case "unchanged":
            return Answer("booking-unchanged", cards.unchanged(ask.lang))
        case "full":
            return Answer("booking-full", cards.full(ask.lang, service, found.day, found.start, found.priority_group,
                                                     old.ref if old else None))
        case "limit":
            return Answer("booking-limit", cards.limit(ask.lang, service))
        case "gone":
            return Answer("booking-gone", cards.gone(ask.lang, service))
        case "not_changeable":
            return Answer("booking-not-changeable", cards.not_changeable(ask.lang))
    return Answer("booking-busy", cards.busy(ask.lang, ask.data))


def my_bookings(ask: Ask) -> Answer:
    found = [b for b in bookings.of_citizen(ask.user, starts_after=ask.now.timestamp() - 3 * 3600)
             if b.status in rules.ACTIVE and b.agency_id == _agency()]
    catalogue = {s.service_id: s for s in services.of_agency(_agency())}
    held = [(b, catalogue[b.service_id]) for b in found if b.service_id in catalogue]
    waiting = []
    for entry in waitlist.of_citizen(ask.user):
        if (entry.status == "waiting" and entry.agency_id == _agency() and entry.starts_at > ask.now.timestamp()
                and entry.service_id in catalogue):
            queue = waitlist.waiting(entry.slot_id)
            position = 1 + sum(1 for other in queue if other.entry < entry.entry)
            waiting.append((entry, catalogue[entry.service_id], position))
    return Answer("booking-mine", cards.mine(ask.lang, held, waiting))


def ask_cancel(ask: Ask) -> Answer:
    booking = _own_booking(ask)
    if not rules.changeable(booking, ask.now):
        return Answer("booking-not-changeable", cards.not_changeable(ask.lang))
    return Answer("booking-cancel-ask", cards.cancel_ask(ask.lang, _service(booking.service_id), booking))


def cancel(ask: Ask) -> Answer:
    outcome = ledger.cancel(_own_booking(ask), ask.now)
    if outcome.kind == "cancelled":
        return Answer("booking-cancelled", cards.cancelled(ask.lang, outcome.booking),
                      [outcome.offered] if outcome.offered else [])
    if outcome.kind == "busy":
        return Answer("booking-busy", cards.busy(ask.lang, ask.data))
    return Answer("booking-not-changeable", cards.not_changeable(ask.lang))


def keep(ask: Ask) -> Answer:
    _own_booking(ask)
    return Answer("booking-kept", cards.kept(ask.lang))


def reschedule(ask: Ask) -> Answer:
    booking = _own_booking(ask)
    service = _service(booking.service_id)
    if not rules.changeable(booking, ask.now):
        return Answer("booking-not-changeable", cards.not_changeable(ask.lang))
    days = _open_days(service, ask, priority=bool(booking.priority_group))
    return Answer("booking-days", cards.days(ask.lang, service, days, _horizon(service), booking.ref))


def join_waitlist(ask: Ask) -> Answer:
    found = rules.require(ask.choice, "service_id", "day", "start")
    service = _service(found.service_id)
    seats = _slot_seats(service, found.slot_id)
    if seats is None or not rules.bookable(seats, ask.now):
        return Answer("booking-gone", cards.gone(ask.lang, service))
    if seats.left_for(bool(found.priority_group), ask.now):
        # A seat freed since the "full" answer: offer it straight away rather than a place in line.
        return Answer("booking-confirm", cards.confirm(ask.lang, service, found.day, found.start,
                                                       found.priority_group, rules.request_nonce(ask.event_id)))
    if bookings.active_count(service.agency_id, service.service_id, ask.user) >= service.max_active:
        return Answer("booking-limit", cards.limit(ask.lang, service))
    _, position = ledger.join_waitlist(ask.user, service, found.slot_id, int(seats.starts_at.timestamp()),
                                       found.priority_group, ask.now)
    return Answer("booking-waitlist", cards.waitlist_joined(ask.lang, service, found.day, found.start, position,
                                                            settings().booking_offer_minutes))


def accept_offer(ask: Ask) -> Answer:
    entry = _own_entry(ask)
    service = _service(entry.service_id)
    outcome = ledger.accept(entry, service, ask.now)
    if outcome.kind in ("booked", "replayed"):
        return Answer("booking-confirmed", cards.booked(ask.lang, service, outcome.booking))
    if outcome.kind == "limit":
        return Answer("booking-limit", cards.limit(ask.lang, service), [outcome.offered] if outcome.offered else [])
    if outcome.kind == "busy":
        return Answer("booking-busy", cards.busy(ask.lang, ask.data))
    return Answer("booking-offer-gone", cards.offer_gone(ask.lang))


def decline_offer(ask: Ask) -> Answer:
    entry = _own_entry(ask)
    if entry.status != "offered":
        return Answer("booking-offer-gone", cards.offer_gone(ask.lang))
    nxt = ledger.pass_on(entry, ask.now, "declined")
    return Answer("booking-offer-declined", cards.offer_declined(ask.lang), [nxt] if nxt else [])


def queue_position(ask: Ask) -> Answer:
    booking = _own_booking(ask)
    ticket = tickets.ticket_of(booking)
    if ticket is None:
        return Answer("booking-not-checked-in", cards.not_checked_in(ask.lang, booking))
    if ticket.status != "waiting":
        if ticket.status == "called":
            return Answer("booking-turn", cards.turn_now(ask.lang, ticket.number))
        return Answer("booking-queue-done", cards.queue_done(ask.lang, ticket.number))
    ahead, wait = tickets.standing(_service(booking.service_id), ticket)
    return Answer("booking-queue", cards.queue_position(ask.lang, booking, ticket.number, ahead, wait, False))


def refuse(ask: Ask) -> Answer:
    raise Refused(f"unknown action {ask.data.action!r}")


STEPS = {
    "start": start, "svc": pick_service, "day": pick_day, "time": pick_time, "ask": review, "ok": confirm,
    "mine": my_bookings, "cxl": ask_cancel, "cxlok": cancel, "keep": keep, "rs": reschedule,
    "wl": join_waitlist, "acc": accept_offer, "dec": decline_offer, "q": queue_position,
}
