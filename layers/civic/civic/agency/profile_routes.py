"""Agency API routes for the agency's own profile, under /agency/profile: its names, office hours, how soon
staff answer a chat and when an idle chat goes back to the bot. Officers read; admins change."""

import time

from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field, field_validator

from civic.agency import identity, week
from civic.agency.week import OpeningHours as Hours
from civic.tables import agencies

router = APIGatewayHttpRouter()


class ProfileIn(BaseModel):
    name_th: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    office_hours: dict[str, list[Hours]] = Field(description="weekday (mon … sun) → opening ranges, Asia/Bangkok")
    answer_minutes: int = Field(15, ge=1, le=1440, description="how soon staff answer a chat in office hours")
    chat_idle_minutes: int = Field(30, ge=5, le=1440, description="a chat with no news this long goes back to the bot")

    @field_validator("office_hours")
    @classmethod
    def _week(cls, hours):
        return week.checked(hours)


class ProfileOut(ProfileIn):
    agency_id: str


def _out(profile) -> ProfileOut:
    return ProfileOut(agency_id=profile.agency_id, name_th=profile.name_th or profile.agency_id,
                      name_en=profile.name_en or profile.agency_id, answer_minutes=int(profile.answer_minutes),
                      chat_idle_minutes=int(profile.chat_idle_minutes),
                      office_hours={d: [Hours(opens=a, closes=b) for a, b in r] for d, r in profile.hours().items()})


@router.get("/agency/profile", summary="The agency's names, office hours and chat times", tags=["agency"])
def get_profile() -> ProfileOut:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require("officer")
    return _out(agencies.find(caller.agency_id))


@router.put("/agency/profile", summary="Change them (citizens are told the new hours at once)", tags=["agency"])
def put_profile(body: ProfileIn) -> ProfileOut:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require("admin")
    profile = agencies.AgencyProfile(
        caller.agency_id, name_th=body.name_th, name_en=body.name_en, answer_minutes=body.answer_minutes,
        chat_idle_minutes=body.chat_idle_minutes, updated_at=int(time.time()),
        office_hours={d: [[r.opens, r.closes] for r in ranges] for d, ranges in body.office_hours.items()})
    return _out(agencies.save(profile))
