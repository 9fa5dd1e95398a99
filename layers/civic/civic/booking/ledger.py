"""The seat ledger: every move of a seat is one DynamoDB transaction, so no interleaving overbooks.

- book: take a seat (counter > 0, conditional), create the booking (key derived from the request, must
  not exist), raise the citizen's active count (< the service's limit). A retry, double tap or
  redelivery finds the booking already there and replays it.
- reschedule: take the new seat, create the new booking and retire the old one, and release the old
  seat, in one transaction: the citizen is never without a seat and never holds two.
- cancel / release: the freed seat goes back to its pool, or is held for the first waiting citizen
  (their entry becomes an offer in the same transaction).
- accept / pass on: a held seat becomes the waiter's booking, or moves to the next waiter, or back.
- Each booking made (book, accept), cancelled, served or missed raises the agency's count for the day in the
  same transaction (the console's chart; a rescheduled booking is the same visit moved, and counts nothing).

Conflicts and throttling are retried a bounded number of times with full jitter; the caller always
gets an Outcome to answer with ("booked", "full", "busy", ...), never silence. Callers are the desk
(citizens), the staff actions and the sweep; this module sends nothing.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from civic import daily
from civic.booking import calendar, rules
from civic.settings import settings
from civic.tables import booking_slots as slots
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings
from civic.tables.booking_slots import Slot
from civic.tables.booking_waitlist import WaitlistEntry
from civic.tables.bookings import ActiveCount, Booking
from civic.tables.transactions import Cancelled, Step, commit

SEAT_ATTEMPTS = 5     # fresh reads of a slot after the seat we aimed for was taken by someone else

_rng = random.Random()


@dataclass(frozen=True)
class Outcome:
    kind: str  # booked replayed full limit gone busy unchanged not_changeable cancelled offer_gone
    booking: Booking | None = None
    offered: WaitlistEntry | None = None  # a waiting citizen just offered the seat this move freed


def _retention_s() -> int:
    return settings().booking_retention_days * 86400


def _offer_minutes() -> int:
    return settings().booking_offer_minutes


# ---------------------------------------------------------------- steps

def _left(pool: str):
    return Slot.general_left if pool == rules.GENERAL else Slot.priority_left


def _take(shard: Slot, pool: str) -> Step:
    left = _left(pool)
    return Step("seat", "update", Slot(shard.pk), condition=(left > 0) & (Slot.status == "open"),
                actions=(left.add(-1),))


def _count(agency_id: str, service_id: str, user_id: str, delta: int, now: datetime, starts_at: int,
           max_active: int = 1) -> Step:
    item = ActiveCount(bookings.count_key(agency_id, service_id, user_id))
    # No booking outlives its slot by more than the retention, and no slot opens more than the longest
    # horizon ahead: a count untouched that long counts nothing and expires (it is personal data).
    expires = int(now.timestamp()) + (calendar.MAX_HORIZON_DAYS + 1) * 86400 + _retention_s()
    marks = (ActiveCount.agency_id.set(agency_id), ActiveCount.user_id.set(user_id),
             ActiveCount.service_id.set(service_id), ActiveCount.starts_at.set(starts_at),
             ActiveCount.expires_at.set(expires))
    if delta == 0:
        return Step("count", "update", item, actions=marks)
    if delta > 0:
        return Step("limit", "update", item,
                    condition=ActiveCount.active.does_not_exist() | (ActiveCount.active < max_active),
                    actions=(ActiveCount.active.add(1), *marks))
    return Step("limit", "update", item, condition=ActiveCount.active > 0,
                actions=(ActiveCount.active.add(-1), *marks))


def _release_count(booking: Booking, now: datetime) -> Step:
    return _count(booking.agency_id, booking.service_id, booking.user_id, -1, now, booking.starts_at)


def _tally(agency_id: str, ref: str, what: str, now: datetime) -> Step:
    """The agency's day count of `what` (booked, served, no_show, cancelled) raised with the booking's change:
    in its transaction, so it counts exactly the changes that happened."""
    stamp = now.timestamp()
    item, actions = bookings.day_count(agency_id, daily.day_of(stamp), daily.shard(ref), what,
                                       int(stamp) + bookings.FIGURE_DAYS * 86400)
    return Step("tally", "update", item, actions=actions)


def _put_booking(booking: Booking) -> Step:
    return Step("booking", "put", booking, condition=Booking.pk.does_not_exist())


def _new_booking(ref: str, user_id: str, service, slot_id: str, shard: int, starts_at: int, pool: str,
                 priority_group: str | None, now: datetime, previous_ref: str | None = None) -> Booking:
    day = rules.epoch_to_local(starts_at).date()
    stamp = int(now.timestamp())
    return Booking(bookings.booking_key(service.agency_id, ref), ref=ref, user_id=user_id,
                   agency_id=service.agency_id, service_id=service.service_id, slot_id=slot_id, shard=shard,
                   pool=pool, priority_group=priority_group, starts_at=starts_at,
                   day_key=bookings.day_key(service.agency_id, service.service_id, day, shard),
                   status="confirmed", created_at=stamp, updated_at=stamp, previous_ref=previous_ref, reminded=[],
                   expires_at=starts_at + _retention_s())


def _offer(name: str, entry: WaitlistEntry, shard: int, pool: str, now: datetime) -> Step:
    deadline = rules.offer_deadline(now, _offer_minutes())
    return Step(name, "update", entry, condition=WaitlistEntry.status == "waiting", actions=(
        WaitlistEntry.status.set("offered"), WaitlistEntry.offered_at.set(int(now.timestamp())),
        WaitlistEntry.offer_expires_at.set(int(deadline.timestamp())), WaitlistEntry.offer_shard.set(shard),
        WaitlistEntry.offer_pool.set(pool), WaitlistEntry.offer_sent.set(False),
        WaitlistEntry.open_offer.set(waitlist.open_key(entry.agency_id))))


def _next_waiter(slot_id: str, shard: int, pool: str, now: datetime, skip: set[str]) -> WaitlistEntry | None:
    """The first waiting citizen who may have this seat, if the slot is open and far enough away."""
    seat = slots.shard(slot_id, shard)
    if seat is None or seat.status != "open":
        return None
    if seat.starts_at <= rules.offer_deadline(now, _offer_minutes()).timestamp():
        return None  # too close to the start for a held seat to be used: it goes straight back
    priority_open = now.timestamp() >= seat.priority_opens_at
    for entry in waitlist.waiting(slot_id):
        if entry.user_id in skip:
            continue
        if pool == rules.PRIORITY and not (entry.priority_group or priority_open):
            continue
        return entry
    return None


def _release(booking: Booking, now: datetime) -> tuple[list[Step], WaitlistEntry | None]:
    """Steps giving a booking's seat back: held for the first eligible waiter, or to its pool."""
    seat = Slot(slots.shard_key(booking.slot_id, booking.shard))
    waiter = _next_waiter(booking.slot_id, booking.shard, booking.pool, now, skip={booking.user_id})
    if waiter is None:
        return [Step("seat-back", "update", seat, actions=(_left(booking.pool).add(1),))], None
    return [Step("seat-back", "update", seat, actions=(Slot.held.add(1),)),
            _offer("waiter", waiter, booking.shard, booking.pool, now)], waiter


