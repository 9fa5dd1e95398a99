"""Cancel, reschedule, waitlist offers, accepts, declines and expiries interleaved in any order never overbook
(RELIABILITY row 24): a Hypothesis state machine over the seat ledger, on moto."""

from datetime import datetime, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from civic.booking import ledger, rules, staff, sweep
from civic.booking.calendar import PlannedSlot
from civic.tables import booking_slots, booking_waitlist, bookings
from civic.tables.booking_slots import Slot
from civic.tables.booking_waitlist import WaitlistEntry
from civic.tables.bookings import ActiveCount, Booking
from civic.thai import BANGKOK

from .conftest import AGENCY, make_service, user

CITIZENS = [user() for _ in range(5)]
DAY = datetime.now(BANGKOK).date() + timedelta(days=2)
# Slot 0: 3 seats (1 kept for priority groups) over 2 counters; slot 1: 2 seats on one counter.
SLOTS = [PlannedSlot(AGENCY, "id-card", DAY, time(10), 3, 1), PlannedSlot(AGENCY, "id-card", DAY, time(11), 2, 0)]


def _wipe():
    for model in (Slot, Booking, WaitlistEntry):
        with model.batch_write() as batch:
            for item in model.scan():
                batch.delete(item)


class SeatLedger(RuleBasedStateMachine):
    service = None

    def __init__(self):
        super().__init__()
        _wipe()
        staff.publish_planned(self.service, SLOTS[:1], 2)
        staff.publish_planned(self.service, SLOTS[1:], 1)
        self.now = datetime.now(BANGKOK)
        self.requests = 0

    def _mine(self, citizen: str) -> list:
        return [b for b in bookings.of_citizen(citizen) if b.status == "confirmed"]

    def _open_offers(self) -> list:
        return [e for planned in SLOTS for e in booking_waitlist.of_slot(planned.slot_id) if e.status == "offered"]

    @initialize()
    def a_full_slot_with_two_waiting(self):
        """Start where races matter: slot 1 full, two citizens waiting for it."""
        for who in CITIZENS[:2]:
            self.book(who, SLOTS[1], priority=False, taps=1)
        for who in CITIZENS[2:4]:
            self.join_waitlist(who, SLOTS[1])

    @rule(who=st.sampled_from(CITIZENS), slot=st.sampled_from(SLOTS), priority=st.booleans(), taps=st.integers(1, 2))
    def book(self, who, slot, priority, taps):
        self.now += timedelta(seconds=1)  # a tap takes a moment: requests and waitlist entries are distinct
        self.requests += 1
        ref = rules.booking_ref(who, slot.slot_id, f"{self.requests:08x}")
        outcomes = {ledger.book(who, self.service, slot.slot_id, "elder" if priority else None, ref, self.now).kind
                    for _ in range(taps)}
        assert outcomes <= {"booked", "replayed", "full", "limit"}

    @rule(who=st.sampled_from(CITIZENS))
    def cancel(self, who):
        for booking in self._mine(who)[:1]:
            assert ledger.cancel(booking, self.now).kind == "cancelled"

    @rule(who=st.sampled_from(CITIZENS), slot=st.sampled_from(SLOTS))
    def reschedule(self, who, slot):
        for booking in self._mine(who)[:1]:
            self.requests += 1
            ref = rules.booking_ref(who, slot.slot_id, f"{self.requests:08x}")
            assert ledger.reschedule(booking, self.service, slot.slot_id, ref, self.now).kind in {
                "booked", "full", "unchanged"}

    @rule(who=st.sampled_from(CITIZENS), slot=st.sampled_from(SLOTS))
    def join_waitlist(self, who, slot):
        self.now += timedelta(seconds=1)
        ledger.join_waitlist(who, self.service, slot.slot_id, int(slot.starts_at.timestamp()), None, self.now)

    @rule(pick=st.integers(0, 4))
    def accept_offer(self, pick):
        offers = self._open_offers()
        if offers:
            assert ledger.accept(offers[pick % len(offers)], self.service, self.now).kind in {
                "booked", "limit", "offer_gone"}

    @rule(pick=st.integers(0, 4))
    def decline_offer(self, pick):
        offers = self._open_offers()
        if offers:
            ledger.pass_on(offers[pick % len(offers)], self.now, "declined")

    @rule()
    def offers_run_out(self):
        self.now += timedelta(minutes=16)
        sweep.expire_offers(self.now)

    @invariant()
    def seats_are_conserved_and_never_negative(self):
        holding = [b for b in Booking.scan(Booking.ref.exists()) if b.status in rules.HOLDS_SEAT]
        offers = [e for e in WaitlistEntry.scan() if e.status == "offered"]
        for planned in SLOTS:
            shards = booking_slots.shards(planned.slot_id, 2)
            for shard in shards:
                assert min(shard.general_left, shard.priority_left, shard.held) >= 0
                on_shard = sum(1 for b in holding if b.slot_id == planned.slot_id and b.shard == shard.shard)
                assert shard.general_left + shard.priority_left + shard.held + on_shard == shard.seats
            assert sum(1 for b in holding if b.slot_id == planned.slot_id) <= planned.seats
            # Every held seat is an open offer to exactly one waiting citizen.
            assert sum(s.held for s in shards) == sum(1 for e in offers if e.slot_id == planned.slot_id)

    @invariant()
    def each_citizen_holds_at_most_one_active_booking_and_the_count_agrees(self):
        for citizen in CITIZENS:
            active = [b for b in bookings.of_citizen(citizen) if b.status in rules.ACTIVE]
            assert len(active) <= 1
            counted = [c.active for c in ActiveCount.scan(ActiveCount.pk == bookings.count_key(AGENCY, "id-card", citizen))]
            assert (counted or [0]) == [len(active)]


def test_active_bookings_never_exceed_seats_whatever_the_interleaving(booking_env):
    """GIVEN two slots (3 seats with a priority seat over two counters; 2 seats) and five citizens WHEN Hypothesis
    interleaves book (single and double taps), cancel, reschedule, join waitlist, accept, decline and offer expiry
    THEN after every step: no counter below zero, seats = free + held + bookings holding a seat on each counter,
    bookings per slot ≤ seats, every held seat is exactly one open offer, and each citizen holds ≤ 1 active booking
    matching their count."""
    SeatLedger.service = make_service(seats=2, shards=2, horizon_days=1)
    run_state_machine_as_test(SeatLedger, settings=settings(
        max_examples=10, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
