"""The seat ledger: every move of a seat is one DynamoDB transaction, so no interleaving overbooks.

- book: take a seat (counter > 0, conditional), create the booking (key derived from the request, must
  not exist), raise the citizen's active count (< the service's limit). A retry, double tap or
  redelivery finds the booking already there and replays it.
- reschedule: take the new seat, create the new booking and retire the old one, and release the old
  seat, in one transaction: the citizen is never without a seat and never holds two.
- cancel / release: the freed seat goes back to its pool, or is held for the first waiting citizen
  (their entry becomes an offer in the same transaction).
- accept / pass on: a held seat becomes the waiter's booking, or moves to the next waiter, or back.

Conflicts and throttling are retried a bounded number of times with full jitter; the caller always
gets an Outcome to answer with ("booked", "full", "busy", ...), never silence. Callers are the desk
(citizens), the staff actions and the sweep; this module sends nothing.
"""

import hashlib
import os
import random
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from civic.booking import rules
from civic.booking.config import config
from civic.tables import booking_slots as slots
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings
from civic.tables.base import region
from civic.tables.booking_slots import Slot
from civic.tables.booking_waitlist import WaitlistEntry
from civic.tables.bookings import ActiveCount, Booking

COMMIT_ATTEMPTS = 6   # one transaction, on conflict or throttling
SEAT_ATTEMPTS = 5     # fresh reads of a slot after the seat we aimed for was taken by someone else
BACKOFF_BASE_S = 0.02
BACKOFF_CAP_S = 0.5
RETRYABLE = {
    "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded",
    "ThrottlingException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "InternalServerError",
}
# PynamoDB sends a transaction's items grouped by kind, in this order; reasons come back in wire order.
_WIRE_ORDER = {"delete": 0, "put": 1, "update": 2}

_rng = random.Random()


@dataclass(frozen=True)
class Step:
    name: str
    kind: str  # put | update | delete
    model: object
    condition: object = None
    actions: tuple = ()


class Cancelled(Exception):
    """The transaction did not happen; `failed` names each step whose condition (or capacity) failed."""

    def __init__(self, failed: dict[str, str]):
        super().__init__(f"transaction cancelled: {failed}")
        self.failed = failed

    def refused(self, step: str) -> bool:
        """That step's condition was false (as opposed to a conflict or throttling)."""
        return self.failed.get(step) == "ConditionalCheckFailed"

    @property
    def conflict(self) -> bool:
        return any(code in RETRYABLE for code in self.failed.values())


@dataclass(frozen=True)
class Outcome:
    kind: str  # booked replayed full limit gone busy unchanged not_changeable cancelled offer_gone
    booking: Booking | None = None
    offered: WaitlistEntry | None = None  # a waiting citizen just offered the seat this move freed


@cache
def _connection(endpoint: str | None) -> Connection:
    # One per endpoint, like the models' (the local stack and tests move AWS_ENDPOINT_URL; Lambda never does).
    return Connection(region=region())


def _backoff(attempt: int) -> None:
    # Full jitter: concurrent losers spread out instead of colliding again in lockstep.
    time.sleep(_rng.uniform(0, min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt)))


def commit(steps: list[Step], token: str) -> None:
    """Run the steps as one TransactWriteItems; retry conflicts and throttling; raise Cancelled otherwise.

    Each attempt has its own ClientRequestToken, so an SDK retry after a lost acknowledgement is a
    no-op on DynamoDB's side, and our own retries are fresh requests.
    """
    wire = sorted(steps, key=lambda s: _WIRE_ORDER[s.kind])
    for attempt in range(COMMIT_ATTEMPTS):
        request_token = hashlib.sha256(f"{token}.{attempt}".encode()).hexdigest()[:36]
        try:
            connection = _connection(os.environ.get("AWS_ENDPOINT_URL"))
            with TransactWrite(connection=connection, client_request_token=request_token) as tx:
                for step in wire:
                    if step.kind == "put":
                        tx.save(step.model, condition=step.condition)
                    elif step.kind == "update":
                        tx.update(step.model, actions=list(step.actions), condition=step.condition)
                    else:
                        tx.delete(step.model, condition=step.condition)
            return
        except TransactWriteError as exc:
            failed = _failures(wire, exc)
            if not failed:
                raise
            if not any(code in RETRYABLE for code in failed.values()) or attempt == COMMIT_ATTEMPTS - 1:
                raise Cancelled(failed) from exc
            _backoff(attempt)


