"""The life of a case, with the tables: it is created routed and numbered, and every step — by staff, the
citizen or the schedule — is one transaction that changes the case, adds its timeline entry, moves the
figures' counters and sets or clears its timers, conditional on the version it read.

A step's pushes are sent after the commit (civic.complaints.notices) under ids derived from the case and
the step's version; a `push` timer committed with the step lets the schedule send them again if the
function died in between (LineSender sends each id once).
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import h3
from pynamodb.exceptions import PutError

from civic import daily, thai
from civic.complaints import routing, rules, sla
from civic.settings import settings
from civic.tables import complaint_cases as cases
from civic.tables import complaint_figures as figures
from civic.tables import complaint_setup as setup
from civic.tables.complaint_cases import Case, Entry, Follower, MessageRef, Timer, Token
from civic.tables.transactions import Cancelled, Step, commit

H3_RESOLUTION = 10      # hexagons of ~66 m edge: a 50 m circle lies within a cell and its six neighbours
TRIAGE_SLA_DAYS = 1     # central triage sorts a case within a working day
PUSH_GRACE_S = 60       # a step's pushes not confirmed sent by then are sent again by the schedule
MESSAGE_REF_DAYS = 2    # LINE lets a citizen unsend for a day; the message → case link outlives that


class Conflict(Exception):
    """The case changed between our read and our write (another step won): read it again."""


@dataclass(frozen=True)
class Actor:
    kind: str                    # staff | citizen | system | open311
    id: str | None = None        # the staff subject
    role: str | None = None
    user_id: str | None = None   # the citizen, on their own notes (export and erase find them)


SYSTEM = Actor("system")


@dataclass
class NewCase:
    """What a citizen's draft or an Open311 client gives."""

    agency_id: str
    category: str | None
    parts: list[dict]                                           # [{"m": message id | None, "t": text}]
    photos: list[dict] = field(default_factory=list)            # [{"key": draft key, "m": message id}]
    lat: float | None = None
    lng: float | None = None
    address: str | None = None
    landmark: str | None = None
    channel: str = "line"
    reporter: str | None = None                                 # the citizen's LINE id; None for Open311
    media_url: str | None = None
    forwarded_from: dict | None = None


def now_s(at: datetime | None = None) -> int:
    return int((at or thai.now()).timestamp())


def cell(lat: float, lng: float) -> str:
    return h3.latlng_to_cell(lat, lng, H3_RESOLUTION)


def allocate(agency_id: str, at: datetime) -> str:
    return rules.reference(at, figures.next_number(agency_id, rules.month_of(at)))


def _counter(agency_id: str, name: str, by: int) -> Step:
    model = figures.counter(agency_id, name)
    return Step(f"fig:{name}", "update", model, actions=(figures.Counter.n.add(by),
                                                         figures.Counter.agency_id.set(agency_id)))


def _day(agency_id: str, at: int, what: str) -> Step:
    """The agency's count of cases filed or resolved on the day of `at` (the console's chart over time)."""
    model = figures.day_counter(agency_id, daily.day_of(at), what)
    return Step(f"day:{what}", "update", model, actions=(figures.Counter.n.add(1),
                                                         figures.Counter.agency_id.set(agency_id)))


def _moves(case: Case, old: str | None, new: str) -> list[Step]:
    """The counters a status change moves: by status, by category, by area (old −1, new +1)."""
    if old == new:
        return []
    category, area = case.category or "unknown", case.area_id or "none"
    steps = []
    for prefix in ("status", f"category#{category}", f"area#{area}"):
        if old is not None:
            steps.append(_counter(case.agency_id, f"{prefix}#{old}", -1))
        steps.append(_counter(case.agency_id, f"{prefix}#{new}", 1))
    return steps


def timer(case: Case, kind: str, fire_at: int, version: int | None = None, sk: str | None = None) -> Timer:
    return Timer(case.pk, sk or f"W#{kind}", agency_id=case.agency_id, ref=case.ref, kind=kind,
                 timer_key=cases.timer_key(case.agency_id, kind), fire_at=int(fire_at), version=version)


def push_timer_sk(version: int) -> str:
    return f"W#push#{version:05d}"


