"""Agency API routes for queue booking, under /agency/booking/: services, calendars, a day's slots and
bookings, closing a day or a slot, the queue on the day (check-in, call next, served, no-show), CSV.

Staff see and change only their own agency's records: every key they reach is built from the agency in
their token, so another agency's service or booking answers 404, as if it did not exist. Roles: officers
run the day, supervisors set calendars and close, admins define services. Every read of bookings is
logged with who read whose records (civic.agency.audit). A body the models accept but the calendar
refuses (closing before opening, more priority seats than seats) answers 422 with the reason.
"""

from datetime import date
from datetime import time as clock
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field, field_validator, model_validator

from civic import thai
from civic.agency import audit, identity, week
from civic.agency.week import OpeningHours
from civic.booking import calendar, rules, staff, tickets
from civic.booking.calendar import Calendar
from civic.tables import booking_services as services
from civic.tables import bookings

logger = Logger(child=True)
router = APIGatewayHttpRouter()

ServiceId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="e.g. id-card")]
Day = Annotated[date, Path(description="ISO date, Asia/Bangkok")]
Clock = Annotated[str, Path(pattern=r"^([01][0-9]|2[0-3])[0-5][0-9]$", description="slot start HHMM")]
Ref = Annotated[str, Path(pattern=r"^[A-Za-z0-9 -]{10,20}$", description="booking reference, e.g. BK-7F3K9-QXH2M")]
Document = Annotated[str, Field(min_length=1, max_length=200)]


# ---------------------------------------------------------------- bodies and answers

class ServiceIn(BaseModel):
    name_th: str = Field(min_length=1, max_length=60)
    name_en: str = Field(min_length=1, max_length=60)
    branch_th: str = Field(min_length=1, max_length=120)
    branch_en: str = Field(min_length=1, max_length=120)
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    documents_th: list[Document] = Field(default_factory=list, max_length=10)
    documents_en: list[Document] = Field(default_factory=list, max_length=10)
    minutes_per_citizen: int = Field(10, ge=1, le=240)
    desks: int = Field(1, ge=1, le=50)
    max_active: int = Field(1, ge=1, le=5, description="active bookings a citizen may hold for this service")
    grace_minutes: int = Field(15, ge=0, le=120, description="late arrival allowed before a no-show")
    active: bool = True


class CalendarIn(BaseModel):
    hours: dict[str, list[OpeningHours]] = Field(description="weekday (mon … sun) → opening ranges")
    slot_minutes: int = Field(30, ge=5, le=480)
    seats: int = Field(4, ge=1, le=1000)
    priority_seats: int = Field(0, ge=0, description="kept for the elderly, disabled and pregnant; at most seats")
    priority_release_hours: int = Field(24, ge=0, le=720, description="priority seats open to all this long before")
    closed_dates: list[date] = Field(default_factory=list, max_length=366)
    thai_holidays: bool = Field(True, description="closed on Thai public holidays")
    horizon_days: int = Field(14, ge=1, le=calendar.MAX_HORIZON_DAYS)
    shards: int = Field(1, ge=1, le=calendar.MAX_SHARDS,
                        description="seat counters per slot, for launch-day rushes; at most seats")

    @field_validator("hours")
    @classmethod
    def _week(cls, hours):
        return week.checked(hours)

    @model_validator(mode="after")
    def _seats(self):
        if self.priority_seats > self.seats:
            raise ValueError(f"priority_seats ({self.priority_seats}) cannot exceed seats ({self.seats})")
        if self.shards > self.seats:
            raise ValueError(f"shards ({self.shards}) cannot exceed seats ({self.seats})")
        return self

    def to_calendar(self) -> Calendar:
        data = self.model_dump(mode="json")
        data["hours"] = {day: [[r["opens"], r["closes"]] for r in ranges] for day, ranges in data["hours"].items()}
        return Calendar.from_dict(data)


class ServiceOut(ServiceIn):
    service_id: str
    calendar: dict | None = None


class Published(BaseModel):
    slots_created: int


class SlotOut(BaseModel):
    slot_id: str
    time: str
    seats: int
    free: int
    priority_free: int
    held_for_waitlist: int
    status: str