def _failures(wire: list[Step], exc: TransactWriteError) -> dict[str, str]:
    if exc.cause_response_code == "TransactionCanceledException":
        return {step.name: reason.code for step, reason in zip(wire, exc.cancellation_reasons or [])
                if reason is not None and reason.code not in (None, "None")}
    if exc.cause_response_code in RETRYABLE:
        return {"*": exc.cause_response_code}
    return {}


# ---------------------------------------------------------------- steps

def _left(pool: str):
    return Slot.general_left if pool == rules.GENERAL else Slot.priority_left


def _take(shard: Slot, pool: str) -> Step:
    left = _left(pool)
    return Step("seat", "update", Slot(shard.pk), condition=(left > 0) & (Slot.status == "open"),
                actions=(left.add(-1),))


def _count(user_id: str, service_id: str, delta: int, max_active: int = 1) -> Step:
    item = ActiveCount(bookings.count_key(user_id, service_id))
    if delta > 0:
        return Step("limit", "update", item,
                    condition=ActiveCount.active.does_not_exist() | (ActiveCount.active < max_active),
                    actions=(ActiveCount.active.add(1), ActiveCount.user_id.set(user_id),
                             ActiveCount.service_id.set(service_id)))
    return Step("limit", "update", item, condition=ActiveCount.active > 0, actions=(ActiveCount.active.add(-1),))


def _put_booking(booking: Booking) -> Step:
    return Step("booking", "put", booking, condition=Booking.pk.does_not_exist())


def _new_booking(ref: str, user_id: str, service, slot_id: str, shard: int, starts_at: int, pool: str,
                 priority_group: str | None, now: datetime, previous_ref: str | None = None) -> Booking:
    day = rules.epoch_to_local(starts_at).date()
    stamp = int(now.timestamp())
    return Booking(bookings.booking_key(ref), ref=ref, user_id=user_id, agency_id=service.agency_id,
                   service_id=service.service_id, slot_id=slot_id, shard=shard, pool=pool,
                   priority_group=priority_group, starts_at=starts_at,
                   day_key=bookings.day_key(service.service_id, day, shard), status="confirmed",
                   created_at=stamp, updated_at=stamp, previous_ref=previous_ref, reminded=[],
                   expires_at=starts_at + config().retention_days * 86400)


def _offer(name: str, entry: WaitlistEntry, shard: int, pool: str, now: datetime) -> Step:
    deadline = rules.offer_deadline(now, config().offer_minutes)
    return Step(name, "update", entry, condition=WaitlistEntry.status == "waiting", actions=(
        WaitlistEntry.status.set("offered"), WaitlistEntry.offered_at.set(int(now.timestamp())),
        WaitlistEntry.offer_expires_at.set(int(deadline.timestamp())), WaitlistEntry.offer_shard.set(shard),
        WaitlistEntry.offer_pool.set(pool), WaitlistEntry.offer_sent.set(False),
        WaitlistEntry.open_offer.set(waitlist.OPEN)))


def _next_waiter(slot_id: str, shard: int, pool: str, now: datetime, skip: set[str]) -> WaitlistEntry | None:
    """The first waiting citizen who may have this seat, if the slot is open and far enough away."""
    seat = slots.shard(slot_id, shard)
    if seat is None or seat.status != "open":
        return None
    if seat.starts_at <= rules.offer_deadline(now, config().offer_minutes).timestamp():
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


def _replay(ref: str, user_id: str) -> Outcome:
    booking = bookings.find(ref)
    if booking is None or booking.user_id != user_id:
        raise RuntimeError(f"booking {ref} vanished or belongs to someone else")
    return Outcome("replayed", booking)


