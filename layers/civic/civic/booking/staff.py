"""What agency staff do with bookings: services and calendars, a day's slots and bookings, closing a day
or a slot (everyone booked is told and offered to rebook), CSV export. The routes in
civic.agency.booking_routes call these after checking the caller's agency and role.
"""

import csv
import io
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from civic import outbox, thai
from civic.booking import calendar, ledger, notices, rules
from civic.booking.calendar import Calendar
from civic.settings import settings
from civic.tables import booking_services as services
from civic.tables import booking_slots as slots
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings
from civic.tables.booking_services import Service
from civic.tables.booking_slots import Slot
from civic.tables.booking_waitlist import WaitlistEntry


def save_service(agency_id: str, service_id: str, fields: dict) -> Service:
    """Create or replace a service's description; its calendar and published slots are kept."""
    current = services.find(agency_id, service_id)
    service = Service(agency_id, service_id, **fields)
    if current is not None:
        service.calendar, service.shards_seen = current.calendar, current.shards_seen
    service.save()
    return service


def set_calendar(service: Service, schedule: Calendar, now: datetime) -> int:
    """Store the calendar and publish its slots over the horizon; returns the slots created."""
    service.update(actions=[Service.calendar.set(schedule.to_dict()),
                            Service.shards_seen.set(max(service.shards_seen or 1, schedule.shards))])
    return publish(service, now)


def publish(service: Service, now: datetime) -> int:
    """Open the calendar's slots from today through the horizon; returns the seat counters created.
    Slots already open are never touched (their seats may already be taken)."""
    schedule = calendar.of_service(service)
    if schedule is None or not service.active:
        return 0
    planned = [p for p in calendar.plan(schedule, service.agency_id, service.service_id, now.date())
               if p.starts_at > now]
    return publish_planned(service, planned, schedule.shards)


def publish_planned(service: Service, planned: list[calendar.PlannedSlot], shards: int) -> int:
    """Create the seat counters of planned slots not yet published, `shards` counters each."""
    if not planned:
        return 0
    known = slots.existing(service.agency_id, service.service_id,
                           int(min(p.starts_at for p in planned).timestamp()),
                           int(max(p.starts_at for p in planned).timestamp()))
    retention = settings().booking_retention_days * 86400
    created = 0
    for slot in planned:
        seat_shares = calendar.shares(slot.seats, shards)
        priority_shares = calendar.shares(slot.priority_seats, shards)
        for k in range(shards):
            if slots.shard_key(slot.slot_id, k) in known:
                continue
            created += slots.create(Slot(
                slots.shard_key(slot.slot_id, k), slot_id=slot.slot_id, agency_id=service.agency_id,
                service_id=service.service_id, service_key=slots.service_key(service.agency_id, service.service_id),
                starts_at=int(slot.starts_at.timestamp()), priority_opens_at=int(slot.priority_opens_at.timestamp()),
                shard=k, shards=shards, seats=seat_shares[k],
                general_left=seat_shares[k] - priority_shares[k], priority_left=priority_shares[k], held=0,
                status="open", expires_at=int(slot.starts_at.timestamp()) + retention))
    return created


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=thai.BANGKOK)
    return start, start + timedelta(days=1)


def day_slots(service: Service, day: date) -> list[tuple[str, rules.SlotSeats]]:
    found = slots.of_service(service.agency_id, service.service_id, *_day_range(day))
    return [(slot_id, rules.summed(shards)) for slot_id, shards in found.items()]


def day_bookings(service: Service, day: date, start: time | None = None) -> list[bookings.Booking]:
    found = bookings.of_day(service.agency_id, service.service_id, day, service.shards_seen)
    if start is not None:
        found = [b for b in found if b.slot_id == calendar.slot_id(service.agency_id, service.service_id, day, start)]
    return found


def close(service: Service, day: date, start: time | None, reason: str, now: datetime) -> dict:
    """Close a slot, or a whole day; cancel its bookings and waitlist and tell each citizen, with a
    button to rebook. Safe to repeat: a second call re-sends the same notices (same ids, sent once)."""
    if start is not None:
        targets = [calendar.slot_id(service.agency_id, service.service_id, day, start)]
    else:
        targets = [slot_id for slot_id, _ in day_slots(service, day)]
        schedule = calendar.of_service(service)
        if schedule and day not in schedule.closed_dates:
            # So the nightly publishing never opens the day again.
            closed = replace(schedule, closed_dates=(*schedule.closed_dates, day))
            service.update(actions=[Service.calendar.set(closed.to_dict())])
    for slot_id in targets:
        slots.close(slot_id, service.shards_seen)
    pushes, closed_bookings = [], 0
    for booking in day_bookings(service, day):
        if booking.slot_id not in targets:
            continue
        if booking.status == "confirmed" and ledger.finish(booking, "closed", now, from_statuses=("confirmed",)):
            closed_bookings += 1
            booking.status = "closed"
        if booking.status == "closed":
            pushes.append(notices.closure(service, booking.user_id, rules.epoch_to_local(booking.starts_at), reason,
                                          booking.ref, key=booking.ref))
    told_waiting = 0
    for slot_id in targets:
        for entry in waitlist.of_slot(slot_id):
            if entry.status in ("waiting", "offered"):
                entry.update(actions=[WaitlistEntry.status.set("closed"), WaitlistEntry.open_offer.remove()],
                             condition=WaitlistEntry.status.is_in("waiting", "offered"))
                entry.status = "closed"
                told_waiting += 1
            if entry.status == "closed":
                pushes.append(notices.closure(service, entry.user_id, rules.epoch_to_local(entry.starts_at), reason,
                                              None, key=f"{slot_id}.{entry.entry}"))
    outbox.send(pushes)
    return {"slots": len(targets), "bookings": closed_bookings, "waitlist": told_waiting, "notices": len(pushes)}


CSV_COLUMNS = ["ref", "date", "time", "status", "priority_group", "queue_number", "booked_at"]


def csv_of(found: list[bookings.Booking]) -> str:
    """Bookings for the agency's own records. No LINE ids: staff know citizens by reference."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for b in found:
        starts = rules.epoch_to_local(b.starts_at)
        writer.writerow([b.ref, starts.date().isoformat(), f"{starts:%H:%M}", b.status, b.priority_group or "",
                         b.queue_number or "", rules.epoch_to_local(b.created_at).isoformat(timespec="seconds")])
    return out.getvalue()
