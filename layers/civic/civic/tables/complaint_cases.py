"""ComplaintCases: each agency's cases, their timelines, who follows them, their timers.

Items (pk always begins with the agency; sk names the kind):
- `<agency>#C#<ref>` / `case`: a Case — category, department, area, place, status, version, due date, the
  description (as the citizen's messages, so one can be hidden on unsend), photos, rating.
- `<agency>#C#<ref>` / `T#<version>`: a timeline Entry — who (staff subject, "citizen", "system"), when,
  what (action, status from → to, note). A citizen's note carries their user_id (export, erase).
- `<agency>#C#<ref>` / `F#<user>`: a Follower — the reporter and anyone who joined instead of reporting
  a duplicate; status changes are pushed to them.
- `<agency>#C#<ref>` / `W#<kind>`: a Timer — escalate (at the due date), confirm (7 days after resolve),
  push (a step's pushes, until sent). The schedule finds due timers through the `timers` index.
- `<agency>#M#<LINE message id>` / `msg`: which case a citizen's message went into (unsend); 2 days.
- `<agency>#K#<token>` / `token`: an Open311 token → its case.

GSIs (hash keys begin with the agency, or are the citizen's own user id):
- by-citizen (user_id, created_at): a citizen's followings and notes — "my complaints", export, erase.
- by-month (month_key `<agency>#<YYYYMM>`, arrival): cases by when they came in — staff lists, Open311,
  open data; arrival = created_at × 100,000 + the reference's number (unique, so pages are stable).
- by-status (status_key `<agency>#<status>`, arrival): cases by status, newest first — the console's board and
  its filtered lists, without reading the cases of every other status.
- open (open_key `<agency>#open`, due_at): sparse, while a case is open — overdue lists.
- nearby (cell_key `<agency>#<category>#<H3 cell>`, created_at): sparse, open located cases — duplicates.
- timers (timer_key `<agency>#<kind>`, fire_at): every Timer.
Personal data: followers' LINE ids, the citizen's words and photos (keys in S3); a closed case expires
COMPLAINT_RETENTION_DAYS after it closed.
"""

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection

from civic.settings import setting
from civic.tables.base import CivicModel, TextJSONAttribute, get_alive

TABLE, OWNER = "ComplaintCasesTable", "agency"
CASE, MESSAGE, TOKEN = "case", "msg", "token"


