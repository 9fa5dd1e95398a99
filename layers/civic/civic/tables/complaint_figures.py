"""ComplaintFigures: each agency's counters — cases by status, category and area, resolution times, ratings —
and the per-agency, per-month sequence that numbers its references.

Items (pk `<agency>#fig` or `<agency>#seq`, sk the counter's name, one number `n`):
- `status#<status>`, `category#<code>#<status>`, `area#<id>#<status>`: cases now in each status.
- `resolve#count`, `resolve#within`, `resolve#seconds`, `resolve#h<bucket>`: resolutions, those within the
  service level, their total time, and a histogram of their times (for the median).
- `reopen#count`, `rating#count`, `rating#sum`, `rating#<stars>`.
- pk `<agency>#seq`, sk `<BE YYMM>`: the last reference number given that month.
- pk `<agency>#day`, sk `<YYYY-MM-DD>#filed` / `#resolved`: cases filed and resolved that day (Bangkok), for
  the console's chart over time; a window is one Query of a range of sort keys.
Counters move in the same transaction as the case they count (civic.complaints.cases), so they never
drift from the cases; the figures read one partition (a Query), never the cases. No personal data.
"""

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from civic.aws import client
from civic.settings import setting, settings
from civic.tables.base import CivicModel

TABLE, OWNER = "ComplaintFiguresTable", "agency"
MAX_SEQUENCE = 99_999  # per agency per month; the conditional counter refuses more


class Counter(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("complaint_figures_table")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute(null=True)
    n = NumberAttribute(default=0)


class SequenceExhausted(RuntimeError):
    """An agency has given out every reference number of the month."""


def figures_key(agency_id: str) -> str:
    return f"{agency_id}#fig"


def counter(agency_id: str, name: str) -> Counter:
    """A counter to update in a transaction (civic.tables.transactions.Step)."""
    return Counter(figures_key(agency_id), name, agency_id=agency_id)


def day_counter(agency_id: str, day: str, what: str) -> Counter:
    """The day's count of `what` (filed, resolved), to update in the case's transaction."""
    return Counter(f"{agency_id}#day", f"{day}#{what}", agency_id=agency_id)


def by_day(agency_id: str, first: str, last: str) -> dict[tuple[str, str], int]:
    """(day, what) → count for the days first..last (YYYY-MM-DD): one Query of the agency's day partition."""
    found = Counter.query(f"{agency_id}#day", Counter.sk.between(first, f"{last}#~"), consistent_read=True)
    return {tuple(c.sk.split("#", 1)): int(c.n or 0) for c in found}


def counters(agency_id: str) -> dict[str, int]:
    """Every counter of an agency: name → value (one Query over its partition)."""
    return {c.sk: int(c.n or 0) for c in Counter.query(figures_key(agency_id), consistent_read=True)}


def next_number(agency_id: str, month: str) -> int:
    """The next reference number of the agency's month: an atomic, conditional counter (never repeats)."""
    dynamodb = client("dynamodb")
    try:
        answer = dynamodb.update_item(
            TableName=settings().complaint_figures_table,
            Key={"pk": {"S": f"{agency_id}#seq"}, "sk": {"S": month}},
            UpdateExpression="SET agency_id = :agency ADD n :one",
            ConditionExpression="attribute_not_exists(n) OR n < :max",
            ExpressionAttributeValues={":one": {"N": "1"}, ":max": {"N": str(MAX_SEQUENCE)},
                                       ":agency": {"S": agency_id}},
            ReturnValues="UPDATED_NEW")
    except dynamodb.exceptions.ConditionalCheckFailedException as exc:
        raise SequenceExhausted(f"{agency_id} has used every reference of {month}") from exc
    return int(answer["Attributes"]["n"]["N"])
