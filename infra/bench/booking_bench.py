"""Queue booking on the local stack: the launch-day race (500 confirms for 10 seats → exactly 10 bookings),
bookings confirmed per second on one hot slot (one counter, and spread over 8) and over many slots, and the
pushes — the messages LINE bills — per completed booking. Bounded: about 45 s.

The confirms call the booking desk (the worker's domain code) from concurrent threads against the local
stack's DynamoDB, which is atomic per request as AWS is per item. Everything shares one Python process, so
the absolute rates measure this machine, not AWS (docs/booking.md has the figures on paper).
"""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from civic import thai
from civic.booking import desk, staff, sweep, tickets
from civic.booking.calendar import Calendar, slot_id
from civic.tables import booking_services, bookings, citizens
from infra.local.stack import LocalStack

ROOT = Path(__file__).resolve().parents[2]
THREADS = 16
RACE_CONFIRMS, RACE_SEATS = 500, 10
RUSH = 40              # confirms in each throughput case
SPREAD_SLOTS = 10      # slots the spread case books over (10 seats each)
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGENCY = "demo-municipality"


def _service(service_id: str, seats: int, shards: int, now: datetime, opens: str = "10:00", closes: str = "12:00"):
    # Few slots per service: moto copies every table a transaction touches, so small tables keep the figures
    # about our requests rather than about moto's bookkeeping.
    service = staff.save_service(AGENCY, service_id, {
        "name_th": "ฉีดวัคซีน", "name_en": "Vaccination", "branch_th": "ศูนย์สาธารณสุข", "branch_en": "Health centre",
        "minutes_per_citizen": 5, "desks": 1, "max_active": 1})
    staff.set_calendar(service, Calendar(hours={d: [(opens, closes)] for d in WEEK}, slot_minutes=60, seats=seats, thai_holidays=False,
                                         horizon_days=3, shards=shards), now)
    return booking_services.find(AGENCY, service_id)


def _confirm(service_id: str, slot: str) -> dict:
    user = "U" + uuid.uuid4().hex
    return {"type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
            "replyToken": uuid.uuid4().hex, "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "source": {"type": "user", "userId": user}, "deliveryContext": {"isRedelivery": False},
            "postback": {"data": f"1/bk/ok?s={service_id}&d={slot[-12:-4]}&t={slot[-4:]}&p=none"
                                 f"&r={uuid.uuid4().hex[:8]}"}}


