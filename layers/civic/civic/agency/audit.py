"""The log of staff reading citizens' personal data: who read what, of which agency, whose records.

Every agency route that returns personal data calls `personal_data_read` with the records it returns.
Records are named by pseudonym (never a LINE id), and a record of another agency is refused here too,
so a key mistake in a future route cannot become a leak.
"""

from collections.abc import Iterable

from aws_lambda_powertools import Logger

from civic import privacy
from civic.agency.identity import Forbidden, Staff

logger = Logger(child=True)


def personal_data_read(caller: Staff, what: str, records: Iterable, **detail) -> None:
    """Log the read; raise Forbidden if any record (read by `agency_id` and `user_id`) is not the caller's."""
    records = list(records)
    foreign = [r for r in records if getattr(r, "agency_id", caller.agency_id) != caller.agency_id]
    if foreign:
        logger.error("staff read of another agency's records refused",
                     extra={"staff": caller.subject, "agency": caller.agency_id, "what": what, "count": len(foreign)})
        raise Forbidden("records of another agency")
    citizens = sorted({privacy.pseudonym(r.user_id) for r in records if getattr(r, "user_id", None)})
    logger.info("staff read personal data", extra={"staff": caller.subject, "agency": caller.agency_id,
                                                   "role": caller.role, "what": what, "count": len(records),
                                                   "citizens": citizens, **detail})