class BookingOut(BaseModel):
    ref: str
    service_id: str
    date: date
    time: str
    status: str
    priority_group: str | None = None
    queue_number: int | None = None


class CloseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200, description="told to every citizen booked, in their chat")


class Closed(BaseModel):
    slots: int
    bookings: int
    waitlist: int
    notices: int


class TicketOut(BaseModel):
    ref: str
    queue_number: int
    ahead: int
    wait_minutes: int


class Called(BaseModel):
    queue_number: int | None = Field(None, description="None when nobody is waiting")
    ref: str | None = None


# ---------------------------------------------------------------- helpers

def _staff(role: str) -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


def _service(caller: identity.Staff, service_id: str):
    service = services.find(caller.agency_id, service_id)
    if service is None:
        raise NotFoundError("no such service")
    return service


def _booking(caller: identity.Staff, typed: str):
    ref = rules.normal_ref(typed)
    booking = bookings.find(caller.agency_id, ref) if ref else None
    if booking is None:
        logger.warning("booking not found for staff", extra={"staff": caller.subject, "agency": caller.agency_id})
        raise NotFoundError("no such booking")
    return booking


def _service_out(service) -> ServiceOut:
    return ServiceOut(service_id=service.service_id, calendar=service.calendar, **{
        name: getattr(service, name) for name in ServiceIn.model_fields})


def _booking_out(booking) -> BookingOut:
    starts = rules.epoch_to_local(booking.starts_at)
    return BookingOut(ref=booking.ref, service_id=booking.service_id, date=starts.date(), time=f"{starts:%H:%M}",
                      status=booking.status, priority_group=booking.priority_group,
                      queue_number=booking.queue_number)


def _clock(hhmm: str) -> clock:
    return clock(int(hhmm[:2]), int(hhmm[2:]))


@router.exception_handler(tickets.QueueError)
def _queue_refused(exc: tickets.QueueError) -> Response:
    return Response(status_code=409, content_type=content_types.APPLICATION_JSON, body={"message": exc.reason})


@router.exception_handler(calendar.CalendarError)
def _refused_by_the_calendar(exc: calendar.CalendarError) -> Response:
    # What the models let through but the domain refuses: the reason, never a 500 and nothing stored half.
    return Response(status_code=422, content_type=content_types.APPLICATION_JSON, body={"message": str(exc)})


# ---------------------------------------------------------------- services and calendars

@router.get("/agency/booking/services", summary="The agency's bookable services", tags=["booking"])
def list_services() -> list[ServiceOut]:
    caller = _staff("officer")
    return [_service_out(s) for s in services.of_agency(caller.agency_id)]


@router.put("/agency/booking/services/<service_id>", summary="Create or change a service", tags=["booking"])
def put_service(service_id: ServiceId, body: ServiceIn) -> ServiceOut:
    caller = _staff("admin")
    return _service_out(staff.save_service(caller.agency_id, service_id, body.model_dump()))


@router.put("/agency/booking/services/<service_id>/calendar",
            summary="Set the calendar and open its slots over the horizon", tags=["booking"])
def put_calendar(service_id: ServiceId, body: CalendarIn) -> Published:
    caller = _staff("supervisor")
    service = _service(caller, service_id)
    return Published(slots_created=staff.set_calendar(service, body.to_calendar(), thai.now()))


# ---------------------------------------------------------------- a day

@router.get("/agency/booking/services/<service_id>/days/<day>/slots", summary="A day's slots and seats",
            tags=["booking"])
def get_slots(service_id: ServiceId, day: Day) -> list[SlotOut]:
    caller = _staff("officer")
    service = _service(caller, service_id)
    now = thai.now()
    return [SlotOut(slot_id=slot_id, time=f"{seats.starts_at:%H:%M}", seats=seats.seats,
                    free=seats.left_for(False, now), priority_free=seats.left_for(True, now) - seats.left_for(False, now),
                    held_for_waitlist=seats.held, status="open" if seats.open else "closed")
            for slot_id, seats in staff.day_slots(service, day)]


@router.get("/agency/booking/services/<service_id>/days/<day>/bookings", summary="A day's bookings",
            tags=["booking"])