def _replay(agency_id: str, ref: str, user_id: str) -> Outcome:
    booking = bookings.find(agency_id, ref)
    if booking is None or booking.user_id != user_id:
        # 50 bits of hash make this all but impossible; answer "busy" rather than fail the record.
        return Outcome("busy")
    return Outcome("replayed", booking)


def _full_or_busy(slot_id: str, service, priority: bool, now: datetime) -> Outcome:
    shards = slots.shards(slot_id, service.shards_seen)
    left = rules.summed(shards).left_for(priority, now) if shards else 0
    return Outcome("busy" if left else "full")


# ---------------------------------------------------------------- moves

def book(user_id: str, service, slot_id: str, priority_group: str | None, ref: str, now: datetime,
         rng: random.Random = _rng) -> Outcome:
    # On a rush most confirms end "full": that path reads the slot and the request's own key, nothing more.
    agency = service.agency_id
    for attempt in range(SEAT_ATTEMPTS):
        shards = slots.shards(slot_id, service.shards_seen)
        if not shards or not rules.bookable(rules.summed(shards), now):
            return _replay(agency, ref, user_id) if bookings.find(agency, ref) else Outcome("gone")
        options = rules.candidates(shards, bool(priority_group), now, rng)
        if not options:
            return _replay(agency, ref, user_id) if bookings.find(agency, ref) else Outcome("full")
        if attempt == 0 and bookings.active_count(agency, service.service_id, user_id) >= service.max_active:
            # Already holding one (maybe this very request, committed before a retry): never write to the slot.
            return _replay(agency, ref, user_id) if bookings.find(agency, ref) else Outcome("limit")
        shard, pool = options[0]
        booking = _new_booking(ref, user_id, service, slot_id, shard.shard, shard.starts_at, pool,
                               priority_group, now)
        try:
            commit([_take(shard, pool), _put_booking(booking),
                    _count(agency, service.service_id, user_id, +1, now, shard.starts_at, service.max_active),
                    _tally(agency, ref, "booked", now)],
                   token=ref)
            return Outcome("booked", booking)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                return _replay(agency, ref, user_id)
            if cancelled.refused("limit"):
                return Outcome("limit")
            # The seat went to someone else between our read and our write: read the slot again.
    return _full_or_busy(slot_id, service, bool(priority_group), now)