def _entry(case: Case, version: int, actor: Actor, action: str, old: str | None, new: str, at: int,
           note: str | None, detail: dict | None, message_id: str | None = None) -> Entry:
    return Entry(case.pk, cases.entry_sk(version), agency_id=case.agency_id, version=version, at=at,
                 actor=actor.kind, actor_id=actor.id, role=actor.role, action=action, from_status=old,
                 to_status=new, note=note, detail=detail or {}, user_id=actor.user_id,
                 created_at=at if actor.user_id else None, message_id=message_id)


def _message_refs(case: Case, message_ids: list[str], at: int) -> list[Step]:
    return [Step(f"msg:{m}", "put", MessageRef(cases.message_key(case.agency_id, m), cases.MESSAGE,
                                                agency_id=case.agency_id, ref=case.ref,
                                                expires_at=at + MESSAGE_REF_DAYS * 86400))
            for m in dict.fromkeys(m for m in message_ids if m)]


# ---------------------------------------------------------------- a new case

def create(new: NewCase, at: datetime, ref: str | None = None) -> tuple[Case, bool]:
    """Route, number and store a case; returns (case, created). The same `ref` again (a retried submit)
    finds the case already made and returns it unchanged."""
    ref = ref or allocate(new.agency_id, at)
    existing = cases.find(new.agency_id, ref)
    if existing is not None:
        return existing, False
    category = setup.category(new.agency_id, new.category) if new.category else None
    category = category if category is not None and category.active else None
    agency = setup.settings_of(new.agency_id)
    point = (new.lat, new.lng) if new.lat is not None and new.lng is not None else None
    routed = routing.route(category, point, setup.areas(new.agency_id), agency.triage_department)
    sla_days = int(category.sla_days) if category else TRIAGE_SLA_DAYS
    created, due = now_s(at), int(sla.due(at, sla_days).timestamp())
    photos = [{"id": secrets.token_hex(6), "key": _case_photo(p["key"], new.agency_id, ref), "kind": "before",
               "by": "citizen" if new.reporter else new.channel, "at": created, "m": p.get("m"), "state": "ok"}
              for p in new.photos]
    case = Case(cases.case_key(new.agency_id, ref), cases.CASE, agency_id=new.agency_id, ref=ref,
                category=category.code if category else None, department=routed.department, co_departments=[],
                area_id=routed.area_id, triage_reason=routed.triage_reason, status="received", version=1,
                channel=new.channel, urgent=bool(category and category.urgent), sla_days=sla_days,
                created_at=created, updated_at=created, due_at=due, parts=new.parts, photos=photos,
                lat=new.lat, lng=new.lng, address=new.address, landmark=new.landmark, media_url=new.media_url,
                forwarded_from=new.forwarded_from, reopen_count=0,
                month_key=cases.month_key(new.agency_id, rules.calendar_month(at)),
                arrival=cases.arrival(created, int(ref.rsplit("-", 1)[1])),
                status_key=cases.status_key(new.agency_id, "received"), open_key=cases.open_key(new.agency_id))
    if point and category:
        case.cell_key = cases.cell_key(new.agency_id, category.code, cell(*point))
    actor = Actor("citizen") if new.reporter else Actor(new.channel if new.channel != "line" else "system")
    steps = [Step("case", "put", case, condition=Case.pk.does_not_exist()),
             Step("entry", "put", _entry(case, 1, actor, "received", None, "received", created, None,
                                         {"department": routed.department, "area": routed.area_id,
                                          "triage": routed.triage_reason, **({"from": new.forwarded_from}
                                                                             if new.forwarded_from else {})})),
             Step("escalate", "put", timer(case, "escalate", due)),
             *_moves(case, None, "received"),
             _day(case.agency_id, created, "filed"),
             *_message_refs(case, [p.get("m") for p in new.parts] + [p.get("m") for p in new.photos], created)]
    if new.reporter:
        steps.append(Step("reporter", "put", Follower(case.pk, cases.follower_sk(new.reporter),
                                                      agency_id=case.agency_id, ref=ref, user_id=new.reporter,
                                                      role="reporter", created_at=created)))
    if new.channel == "open311":
        case.token = secrets.token_hex(8)
        steps.append(Step("token", "put", Token(cases.token_key(case.agency_id, case.token), cases.TOKEN,
                                                agency_id=case.agency_id, ref=ref)))
    try:
        commit(steps, f"create.{case.pk}")
    except Cancelled as refused:
        if refused.refused("case"):
            return cases.find(new.agency_id, ref), False
        raise
    return cases.find(new.agency_id, ref), True