def _full_or_busy(slot_id: str, service, priority: bool, now: datetime) -> Outcome:
    shards = slots.shards(slot_id, service.shards_seen)
    left = rules.summed(shards).left_for(priority, now) if shards else 0
    return Outcome("busy" if left else "full")


# ---------------------------------------------------------------- moves

def book(user_id: str, service, slot_id: str, priority_group: str | None, ref: str, now: datetime,
         rng: random.Random = _rng) -> Outcome:
    # On a rush most confirms end "full": that path reads the slot and the request's own key, nothing more.
    for attempt in range(SEAT_ATTEMPTS):
        shards = slots.shards(slot_id, service.shards_seen)
        if not shards or not rules.bookable(rules.summed(shards), now):
            return _replay(ref, user_id) if bookings.find(ref) else Outcome("gone")
        options = rules.candidates(shards, bool(priority_group), now, rng)
        if not options:
            return _replay(ref, user_id) if bookings.find(ref) else Outcome("full")
        if attempt == 0 and bookings.active_count(user_id, service.service_id) >= service.max_active:
            # Already holding one (maybe this very request, committed before a retry): never write to the slot.
            return _replay(ref, user_id) if bookings.find(ref) else Outcome("limit")
        shard, pool = options[0]
        booking = _new_booking(ref, user_id, service, slot_id, shard.shard, shard.starts_at, pool,
                               priority_group, now)
        try:
            commit([_take(shard, pool), _put_booking(booking),
                    _count(user_id, service.service_id, +1, service.max_active)], token=ref)
            return Outcome("booked", booking)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                return _replay(ref, user_id)
            if cancelled.refused("limit"):
                return Outcome("limit")
            # The seat went to someone else between our read and our write: read the slot again.
    return _full_or_busy(slot_id, service, bool(priority_group), now)


def reschedule(old: Booking, service, slot_id: str, ref: str, now: datetime,
               rng: random.Random = _rng) -> Outcome:
    if bookings.find(ref):
        return _replay(ref, old.user_id)
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
            return _replay(ref, old.user_id) if bookings.find(ref) else Outcome("full")
        shard, pool = options[0]
        new = _new_booking(ref, old.user_id, service, slot_id, shard.shard, shard.starts_at, pool,
                           old.priority_group, now, previous_ref=old.ref)
        release, offered = _release(old, now)
        retire = Step("old", "update", old, condition=Booking.status == "confirmed", actions=(
            Booking.status.set("rescheduled"), Booking.next_ref.set(ref),
            Booking.updated_at.set(int(now.timestamp()))))
        try:
            commit([_take(shard, pool), _put_booking(new), retire, *release], token=ref)
            return Outcome("booked", new, offered)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                return _replay(ref, old.user_id)
            if cancelled.refused("old"):
                return Outcome("not_changeable", bookings.find(old.ref))
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
            commit([retire, _count(booking.user_id, booking.service_id, -1), *release],
                   token=f"cancel.{booking.ref}")
            return Outcome("cancelled", bookings.find(booking.ref), offered)
        except Cancelled as cancelled:
            if cancelled.refused("booking"):
                current = bookings.find(booking.ref)
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
        commit([step, _count(booking.user_id, booking.service_id, -1), *also], token=f"{status}.{booking.ref}")
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
                             expires_at=starts_at + config().retention_days * 86400)
        mine.save(condition=WaitlistEntry.entry.does_not_exist())
        entries.append(mine)
    ahead = [e for e in entries if e.status == "waiting" and e.entry < mine.entry]
    return mine, len(ahead) + 1


def accept(entry: WaitlistEntry, service, now: datetime) -> Outcome:
    """The offered citizen takes the held seat. The caller has checked the entry is theirs."""
    ref = rules.booking_ref(entry.user_id, entry.slot_id, f"w{entry.entry}")
    if bookings.find(ref):
        return _replay(ref, entry.user_id)
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
        commit([taken, seat, _put_booking(booking), _count(entry.user_id, service.service_id, +1,
                                                           service.max_active)], token=ref)
        return Outcome("booked", booking)
    except Cancelled as cancelled:
        if cancelled.refused("booking"):
            return _replay(ref, entry.user_id)
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
