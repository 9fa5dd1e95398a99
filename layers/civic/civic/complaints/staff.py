"""What agency staff do with complaints: set up categories, areas and departments; list and read cases; and
work them — accept, assign, progress, forward (department or agency), co-assign, mark duplicate, resolve
with an "after" photo, reject. The routes in civic.agency.complaint_routes call these with the agency
and role from the caller's token; every step lands in the timeline with who and when and is pushed to
the case's followers (civic.complaints.notices).
"""

import base64
import binascii
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from civic import daily
from civic.complaints import cases, media, notices, photos, routing, rules
from civic.complaints.cases import Actor, Change, NewCase
from civic.settings import settings
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_figures as figures
from civic.tables import complaint_setup as setup
from civic.tables.complaint_cases import Case, Follower
from civic.tables.complaint_setup import ApiKey, Area, Category, Department, Settings

MAX_PAGE = 100
LIST_DAYS = 90            # a list with no dates covers the last 90 days
READ_BUDGET = 12          # index queries one list request may make before it answers with a cursor
FILTERED_PAGE = 200       # items a filtered list reads per query (DynamoDB filters after reading)
MAX_AFTER_PHOTO = 4_000_000


class Refused(ValueError):
    """What the models let through but the domain refuses: told to staff as 422 with the reason."""


@dataclass(frozen=True)
class Caller:
    subject: str
    agency_id: str
    role: str

    @property
    def actor(self) -> Actor:
        return Actor("staff", id=self.subject, role=self.role)


# ---------------------------------------------------------------- setup

def save_category(agency_id: str, code: str, fields: dict) -> Category:
    if not setup.department(agency_id, fields["department"]) and \
            fields["department"] != setup.settings_of(agency_id).triage_department:
        raise Refused(f"department {fields['department']!r} is not one of this agency's departments")
    category = Category(agency_id, f"category#{code}", code=code, **fields)
    category.save()
    return category


def save_area(agency_id: str, area_id: str, fields: dict) -> Area:
    try:
        routing.geometry(fields["geometry"])
    except routing.AreaError as exc:
        raise Refused(str(exc)) from exc
    for category, department in (fields.get("departments") or {}).items():
        if not setup.department(agency_id, department):
            raise Refused(f"area sends {category!r} to {department!r}, which is not one of this agency's departments")
    area = Area(agency_id, f"area#{area_id}", area_id=area_id, **fields)
    area.save()
    return area


def save_department(agency_id: str, code: str, fields: dict) -> Department:
    department = Department(agency_id, f"department#{code}", code=code, **fields)
    department.save()
    return department


def save_settings(agency_id: str, fields: dict) -> Settings:
    found = Settings(agency_id, "settings", **fields)
    found.save()
    return found


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_api_key(agency_id: str, label: str, at: datetime) -> tuple[str, ApiKey]:
    """A new Open311 key: shown once to the admin, stored only as its SHA-256 (random 256-bit keys need no
    slow hash: nothing to guess)."""
    key = f"o311_{secrets.token_urlsafe(32)}"
    digest = hash_key(key)
    item = ApiKey(agency_id, f"apikey#{digest}", key_id=digest[:8], label=label, created_at=cases.now_s(at))
    item.save(condition=ApiKey.item.does_not_exist())
    return key, item


def revoke_api_key(agency_id: str, key_id: str) -> bool:
    found = [k for k in setup.api_keys(agency_id) if k.key_id == key_id]
    for item in found:
        item.update(actions=[ApiKey.active.set(False)])
    return bool(found)


# ---------------------------------------------------------------- reading cases

def _months(since: datetime, until: datetime) -> list[str]:
    months, at = [], until
    while True:
        months.append(rules.calendar_month(at))
        if at.year == since.year and at.month == since.month or len(months) > 36:
            return months
        at = at.replace(day=1) - timedelta(days=1)


def _filters(status=None, category=None, area=None, department=None):
    condition = None
    for attribute, value in ((Case.status, status), (Case.category, category), (Case.area_id, area),
                             (Case.department, department)):
        if value:
            term = attribute == value
            condition = term if condition is None else condition & term
    return condition