class ByCitizen(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-citizen"
        projection = AllProjection()

    user_id = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class ByMonth(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-month"
        projection = AllProjection()

    month_key = UnicodeAttribute(hash_key=True)
    arrival = NumberAttribute(range_key=True)


class ByStatus(GlobalSecondaryIndex):
    class Meta:
        index_name = "by-status"
        projection = AllProjection()

    status_key = UnicodeAttribute(hash_key=True)
    arrival = NumberAttribute(range_key=True)


class OpenByDue(GlobalSecondaryIndex):
    class Meta:
        index_name = "open"
        projection = AllProjection()

    open_key = UnicodeAttribute(hash_key=True)
    due_at = NumberAttribute(range_key=True)


class Nearby(GlobalSecondaryIndex):
    class Meta:
        index_name = "nearby"
        projection = KeysOnlyProjection()

    cell_key = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class Timers(GlobalSecondaryIndex):
    class Meta:
        index_name = "timers"
        projection = AllProjection()

    timer_key = UnicodeAttribute(hash_key=True)
    fire_at = NumberAttribute(range_key=True)


class _Item(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("complaint_cases_table")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()


class Case(_Item):
    ref = UnicodeAttribute()
    category = UnicodeAttribute(null=True)          # None: an unknown category (central triage)
    department = UnicodeAttribute()
    co_departments = ListAttribute(of=UnicodeAttribute, default=list)
    area_id = UnicodeAttribute(null=True)           # None: outside every area, or no coordinates
    triage_reason = UnicodeAttribute(null=True)     # outside_areas | unknown_category
    assignee = UnicodeAttribute(null=True)          # a staff subject
    status = UnicodeAttribute()
    version = NumberAttribute(default=1)            # one per timeline step: pushes are named by it
    channel = UnicodeAttribute(default="line")      # line | open311
    urgent = BooleanAttribute(default=False)
    sla_days = NumberAttribute()
    created_at = NumberAttribute()
    updated_at = NumberAttribute()
    due_at = NumberAttribute()
    overdue = BooleanAttribute(default=False)
    escalated_at = NumberAttribute(null=True)
    resolved_at = NumberAttribute(null=True)
    closed_at = NumberAttribute(null=True)
    confirm_by = NumberAttribute(null=True)
    reopen_count = NumberAttribute(default=0)
    rating = NumberAttribute(null=True)
    rating_comment = UnicodeAttribute(null=True)
    rating_comment_m = UnicodeAttribute(null=True)  # the LINE message it came in (unsend hides it)
    parts = TextJSONAttribute(default=list)             # [{"m": LINE message id | None, "t": text, "hidden": bool}]
    photos = TextJSONAttribute(default=list)            # [{"id", "key", "kind", "by", "at", "m", "state", "token"}]
    lat = NumberAttribute(null=True)
    lng = NumberAttribute(null=True)
    address = UnicodeAttribute(null=True)
    landmark = UnicodeAttribute(null=True)
    media_url = UnicodeAttribute(null=True)         # given by an Open311 client; never fetched, never published
    token = UnicodeAttribute(null=True)             # the Open311 token of a case an Open311 client posted
    duplicate_of = UnicodeAttribute(null=True)
    forwarded_to = TextJSONAttribute(null=True)         # {"agency", "ref"}
    forwarded_from = TextJSONAttribute(null=True)
    reporter_erased = BooleanAttribute(default=False)
    month_key = UnicodeAttribute()
    arrival = NumberAttribute()                     # created_at × 100,000 + the reference's number (by-month)
    status_key = UnicodeAttribute(null=True)        # <agency>#<status>, moved with the status (by-status)
    open_key = UnicodeAttribute(null=True)
    cell_key = UnicodeAttribute(null=True)
    by_month = ByMonth()
    by_status = ByStatus()
    open_by_due = OpenByDue()
    nearby = Nearby()

    @property
    def description(self) -> str:
        return "\n".join(p["t"] for p in self.parts if not p.get("hidden") and p.get("t"))


class Entry(_Item):
    version = NumberAttribute()
    at = NumberAttribute()
    actor = UnicodeAttribute()                      # staff | citizen | system | open311
    actor_id = UnicodeAttribute(null=True)          # the staff subject (citizens are never named here)
    role = UnicodeAttribute(null=True)
    action = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    note_hidden = BooleanAttribute(default=False)
    detail = TextJSONAttribute(default=dict)            # e.g. {"department": …} of a forward
    user_id = UnicodeAttribute(null=True)           # only on a citizen's own note
    created_at = NumberAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    by_citizen = ByCitizen()


class Follower(_Item):
    ref = UnicodeAttribute()
    user_id = UnicodeAttribute()
    role = UnicodeAttribute(default="follower")     # reporter | follower
    created_at = NumberAttribute()
    by_citizen = ByCitizen()


class Timer(_Item):
    ref = UnicodeAttribute()
    kind = UnicodeAttribute()                       # escalate | confirm | push
    timer_key = UnicodeAttribute()
    fire_at = NumberAttribute()
    version = NumberAttribute(null=True)            # push: the step whose pushes are pending
    timers = Timers()


class MessageRef(_Item):
    ref = UnicodeAttribute()


class Token(_Item):
    ref = UnicodeAttribute()


ARRIVAL_SPAN = 100_000  # reference numbers per agency and month (complaint_figures.MAX_SEQUENCE + 1)


def arrival(created_at: float, number: int) -> int:
    return int(created_at) * ARRIVAL_SPAN + number


def case_key(agency_id: str, ref: str) -> str:
    return f"{agency_id}#C#{ref}"


def month_key(agency_id: str, yyyymm: str) -> str:
    return f"{agency_id}#{yyyymm}"


def status_key(agency_id: str, status: str) -> str:
    return f"{agency_id}#{status}"


def open_key(agency_id: str) -> str:
    return f"{agency_id}#open"


def cell_key(agency_id: str, category: str, cell: str) -> str:
    return f"{agency_id}#{category}#{cell}"


def timer_key(agency_id: str, kind: str) -> str:
    return f"{agency_id}#{kind}"


def entry_sk(version: int) -> str:
    return f"T#{version:05d}"


def follower_sk(user_id: str) -> str:
    return f"F#{user_id}"


def message_key(agency_id: str, message_id: str) -> str:
    return f"{agency_id}#M#{message_id}"


def token_key(agency_id: str, token: str) -> str:
    return f"{agency_id}#K#{token}"


# ---------------------------------------------------------------- reads

def find(agency_id: str, ref: str) -> Case | None:
    """The agency's case with this reference; another agency's reference finds nothing."""
    try:
        return Case.get(case_key(agency_id, ref), CASE, consistent_read=True)
    except Case.DoesNotExist:
        return None


def find_many(keys: list[tuple[str, str]]) -> list[Case]:
    """Cases by (agency, ref), in one BatchGetItem per 100."""
    if not keys:
        return []
    return list(Case.batch_get([(case_key(a, r), CASE) for a, r in dict.fromkeys(keys)]))


def timeline(agency_id: str, ref: str) -> list[Entry]:
    return list(Entry.query(case_key(agency_id, ref), Entry.sk.startswith("T#"), consistent_read=True))


def entry(agency_id: str, ref: str, version: int) -> Entry | None:
    try:
        return Entry.get(case_key(agency_id, ref), entry_sk(version), consistent_read=True)
    except Entry.DoesNotExist:
        return None


def followers(agency_id: str, ref: str) -> list[Follower]:
    return list(Follower.query(case_key(agency_id, ref), Follower.sk.startswith("F#"), consistent_read=True))


def follower(agency_id: str, ref: str, user_id: str) -> Follower | None:
    try:
        return Follower.get(case_key(agency_id, ref), follower_sk(user_id), consistent_read=True)
    except Follower.DoesNotExist:
        return None


def followed_by(user_id: str) -> list[Follower]:
    """The cases a citizen follows (reported or joined), of every agency, newest first."""
    return list(Follower.by_citizen.query(user_id, scan_index_forward=False,
                                          filter_condition=Follower.sk.startswith("F#")))


def notes_by(user_id: str) -> list[Entry]:
    return list(Entry.by_citizen.query(user_id, filter_condition=Entry.sk.startswith("T#")))


def _arrivals(attribute, since: float | None, until: float | None):
    low = arrival(since, 0) if since is not None else None
    high = arrival(until, ARRIVAL_SPAN - 1) if until is not None else None
    if low is not None and high is not None:
        return attribute.between(low, high)
    if low is not None:
        return attribute >= low
    return attribute <= high if high is not None else None


def of_month(agency_id: str, yyyymm: str, since: float | None = None, until: float | None = None,
             newest_first: bool = True, filter_condition=None, limit: int | None = None, start=None,
             page_size: int | None = None):
    """One page of an agency's cases created in a Bangkok month (a Query, never a scan): (at most `limit` cases,
    next key). A filtered read may read `page_size` items to find them."""
    result = Case.by_month.query(month_key(agency_id, yyyymm), _arrivals(Case.arrival, since, until),
                                 filter_condition=filter_condition, scan_index_forward=not newest_first,
                                 last_evaluated_key=start, page_size=max(limit or 0, page_size or 0) or None)
    return _one_page(result, limit)


def of_status(agency_id: str, status: str, since: float | None = None, until: float | None = None,
              filter_condition=None, limit: int | None = None, start=None, page_size: int | None = None):
    """One page of an agency's cases in one status, newest first: (at most `limit` cases, next key)."""
    result = Case.by_status.query(status_key(agency_id, status), _arrivals(Case.arrival, since, until),
                                  filter_condition=filter_condition, scan_index_forward=False,
                                  last_evaluated_key=start, page_size=max(limit or 0, page_size or 0) or None)
    return _one_page(result, limit)


def open_cases(agency_id: str, due_before: float | None = None, filter_condition=None, limit: int | None = None,
               start=None, page_size: int | None = None):
    """One page of an agency's open cases, earliest due first: (at most `limit` cases, next key)."""
    condition = Case.due_at < int(due_before) if due_before is not None else None
    result = Case.open_by_due.query(open_key(agency_id), condition, filter_condition=filter_condition,
                                    last_evaluated_key=start, page_size=max(limit or 0, page_size or 0) or None)
    return _one_page(result, limit)


def _one_page(result, limit: int | None):
    """At most `limit` cases of ONE DynamoDB page (every page when unlimited) and the key to go on from. PynamoDB
    would read page after page until `limit` items passed the filter, so a rare filter read a whole month in one
    call; one page at a time lets the caller's read budget bound a request."""
    if limit is None:
        return list(result), result.last_evaluated_key
    try:
        page = next(result.page_iter)
    except StopIteration:
        return [], None
    items, following = page.get("Items", []), page.get("LastEvaluatedKey")
    if len(items) > limit:  # go on from the last case given, not the last one read
        items = items[:limit]
        following = {name: items[-1][name] for name in result.page_iter.key_names}
    return [Case.from_raw_data(item) for item in items], following


def near_cells(agency_id: str, category: str, cells: list[str]) -> list[tuple[str, str]]:
    """(pk, sk) of the open cases of a category in these H3 cells: one Query per cell, keys only."""
    keys = []
    for cell in cells:
        keys += [(c.pk, c.sk) for c in Case.nearby.query(cell_key(agency_id, category, cell))]
    return keys


def due_timers(agency_id: str, kind: str, now: float) -> list[Timer]:
    return list(Timer.timers.query(timer_key(agency_id, kind), Timer.fire_at <= int(now)))


def message_ref(agency_id: str, message_id: str) -> MessageRef | None:
    return get_alive(MessageRef, message_key(agency_id, message_id), MESSAGE)


def token_ref(agency_id: str, token: str) -> Token | None:
    return get_alive(Token, token_key(agency_id, token), TOKEN)