def get_bookings(service_id: ServiceId, day: Day,
                 time: Annotated[str | None, Query(pattern=r"^([01][0-9]|2[0-3])[0-5][0-9]$")] = None) -> list[BookingOut]:
    caller = _staff("officer")
    service = _service(caller, service_id)
    found = staff.day_bookings(service, day, _clock(time) if time else None)
    audit.personal_data_read(caller, "bookings", found, service=service_id, day=day.isoformat())
    return [_booking_out(b) for b in found]


@router.get("/agency/booking/services/<service_id>/days/<day>/bookings.csv", summary="A day's bookings as CSV",
            tags=["booking"], responses={200: {"description": "ref, date, time, status, priority group, queue "
                                                              "number, booked at", "content": {"text/csv": {}}}})
def get_bookings_csv(service_id: ServiceId, day: Day):
    caller = _staff("officer")
    service = _service(caller, service_id)
    found = staff.day_bookings(service, day)
    audit.personal_data_read(caller, "bookings.csv", found, service=service_id, day=day.isoformat())
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=staff.csv_of(found),
                    headers={"Content-Disposition": f'attachment; filename="{service_id}-{day.isoformat()}.csv"'})


@router.post("/agency/booking/services/<service_id>/days/<day>/close",
             summary="Close a whole day: bookings cancelled, citizens told and offered to rebook", tags=["booking"])
def close_day(service_id: ServiceId, day: Day, body: CloseIn) -> Closed:
    caller = _staff("supervisor")
    return Closed(**staff.close(_service(caller, service_id), day, None, body.reason, thai.now()))


@router.post("/agency/booking/services/<service_id>/days/<day>/slots/<start>/close",
             summary="Close one slot: bookings cancelled, citizens told and offered to rebook", tags=["booking"])
def close_slot(service_id: ServiceId, day: Day, start: Clock, body: CloseIn) -> Closed:
    caller = _staff("supervisor")
    return Closed(**staff.close(_service(caller, service_id), day, _clock(start), body.reason, thai.now()))


# ---------------------------------------------------------------- the queue on the day

@router.post("/agency/booking/services/<service_id>/days/<day>/queue/next",
             summary="Call the next checked-in citizen (they get a push; so does the one two away)", tags=["booking"])
def call_next(service_id: ServiceId, day: Day) -> Called:
    caller = _staff("officer")
    service = _service(caller, service_id)
    ticket = tickets.call_next(service, day, thai.now())
    return Called(queue_number=ticket.number, ref=ticket.ref) if ticket else Called()


@router.get("/agency/booking/bookings/<ref>", summary="One booking, by the reference the citizen shows",
            tags=["booking"])
def get_booking(ref: Ref) -> BookingOut:
    caller = _staff("officer")
    booking = _booking(caller, ref)
    audit.personal_data_read(caller, "booking", [booking], ref=booking.ref)
    return _booking_out(booking)


@router.post("/agency/booking/bookings/<ref>/check-in", summary="Check a citizen in: gives the queue number",
             tags=["booking"])
def check_in(ref: Ref) -> TicketOut:
    caller = _staff("officer")
    booking = _booking(caller, ref)
    service = _service(caller, booking.service_id)
    ticket = tickets.check_in(service, booking, thai.now())
    ahead, wait = tickets.standing(service, ticket) if ticket.status == "waiting" else (0, 0)
    return TicketOut(ref=booking.ref, queue_number=ticket.number, ahead=ahead, wait_minutes=wait)


@router.post("/agency/booking/bookings/<ref>/served", summary="The citizen was served", tags=["booking"])
def mark_served(ref: Ref) -> BookingOut:
    caller = _staff("officer")
    booking = _booking(caller, ref)
    if not tickets.served(booking, thai.now()):
        raise tickets.QueueError("not_checked_in")
    return _booking_out(bookings.find(caller.agency_id, booking.ref))


@router.post("/agency/booking/bookings/<ref>/no-show", summary="The citizen did not come (after the grace period)",
             tags=["booking"])
def mark_no_show(ref: Ref) -> BookingOut:
    caller = _staff("officer")
    booking = _booking(caller, ref)
    if not tickets.no_show(_service(caller, booking.service_id), booking, thai.now()):
        raise tickets.QueueError("not_active")
    return _booking_out(bookings.find(caller.agency_id, booking.ref))