def _cursor(data: dict | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode() if data else None


def _uncursor(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(text.encode()))
    except (ValueError, binascii.Error) as exc:
        raise Refused("cursor is not one this API gave") from exc
    if not isinstance(data, dict):
        raise Refused("cursor is not one this API gave")
    return data


def list_cases(agency_id: str, now: datetime, status=None, category=None, area=None, department=None,
               overdue: bool = False, since: datetime | None = None, until: datetime | None = None,
               limit: int = 50, cursor: str | None = None) -> tuple[list[Case], str | None]:
    """A page of the agency's cases, newest first (overdue: earliest due first), and the next page's cursor.
    Index queries only: by status, by month of arrival, or the open cases by due date; a page answers after at
    most READ_BUDGET queries, with a cursor to go on."""
    limit = max(1, min(limit, MAX_PAGE))
    at = _uncursor(cursor) or {}
    until = until or now
    since = since or until - timedelta(days=LIST_DAYS)
    if overdue:
        condition = _filters(status, category, area, department)
        found, start = _within_budget(lambda n, key: case_table.open_cases(
            agency_id, due_before=now.timestamp(), filter_condition=condition, limit=n, start=key,
            page_size=_page_size(limit, condition)), at.get("k"), limit)
        return found, _cursor({"k": start}) if start else None
    if status:  # one partition of that status: the other filters are read only among its cases
        condition = _filters(None, category, area, department)
        found, start = _within_budget(lambda n, key: case_table.of_status(
            agency_id, status, since.timestamp(), until.timestamp(), filter_condition=condition, limit=n,
            start=key, page_size=_page_size(limit, condition)), at.get("s"), limit)
        return found, _cursor({"s": start}) if start else None
    condition = _filters(None, category, area, department)
    months = _months(since, until)
    index = months.index(at["m"]) if at.get("m") in months else 0
    start = at.get("k")
    found: list[Case] = []
    for _ in range(READ_BUDGET):
        page, start = case_table.of_month(agency_id, months[index], since.timestamp(), until.timestamp(),
                                          filter_condition=condition, limit=limit - len(found), start=start,
                                          page_size=_page_size(limit, condition))
        found += page
        if not start:
            index += 1
            if index >= len(months):
                return found, None
        if len(found) >= limit:
            break
    return found, _cursor({"m": months[index], "k": start})


def _page_size(limit: int, condition) -> int:
    """Items a query reads: the page itself, or more when DynamoDB filters after reading."""
    return limit if condition is None else max(limit, FILTERED_PAGE)


def _within_budget(read, start, limit: int) -> tuple[list[Case], dict | None]:
    """One partition, query after query, until `limit` cases or READ_BUDGET queries: (cases, key to go on)."""
    found: list[Case] = []
    for _ in range(READ_BUDGET):
        page, start = read(limit - len(found), start)
        found += page
        if len(found) >= limit or not start:
            break
    return found, start


def case_of(agency_id: str, typed: str) -> Case | None:
    ref = rules.normal_ref(typed)
    return case_table.find(agency_id, ref) if ref else None


def reporter(case: Case) -> Follower | None:
    found = [f for f in case_table.followers(case.agency_id, case.ref) if f.role == "reporter"]
    return found[0] if found else None


def photo_links(case: Case) -> list[dict]:
    return [{"id": p["id"], "kind": p["kind"], "by": p["by"], "at": p["at"], "url": media.link(p["key"])}
            for p in case.photos if p.get("state") == "ok"]


# ---------------------------------------------------------------- working a case

def _department(agency_id: str, code: str) -> str:
    if code != setup.settings_of(agency_id).triage_department and not setup.department(agency_id, code):
        raise Refused(f"department {code!r} is not one of this agency's departments")
    return code


def _done(case: Case) -> Case:
    notices.send_step(case, int(case.version))
    return case


def accept(caller: Caller, case: Case, note: str | None, at: datetime) -> Case:
    return _done(cases.step(case, caller.actor, "accept", at, note=note))


def assign(caller: Caller, case: Case, assignee: str, note: str | None, at: datetime) -> Case:
    return _done(cases.step(case, caller.actor, "assign", at, note=note, detail={"assignee": assignee},
                            change=Change(updates=[Case.assignee.set(assignee)])))


def progress(caller: Caller, case: Case, note: str, at: datetime) -> Case:
    return _done(cases.step(case, caller.actor, "progress", at, note=note))


def forward(caller: Caller, case: Case, department: str, reason: str, at: datetime) -> Case:
    if department == case.department:
        raise Refused(f"the case is already with {department!r}")
    code = _department(case.agency_id, department)
    return _done(cases.step(case, caller.actor, "forward", at, note=reason, detail={"department": code},
                            change=Change(updates=[Case.department.set(code), Case.triage_reason.remove()])))


def co_assign(caller: Caller, case: Case, department: str, note: str | None, at: datetime) -> Case:
    code = _department(case.agency_id, department)
    if code == case.department or code in case.co_departments:
        raise Refused(f"{code!r} already works on this case")
    return _done(cases.step(case, caller.actor, "co_assign", at, note=note, detail={"department": code},
                            change=Change(updates=[Case.co_departments.set([*case.co_departments, code])])))


def forward_agency(caller: Caller, case: Case, agency_id: str, reason: str, at: datetime) -> Case:
    """Pass the case to another agency of the deployment: a case there (its own reference, routed by its own
    categories and areas), the followers moved over; here it closes as forwarded."""
    if agency_id == case.agency_id or not setup.takes_complaints(agency_id):
        raise Refused(f"{agency_id!r} is not another agency taking complaints in this deployment")
    ref = cases.allocate(agency_id, at)
    moved_photos = [{"key": media.copy(p["key"], agency_id, ref), "m": None} for p in case.photos
                    if p.get("state") == "ok" and p.get("kind") == "before"]
    there, _ = cases.create(NewCase(
        agency_id=agency_id, category=case.category, parts=[{"m": None, "t": p["t"]} for p in case.parts
                                                            if not p.get("hidden")],
        photos=moved_photos, lat=case.lat, lng=case.lng, address=case.address, landmark=case.landmark,
        channel=case.channel, forwarded_from={"agency": case.agency_id, "ref": case.ref}), at, ref=ref)
    done = cases.step(case, caller.actor, "forward_agency", at, note=reason,
                      detail={"agency": agency_id, "ref": there.ref},
                      change=Change(updates=[Case.forwarded_to.set({"agency": agency_id, "ref": there.ref})]))
    for follower in case_table.followers(case.agency_id, case.ref):
        Follower(there.pk, case_table.follower_sk(follower.user_id), agency_id=agency_id, ref=there.ref,
                 user_id=follower.user_id, role=follower.role, created_at=cases.now_s(at)).save()
    notices.send_step(done, int(done.version))  # told while they still follow this one, with the new reference
    for follower in case_table.followers(case.agency_id, case.ref):
        follower.delete()
    notices.duty_alert(there)
    return done


def duplicate(caller: Caller, case: Case, original_ref: str, note: str | None, at: datetime) -> Case:
    original = case_of(case.agency_id, original_ref)
    if original is None or original.ref == case.ref or not rules.is_open(original.status):
        raise Refused(f"{original_ref!r} is not another open case of this agency")
    done = cases.step(case, caller.actor, "duplicate", at, note=note, detail={"of": original.ref, "ref": original.ref},
                      change=Change(updates=[Case.duplicate_of.set(original.ref)]))
    notices.send_step(done, int(done.version))
    for follower in case_table.followers(case.agency_id, case.ref):
        if case_table.follower(original.agency_id, original.ref, follower.user_id) is None:
            Follower(original.pk, case_table.follower_sk(follower.user_id), agency_id=original.agency_id,
                     ref=original.ref, user_id=follower.user_id,
                     role="follower", created_at=cases.now_s(at)).save()
        follower.delete()
    return done


def after_photo(data_b64: str) -> bytes:
    try:
        raw = base64.b64decode(data_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused("photo is not base64") from exc
    if len(raw) > MAX_AFTER_PHOTO:
        raise Refused(f"photo is over {MAX_AFTER_PHOTO // 1_000_000} MB: send it smaller")
    try:
        return photos.reencode(raw)
    except photos.PhotoRefused as refused:
        raise Refused("photo is not an image we can open" if refused.reason == photos.NOT_IMAGE
                      else "photo is too large") from refused


def resolve(caller: Caller, case: Case, note: str, photo: bytes, at: datetime, base_url: str) -> Case:
    """Done: the "after" photo (required) is kept and shown to the citizen, who confirms or reopens within
    COMPLAINT_CONFIRM_DAYS (silence confirms it, by the schedule). `base_url` is the API's own address
    (the media route serves the photo to LINE by a link kept in the step)."""
    rules.next_status("resolve", case.status)  # refuse before storing anything
    key = media.put_case(case.agency_id, case.ref, photo)
    entry = {"id": secrets.token_hex(6), "key": key, "kind": "after", "by": caller.subject, "at": cases.now_s(at),
             "m": None, "state": "ok", "token": secrets.token_urlsafe(24)}
    confirm_by = cases.now_s(at) + settings().complaint_confirm_days * 86400
    link = notices.after_photo_url(base_url, case, entry)
    return _done(cases.step(case, caller.actor, "resolve", at, note=note, detail={"photo_url": link}, change=Change(
        updates=[Case.photos.set([*case.photos, entry]), Case.resolved_at.set(cases.now_s(at)),
                 Case.confirm_by.set(confirm_by)],
        timers=[cases.timer(case, "confirm", confirm_by)], cleared=["W#escalate"],
        counters=cases.resolution_counters(case, at))))


def reject(caller: Caller, case: Case, reason: str, at: datetime) -> Case:
    return _done(cases.step(case, caller.actor, "reject", at, note=reason))


def figures_of(agency_id: str, today: date | None = None, days: int = 30) -> dict:
    """The agency's figures, and cases filed and resolved on each of the `days` days ending `today` (two
    Queries of counter partitions, whatever the number of cases)."""
    found = rules.figures(figures.counters(agency_id))
    if today is None:
        return found
    window = daily.window(today, days)
    counted = figures.by_day(agency_id, window[0], window[-1])
    return {**found, "by_day": [{"day": day, "filed": counted.get((day, "filed"), 0),
                                 "resolved": counted.get((day, "resolved"), 0)} for day in window]}