def _rush(events: list[dict]) -> tuple[list[str], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        purposes = [p for answer in pool.map(lambda e: desk.handle({"event": e}), events) for p in answer]
    return purposes, time.perf_counter() - started


def _case(name: str, events: list[dict]) -> dict:
    purposes, seconds = _rush(events)
    booked = purposes.count("booking-confirmed")
    return {"case": name, "confirms": len(events), "booked": booked, "full": purposes.count("booking-full"),
            "busy": purposes.count("booking-busy"), "seconds": seconds, "per_s": booked / seconds}


def _pushes_per_booking(service, day, refs: list[str]) -> dict:
    """The life of each booking after the confirm: reminders (with consent), check-in, the queue's calls."""
    first = min(bookings.find(service.agency_id, r).starts_at for r in refs)
    starts = thai.from_epoch(first)
    for ref in refs:
        citizens.set_consent(bookings.find(service.agency_id, ref).user_id, True, None, at=time.time())
    sent = {"booking-reminder": 0, "booking-ticket": 0, "booking-turn": 0, "booking-turn-near": 0}
    counting = _count_pushes(sent)
    with counting:
        sweep.remind(starts.replace(hour=18, minute=5) - timedelta(days=1))
        sweep.remind(starts - timedelta(minutes=55))
        for ref in refs:
            tickets.check_in(service, bookings.find(service.agency_id, ref), starts - timedelta(minutes=50))
        for _ in refs:
            tickets.call_next(service, day, starts)
    return {"per_booking": sum(sent.values()) / len(refs), **{k: v / len(refs) for k, v in sent.items()}}


class _count_pushes:
    """Count outbox pushes by purpose while the lifecycle runs (replies carry a token and are free)."""

    def __init__(self, into: dict):
        self.into = into

    def __enter__(self):
        from civic import outbox

        self.real = outbox.send

        def counting(items):
            for item in items:
                if item.reply_token is None:
                    self.into[item.purpose] = self.into.get(item.purpose, 0) + 1
            self.real(items)

        outbox.send = counting

    def __exit__(self, *_):
        from civic import outbox

        outbox.send = self.real


def figures() -> dict:
    stack = LocalStack(str(ROOT / "template.yaml"), port=0, start_pollers=False, start_schedules=False).start()
    try:
        now = thai.now()
        day = now.date() + timedelta(days=2)  # clear of today's and tomorrow's reminder windows
        race = _service("bench-race", RACE_SEATS, 1, now)
        race_slot = slot_id(AGENCY, "bench-race", day, datetime.strptime("1000", "%H%M").time())
        race_case = _case(f"{RACE_CONFIRMS} confirms for {RACE_SEATS} seats", [
            _confirm("bench-race", race_slot) for _ in range(RACE_CONFIRMS)])
        made = [b for b in staff.day_bookings(race, day) if b.status == "confirmed"]
        answered = race_case["booked"] + race_case["full"] + race_case["busy"]
        if race_case["booked"] != RACE_SEATS or len(made) != RACE_SEATS or answered != RACE_CONFIRMS:
            raise AssertionError(f"{race_case['booked']} booked answers, {len(made)} booking rows, "
                                 f"{answered} of {RACE_CONFIRMS} answered")

        cases = [race_case]
        for name, service_id, shards in (("one hot slot, 1 counter", "bench-hot", 1),
                                         ("one hot slot, 8 counters", "bench-sharded", 8)):
            _service(service_id, RUSH, shards, now)
            hot = slot_id(AGENCY, service_id, day, datetime.strptime("1100", "%H%M").time())
            cases.append(_case(name, [_confirm(service_id, hot) for _ in range(RUSH)]))
        _service("bench-spread", 10, 1, now, opens="08:00", closes="18:00")
        spread = [slot_id(AGENCY, "bench-spread", day, datetime.strptime(f"{8 + n:02d}00", "%H%M").time())
                  for n in range(SPREAD_SLOTS)]
        cases.append(_case(f"spread over {SPREAD_SLOTS} slots", [
            _confirm("bench-spread", spread[n % SPREAD_SLOTS]) for n in range(RUSH)]))
        pushes = _pushes_per_booking(race, day, [b.ref for b in made])
    finally:
        stack.stop()
    return {"cases": cases, "pushes": pushes}


def main() -> None:
    result = figures()
    print("\n## Queue booking on the local stack (one process; DynamoDB atomic per request, as on AWS per item)")
    print(f"{'case':<34}{'confirms':>9}{'booked':>8}{'full':>6}{'busy':>6}{'seconds':>9}{'answers/s':>11}"
          f"{'bookings/s':>12}")
    for n, c in enumerate(result["cases"]):
        rate = "—" if n == 0 else f"{c['per_s']:.1f}"  # the race is about answers: its 10 seats go at once
        print(f"{c['case']:<34}{c['confirms']:>9}{c['booked']:>8}{c['full']:>6}{c['busy']:>6}"
              f"{c['seconds']:>9.1f}{c['confirms'] / c['seconds']:>11.1f}{rate:>12}")
    race = result["cases"][0]
    print(f"race: exactly {race['booked']} bookings for {RACE_SEATS} seats; every confirm answered "
          f"({race['booked']} booked + {race['full']} full + {race['busy']} busy = {race['confirms']})")
    p = result["pushes"]
    print(f"pushes (billed messages) per completed booking: {p['per_booking']:.1f} = reminders "
          f"{p['booking-reminder']:.1f} + check-in ticket {p['booking-ticket']:.1f} + turn call {p['booking-turn']:.1f}"
          f" + turn near {p['booking-turn-near']:.1f}; every chat answer is a reply (free)")


if __name__ == "__main__":
    main()
