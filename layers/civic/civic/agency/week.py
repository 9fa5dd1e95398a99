"""A week of opening hours as staff send it (weekday → ranges), checked once for every route that takes one:
a service's calendar, an agency's office hours."""

from pydantic import BaseModel, Field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
MAX_RANGES = 6


class OpeningHours(BaseModel):
    opens: str = Field(pattern=HHMM, examples=["08:30"])
    closes: str = Field(pattern=HHMM, examples=["12:00"])


def checked(hours: dict[str, list[OpeningHours]]) -> dict[str, list[OpeningHours]]:
    """The week, or a ValueError naming what cannot be (a pydantic validator turns it into a 422)."""
    unknown = set(hours) - set(WEEKDAYS)
    if unknown:
        raise ValueError(f"unknown weekdays: {sorted(unknown)}")
    for day, ranges in hours.items():
        if len(ranges) > MAX_RANGES:
            raise ValueError(f"{day}: at most {MAX_RANGES} opening ranges")
        for r in ranges:
            if r.opens >= r.closes:
                raise ValueError(f"{day}: opens {r.opens} is not before closes {r.closes}")
    return hours