def _case_photo(key: str, agency_id: str, ref: str) -> str:
    from civic.complaints import media

    return media.copy(key, agency_id, ref) if key.startswith("drafts/") else key


# ---------------------------------------------------------------- a step

@dataclass
class Change:
    """What a step does besides its status: attributes to set, timers, extra counters and items."""

    updates: list = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)    # sk of timers to delete
    counters: dict[str, int] = field(default_factory=dict)
    items: list[Step] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)


def step(case: Case, actor: Actor, action: str, at: datetime, note: str | None = None,
         detail: dict | None = None, change: Change | None = None, message_id: str | None = None) -> Case:
    """Apply one step to the case as read; raises rules.NotAllowed, or Conflict if it changed meanwhile."""
    change = change or Change()
    old = case.status
    new = rules.next_status(action, old)
    version, moment = int(case.version) + 1, now_s(at)
    updates = [Case.status.set(new), Case.status_key.set(cases.status_key(case.agency_id, new)),
               Case.version.set(version), Case.updated_at.set(moment), *change.updates]
    if rules.is_open(new):
        updates.append(Case.open_key.set(cases.open_key(case.agency_id)))
    elif rules.is_open(old):
        updates += [Case.open_key.remove(), Case.cell_key.remove()]
    if new in rules.CLOSED and old not in rules.CLOSED:
        retention = settings().complaint_retention_days * 86400
        updates += [Case.closed_at.set(moment), Case.expires_at.set(moment + retention)]
    steps = [Step("case", "update", case, condition=Case.version == case.version, actions=tuple(updates)),
             Step("entry", "put", _entry(case, version, actor, action, old, new, moment, note, detail,
                                         message_id)),
             *_moves(case, old, new),
             *[_counter(case.agency_id, name, by) for name, by in change.counters.items()],
             *[Step(f"timer:{t.sk}", "put", t) for t in change.timers],
             *[Step(f"clear:{sk}", "delete", Timer(case.pk, sk)) for sk in change.cleared],
             *change.items,
             *_message_refs(case, change.message_ids, moment)]
    if "resolve#count" in change.counters:
        steps.append(_day(case.agency_id, moment, "resolved"))
    if rules.is_open(old) and not rules.is_open(new) and "W#escalate" not in change.cleared:
        steps.append(Step("clear:W#escalate", "delete", Timer(case.pk, "W#escalate")))
    if action in rules.PUSHED:
        steps.append(Step("push", "put", timer(case, "push", moment + PUSH_GRACE_S, version,
                                                sk=push_timer_sk(version))))
    try:
        commit(steps, f"{case.pk}.v{version}")
    except Cancelled as refused:
        if refused.refused("case"):
            raise Conflict(case.ref) from refused
        raise
    return cases.find(case.agency_id, case.ref)


def resolution_counters(case: Case, at: datetime) -> dict[str, int]:
    took = max(0, now_s(at) - int(case.created_at))
    counters = {"resolve#count": 1, "resolve#seconds": took, f"resolve#h{rules.bucket(took)}": 1}
    if now_s(at) <= int(case.due_at):
        counters["resolve#within"] = 1
    return counters


def rating_counters(stars: int) -> dict[str, int]:
    return {"rating#count": 1, "rating#sum": stars, f"rating#{stars}": 1}


def follow(case: Case, user_id: str, at: datetime) -> bool:
    """The citizen follows the case (joined instead of reporting it again); False if they already did."""
    try:
        Follower(case.pk, cases.follower_sk(user_id), agency_id=case.agency_id, ref=case.ref, user_id=user_id,
                 role="follower", created_at=now_s(at)).save(condition=Follower.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