def reschedule(old: Booking, service, slot_id: str, ref: str, now: datetime,
               rng: random.Random = _rng) -> Outcome:
    agency = service.agency_id
    if bookings.find(agency, ref):
        return _replay(agency, ref, old.user_id)
    if not rules.changeable(old, now):
        return Outcome("not_changeable", old)
    if slot_id == old.slot_id:
        return Outcome("unchanged", old)
    for _ in range(SEAT_ATTEMPTS):
        shards = slots.shards(slot_id, service.shards_seen)
        if not shards or not rules.bookable(rules.summed(shards), now):
            return Outcome("gone")
        options = rules.candidates(shards, bool(old.priority_group), now, rng)
        if not options:
            return _replay(agency, ref, old.user_id) if bookings.find(agency, ref) else Outcome("full")
        shard, pool = options[0]
        new = _new_booking(ref, old.user_id, service, slot_id, shard.shard, shard.starts_at, pool,
                           old.priority_group, now, previous_ref=old.ref)
        release, offered = _release(old, now)
        retire = Step("old", "update", old, condition=Booking.status == "confirmed", actions=(
            Booking.status.set("rescheduled"), Booking.next_ref.set(ref),
            Booking.updated_at.set(int(now.timestamp()))))
        # The count stays (one booking retired, one made) but now lives as long as the new booking.
        touch = _count(agency, service.service_id, old.user_id, 0, now, shard.starts_at)
        try:
            commit([_take(shard, pool), _put_booking(new), retire, touch, *release], token=ref)
            return Outcome("booked", new, offered)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                return _replay(agency, ref, old.user_id)
            if cancelled.refused("old"):
                return Outcome("not_changeable", bookings.find(agency, old.ref))
    return _full_or_busy(slot_id, service, bool(old.priority_group), now)


def cancel(booking: Booking, now: datetime) -> Outcome:
    if booking.status == "cancelled":
        return Outcome("cancelled", booking)  # a repeated tap or a redelivery: the same answer
    if not rules.changeable(booking, now):
        return Outcome("not_changeable", booking)
    for _ in range(SEAT_ATTEMPTS):
        release, offered = _release(booking, now)
        retire = Step("booking", "update", booking, condition=Booking.status == "confirmed", actions=(
            Booking.status.set("cancelled"), Booking.updated_at.set(int(now.timestamp()))))
        try:
            commit([retire, _release_count(booking, now), *release,
                    _tally(booking.agency_id, booking.ref, "cancelled", now)], token=f"cancel.{booking.ref}")
            return Outcome("cancelled", bookings.find(booking.agency_id, booking.ref), offered)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                current = bookings.find(booking.agency_id, booking.ref)
                return Outcome("cancelled" if current.status == "cancelled" else "not_changeable", current)
            if not cancelled.refused("waiter") and not cancelled.conflict:
                raise
    return Outcome("busy", booking)


def finish(booking: Booking, status: str, now: datetime, from_statuses: tuple[str, ...] = rules.ACTIVE,
           also: tuple[Step, ...] = ()) -> bool:
    """End an active booking without giving its seat back (served, no-show, slot closed). False if it
    had already left those statuses."""
    step = Step("booking", "update", booking, condition=Booking.status.is_in(*from_statuses), actions=(
        Booking.status.set(status), Booking.updated_at.set(int(now.timestamp()))))
    try:
        counted = [_tally(booking.agency_id, booking.ref, status, now)] if status in bookings.COUNTS else []
        commit([step, _release_count(booking, now), *also, *counted], token=f"{status}.{booking.ref}")
        return True
    except Cancelled as cancelled:
        if cancelled.refused("booking"):
            return False
        raise


