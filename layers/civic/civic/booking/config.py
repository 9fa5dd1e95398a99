"""The booking capability's settings, from the environment the template gives every function.

Names are unique across the product (the local stack runs all functions in one process). Read on every
call, like civic.settings: tests and the local stack set the variables after import.
"""

import os
from dataclasses import dataclass

from civic.settings import setting as _setting


@dataclass(frozen=True)
class BookingSettings:
    services_table: str
    slots_table: str
    bookings_table: str
    waitlist_table: str
    tickets_table: str
    agency_id: str          # the agency whose LINE Official Account this deployment answers for
    offer_minutes: int      # how long a freed seat is held for the first waiting citizen
    retention_days: int     # bookings, waitlist entries and tickets are kept this long after the slot


def config() -> BookingSettings:
    env = os.environ.get
    return BookingSettings(
        services_table=env("BOOKING_SERVICES_TABLE", "booking-services"),
        slots_table=env("BOOKING_SLOTS_TABLE", "booking-slots"),
        bookings_table=env("BOOKINGS_TABLE", "bookings"),
        waitlist_table=env("BOOKING_WAITLIST_TABLE", "booking-waitlist"),
        tickets_table=env("QUEUE_TICKETS_TABLE", "queue-tickets"),
        agency_id=env("BOOKING_AGENCY_ID", "demo-municipality"),
        offer_minutes=int(env("BOOKING_OFFER_MINUTES", "15")),
        retention_days=int(env("BOOKING_RETENTION_DAYS", "90")),
    )


def setting(field: str) -> _setting:
    """A booking table's name, read when the table is used (see civic.settings.setting)."""
    return _setting(field, config)
