"""A citizen's booking data under the PDPA: export everything held, and erase it.

Erasure first gives back what the citizen still holds — upcoming bookings are cancelled and their seats
released (to the first waiting citizen, if any), open waitlist offers are passed on — and then deletes
their bookings, booking counts and waitlist entries, and takes their LINE id off the day's queue tickets
(the numbers stay, so the queue still adds up).
"""

from civic import thai
from civic.booking import ledger, notices, rules, tickets
from civic.tables import booking_services
from civic.tables import booking_waitlist as waitlist
from civic.tables import bookings
from civic.tables.queue_tickets import QueueTicket


def open_records(agency_id: str, user_id: str, lang: str) -> list[dict]:
    """The citizen's active bookings with this agency, for staff answering their chat."""
    names = {s.service_id: s.name(lang) for s in booking_services.of_agency(agency_id)}
    return [{"kind": "booking", "ref": b.ref, "title": names.get(b.service_id, b.service_id), "status": b.status,
             "at": thai.moment(rules.epoch_to_local(b.starts_at), lang)}
            for b in bookings.of_citizen(user_id) if b.agency_id == agency_id and b.status in rules.ACTIVE]


def export_citizen(user_id: str) -> list[dict]:
    held = bookings.of_citizen(user_id)
    records = [{"kind": "booking", **b.to_simple_dict()} for b in held]
    records += [{"kind": "booking_count", **c.to_simple_dict()} for c in bookings.counts_of_citizen(user_id)]
    records += [{"kind": "waitlist", **e.to_simple_dict()} for e in waitlist.of_citizen(user_id)]
    records += [{"kind": "queue_ticket", **t.to_simple_dict()} for t in map(tickets.ticket_of, held) if t]
    return records


def erase_citizen(user_id: str) -> int:
    now = thai.now()
    offered = []
    for booking in bookings.of_citizen(user_id):
        if rules.changeable(booking, now):
            offered.append(ledger.cancel(booking, now).offered)
    for entry in waitlist.of_citizen(user_id):
        if entry.status == "offered":
            offered.append(ledger.pass_on(entry, now, "declined"))
    notices.offers([e for e in offered if e])
    counts = bookings.counts_of_citizen(user_id)
    removed = 0
    for booking in bookings.of_citizen(user_id):
        ticket = tickets.ticket_of(booking)
        if ticket is not None:
            ticket.update(actions=[QueueTicket.user_id.remove(), QueueTicket.ref.remove()])
        booking.delete()
        removed += 1
    for count in counts:
        count.delete()
        removed += 1
    for entry in waitlist.of_citizen(user_id):
        entry.delete()
        removed += 1
    return removed