# ---------------------------------------------------------------- waitlist

def join_waitlist(user_id: str, service, slot_id: str, starts_at: int, priority_group: str | None,
                  now: datetime) -> tuple[WaitlistEntry, int]:
    """Put the citizen on a slot's waitlist (once) and say where they stand.

    Read-then-write is safe here: one citizen's events are handled in order (FIFO group = their chat),
    and the entry key is unique per join.
    """
    entries = waitlist.of_slot(slot_id)
    mine = next((e for e in entries if e.user_id == user_id and e.status in ("waiting", "offered")), None)
    if mine is None:
        mine = WaitlistEntry(slot_id, rules.waitlist_entry(int(now.timestamp() * 1000), user_id),
                             user_id=user_id, agency_id=service.agency_id, service_id=service.service_id,
                             starts_at=starts_at, priority_group=priority_group, status="waiting",
                             expires_at=starts_at + _retention_s())
        mine.save(condition=WaitlistEntry.entry.does_not_exist())
        entries.append(mine)
    ahead = [e for e in entries if e.status == "waiting" and e.entry < mine.entry]
    return mine, len(ahead) + 1


def accept(entry: WaitlistEntry, service, now: datetime) -> Outcome:
    """The offered citizen takes the held seat. The caller has checked the entry is theirs."""
    ref = rules.booking_ref(entry.user_id, entry.slot_id, f"w{entry.entry}")
    if bookings.find(entry.agency_id, ref):
        return _replay(entry.agency_id, ref, entry.user_id)
    if entry.status != "offered" or entry.offer_expires_at <= now.timestamp():
        return Outcome("offer_gone")
    booking = _new_booking(ref, entry.user_id, service, entry.slot_id, entry.offer_shard, entry.starts_at,
                           entry.offer_pool, entry.priority_group, now)
    taken = Step("offer", "update", entry,
                 condition=(WaitlistEntry.status == "offered")
                 & (WaitlistEntry.offer_expires_at > int(now.timestamp())),
                 actions=(WaitlistEntry.status.set("accepted"), WaitlistEntry.open_offer.remove()))
    seat = Step("seat", "update", Slot(slots.shard_key(entry.slot_id, entry.offer_shard)),
                condition=Slot.held > 0, actions=(Slot.held.add(-1),))
    try:
        commit([taken, seat, _put_booking(booking),
                _count(service.agency_id, service.service_id, entry.user_id, +1, now, entry.starts_at,
                       service.max_active), _tally(service.agency_id, ref, "booked", now)], token=ref)
        return Outcome("booked", booking)
    except Cancelled as cancelled:
        if cancelled.refused("booking"):
            return _replay(entry.agency_id, ref, entry.user_id)
        if cancelled.refused("limit"):
            return Outcome("limit", offered=pass_on(entry, now, "declined"))
        return Outcome("busy" if cancelled.conflict else "offer_gone")


def pass_on(entry: WaitlistEntry, now: datetime, status: str) -> WaitlistEntry | None:
    """End an offer (declined or expired): the held seat goes to the next waiter, or back to its pool.
    Returns the waiter now offered, if any."""
    condition = WaitlistEntry.status == "offered"
    if status == "expired":
        condition &= WaitlistEntry.offer_expires_at <= int(now.timestamp())
    end = Step("offer", "update", entry, condition=condition,
               actions=(WaitlistEntry.status.set(status), WaitlistEntry.open_offer.remove()))
    seat = Slot(slots.shard_key(entry.slot_id, entry.offer_shard))
    for _ in range(SEAT_ATTEMPTS):
        nxt = _next_waiter(entry.slot_id, entry.offer_shard, entry.offer_pool, now, skip={entry.user_id})
        if nxt is not None:
            move = _offer("next", nxt, entry.offer_shard, entry.offer_pool, now)
        else:
            move = Step("seat", "update", seat, condition=Slot.held > 0,
                        actions=(Slot.held.add(-1), _left(entry.offer_pool).add(1)))
        try:
            commit([end, move], token=f"{status}.{entry.slot_id}.{entry.entry}")
            return nxt
        except Cancelled as cancelled:
            if cancelled.refused("offer"):
                return None  # already accepted, declined or expired by another path
            if not cancelled.refused("next") and not cancelled.conflict:
                raise
    raise RuntimeError(f"could not pass on the offer {entry.slot_id}/{entry.entry}")
