"""QueueTickets: the day's walk-in order at a service — queue numbers given at check-in.

Key: queue_day (hash) = `<agency>#<service>@<YYYYMMDD>`, number (range). Number 0 is the day's counter
(`last_issued`); a ticket takes the next number with a conditional write on it. Tickets are waiting →
called → served, or no_show. Personal data: the LINE user id (to tell them their turn); TTL after the day.
"""

from datetime import date

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "QueueTicketsTable", "agency"

COUNTER = 0


class QueueTicket(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("queue_tickets_table")

    queue_day = UnicodeAttribute(hash_key=True)
    number = NumberAttribute(range_key=True)
    agency_id = UnicodeAttribute(null=True)
    ref = UnicodeAttribute(null=True)
    user_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)  # waiting | called | served | no_show
    checked_in_at = NumberAttribute(null=True)
    called_at = NumberAttribute(null=True)
    last_issued = NumberAttribute(null=True)  # on the counter item only


def queue_day(agency_id: str, service_id: str, day: date) -> str:
    return f"{agency_id}#{service_id}@{day:%Y%m%d}"


def find(day_key: str, number: int) -> QueueTicket | None:
    try:
        return QueueTicket.get(day_key, number, consistent_read=True)
    except QueueTicket.DoesNotExist:
        return None


def last_issued(day_key: str) -> int:
    counter = find(day_key, COUNTER)
    return int(counter.last_issued or 0) if counter else 0


def of_day(day_key: str) -> list[QueueTicket]:
    return list(QueueTicket.query(day_key, QueueTicket.number > COUNTER, consistent_read=True))


def waiting(day_key: str) -> list[QueueTicket]:
    return [t for t in of_day(day_key) if t.status == "waiting"]
