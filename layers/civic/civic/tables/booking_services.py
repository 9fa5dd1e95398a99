"""BookingServices: what an agency lets citizens book — names, branch, documents, and the calendar.

Key: agency_id (hash), service_id (range), so staff list their agency's services with one query and a
citizen's postback naming another agency's service simply finds nothing. No personal data.
The calendar is stored as the booking domain's JSON (civic.booking.calendar reads it).
"""

from pynamodb.attributes import (BooleanAttribute, JSONAttribute, ListAttribute, NumberAttribute,
                                 UnicodeAttribute)

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "BookingServicesTable", "agency"


class Service(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("booking_services_table")

    agency_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)
    name_th = UnicodeAttribute()
    name_en = UnicodeAttribute()
    branch_th = UnicodeAttribute()
    branch_en = UnicodeAttribute()
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    documents_th = ListAttribute(of=UnicodeAttribute, default=list)
    documents_en = ListAttribute(of=UnicodeAttribute, default=list)
    minutes_per_citizen = NumberAttribute(default=10)  # time at the desk: the queue's wait estimate
    desks = NumberAttribute(default=1)                 # citizens served at once
    max_active = NumberAttribute(default=1)            # active bookings a citizen may hold for this service
    grace_minutes = NumberAttribute(default=15)        # late arrival allowed before a no-show
    active = BooleanAttribute(default=True)
    calendar = JSONAttribute(null=True)
    shards_seen = NumberAttribute(default=1)           # highest shard count ever published: readers scan them all

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en

    def branch(self, lang: str) -> str:
        return self.branch_th if lang == "th" else self.branch_en

    def documents(self, lang: str) -> list[str]:
        return list(self.documents_th if lang == "th" else self.documents_en)

    def map_url(self) -> str | None:
        if self.lat is None or self.lng is None:
            return None
        return f"https://www.google.com/maps/search/?api=1&query={self.lat:.6f},{self.lng:.6f}"


def find(agency_id: str, service_id: str) -> Service | None:
    try:
        return Service.get(agency_id, service_id)
    except Service.DoesNotExist:
        return None


def of_agency(agency_id: str) -> list[Service]:
    return list(Service.query(agency_id))


def every() -> list[Service]:
    """All services of every agency of the deployment (a small table: read by the schedules, which act on
    each service within its own agency)."""
    return list(Service.scan())
