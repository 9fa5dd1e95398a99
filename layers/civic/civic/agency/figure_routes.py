"""Agency API routes for the console's charts that are not one domain's own: bookings per day
(/agency/booking/figures) and messages sent, failed and the quota left (/agency/messages/figures). Officers
read. Each is counters kept as things happen, read by key — never a scan of bookings or deliveries.

Messages are the LINE channel's, and a deployment's channel is its agency's (AGENCY_ID): staff of another
agency sharing the deployment have no channel here, and get 404 rather than someone else's numbers.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field

from civic import daily, message_figures, thai
from civic.agency import identity
from civic.booking import figures as booking_figures
from civic.settings import settings

router = APIGatewayHttpRouter()
Days = Annotated[int, Query(ge=1, le=daily.MAX_DAYS, description="days of by_day, ending today (Bangkok)")]


class BookingsOnDay(BaseModel):
    day: str = Field(description="YYYY-MM-DD, Bangkok")
    booked: int = Field(description="bookings made that day (a waiting citizen's accepted offer too)")
    served: int
    no_show: int
    cancelled: int


class BookingFigures(BaseModel):
    by_day: list[BookingsOnDay]
    no_show_rate: float = Field(description="no-shows ÷ (served + no-shows) over the window; 0 when none ended")


class MessagesOnDay(BaseModel):
    day: str = Field(description="YYYY-MM-DD, Bangkok")
    sent: int = Field(description="recipients LINE took (reply, push, each of a multicast's)")
    failed: int = Field(description="recipients LINE refused for good")


class Quota(BaseModel):
    limit: int | None = Field(description="the month's quota; null when LINE sets none, or did not answer")
    used: int
    left: int | None
    month: str = Field(description="YYYY-MM, as LINE counts it (Japan time)")
    read_from_line: bool = Field(description="false: LINE did not answer; `used` is our own count")


class MessageFigures(BaseModel):
    by_day: list[MessagesOnDay]
    quota: Quota


def _staff(role: str) -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


@router.get("/agency/booking/figures", summary="Bookings per day, served, no-shows, cancellations",
            tags=["booking"])
def booking(days: Days = 30) -> BookingFigures:
    caller = _staff("officer")
    return BookingFigures(**booking_figures.figures(caller.agency_id, thai.now().date(), days))


@router.get("/agency/messages/figures", summary="Messages sent and failed per day, and the month's quota left",
            tags=["messages"])
def messages(days: Days = 30) -> MessageFigures:
    caller = _staff("officer")
    if caller.agency_id != settings().agency_id:
        raise NotFoundError("this deployment's LINE channel is not your agency's")
    return MessageFigures(**message_figures.figures(caller.agency_id, thai.now().date(), days))
