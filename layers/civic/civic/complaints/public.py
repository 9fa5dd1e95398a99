"""What the public may see and do, with the tables: Open311 GeoReport v2 (services, requests, posting with an
agency's API key), open data (cases and figures as JSON and CSV) and the "after" photos citizens are sent.

Nothing personal leaves here: no names, LINE ids or phone numbers; descriptions and places scrubbed of
phone and ID numbers; citizens' own photos are never published. `jurisdiction_id` names the agency when a
deployment has several; the deployment's own agency (AGENCY_ID) is the default. A case posted here is a
case like any other (routed, numbered, counted, escalated); it has no LINE citizen, so nobody is pushed.
"""

import csv
import io
import re
from datetime import datetime, timedelta

from civic import text, thai
from civic.complaints import cases, media, notices, rules
from civic.complaints.cases import NewCase
from civic.complaints.open311 import DEFAULT_DAYS, DESCRIPTION_MAX, MAX_REQUESTS, Open311Error
from civic.complaints import open311
from civic.complaints.staff import hash_key
from civic.settings import settings
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_setup as setup

_AGENCY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
MAX_IDS = 50
OPEN_DATA_COLUMNS = ["ref", "agency", "category", "category_name", "department", "area", "status", "created",
                     "updated", "expected", "resolved", "closed", "overdue", "lat", "lng", "description", "rating"]


def jurisdiction(params: dict) -> str:
    agency = (params.get("jurisdiction_id") or settings().agency_id).strip()
    if not _AGENCY.match(agency) or not setup.takes_complaints(agency):
        raise Open311Error(404, "jurisdiction_id not found")
    return agency


def _department_names(agency_id: str) -> dict[str, str]:
    return notices.names(agency_id, "th")


def _category_names(agency_id: str) -> dict[str, str]:
    return {c.code: c.name_th for c in setup.categories(agency_id)}


# ---------------------------------------------------------------- Open311

def discovery(agency_id: str, base_url: str) -> dict:
    return open311.discovery(base_url, setup.settings_of(agency_id).contact)


def services(agency_id: str) -> list[dict]:
    names = _department_names(agency_id)
    return [open311.service(c, names.get(c.department, c.department)) for c in setup.categories(agency_id) if c.active]


def service_definition(agency_id: str, code: str) -> dict:
    category = setup.category(agency_id, code) if _CODE.match(code) else None
    if category is None or not category.active:
        raise Open311Error(404, "service_code not found")
    return open311.definition(category)


def _as_requests(agency_id: str, found: list) -> list[dict]:
    departments, categories = _department_names(agency_id), _category_names(agency_id)
    return [open311.request(c, categories.get(c.category or "", "ไม่ระบุประเภท"),
                            departments.get(c.department, c.department)) for c in found]


def request(agency_id: str, ref: str) -> list[dict]:
    case = case_table.find(agency_id, ref) if re.match(rules.REF_PATTERN, ref) else None
    if case is None or not case.alive():
        raise Open311Error(404, "service_request_id not found")
    return _as_requests(agency_id, [case])


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def requests(agency_id: str, params: dict, now: datetime) -> list[dict]:
    """GET requests: by service_request_id (then the other filters are ignored, as the standard says), or by
    service_code, status (open, closed) and start_date/end_date — at most 90 days, the last 90 by default;
    newest first, at most 1,000."""
    ids = _split(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"at most {MAX_IDS} service_request_id values")
        refs = [r for r in ids if re.match(rules.REF_PATTERN, r)]
        found = [c for c in case_table.find_many([(agency_id, r) for r in refs]) if c.alive()]
        return _as_requests(agency_id, sorted(found, key=lambda c: -c.arrival))
    codes, statuses = set(_split(params.get("service_code"))), set(_split(params.get("status")))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status is open, closed, or both (comma-separated)")
    end = open311.parse_w3c(params["end_date"], "end_date") if params.get("end_date") else now.timestamp()
    start = open311.parse_w3c(params["start_date"], "start_date") if params.get("start_date") \
        else end - DEFAULT_DAYS * 86400
    if start > end or end - start > DEFAULT_DAYS * 86400 + 1:
        raise Open311Error(400, f"start_date must be before end_date, at most {DEFAULT_DAYS} days apart")
    found = []
    for month in _months_between(start, end):
        key = None
        while len(found) < MAX_REQUESTS:
            page, key = case_table.of_month(agency_id, month, start, end, limit=200, start=key)
            found += [c for c in page if (not codes or (c.category or "unknown") in codes)
                      and (not statuses or rules.open311_status(c.status) in statuses)]
            if not key:
                break
    return _as_requests(agency_id, found[:MAX_REQUESTS])


def _months_between(start: float, end: float) -> list[str]:
    months, at = [], thai.from_epoch(end)
    first = thai.from_epoch(start)
    while (at.year, at.month) >= (first.year, first.month):
        months.append(rules.calendar_month(at))
        at = at.replace(day=1) - timedelta(days=1)
    return months


def token(agency_id: str, value: str) -> list[dict]:
    found = case_table.token_ref(agency_id, value) if re.match(r"^[0-9a-f]{16}$", value) else None
    if found is None:
        raise Open311Error(404, "token not found")
    return open311.token(case_table.find(agency_id, found.ref), value)


def _coordinate(params: dict, name: str, low: float, high: float) -> float:
    try:
        value = float(params[name])
    except (TypeError, ValueError) as exc:
        raise Open311Error(400, f"{name} is not a number") from exc
    if not low <= value <= high:
        raise Open311Error(400, f"{name} is outside {low}..{high}")
    return value


def post_request(agency_id: str, params: dict, now: datetime) -> list[dict]:
    """POST requests: a case like any other, reported by an Open311 client with the agency's key. Personal
    fields the standard allows (email, names, phone, device and account ids) are not kept."""
    key = setup.api_key(agency_id, hash_key(params.get("api_key") or "")) if params.get("api_key") else None
    if key is None or not key.active:
        raise Open311Error(403, "api_key missing or invalid")
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code missing")
    has_point = params.get("lat") not in (None, "") or params.get("long") not in (None, "")
    place = text.clean((params.get("address_string") or params.get("address_id") or "").strip())[:300]
    if not has_point and not place:
        raise Open311Error(400, "lat and long, or address_string, are required")
    lat = _coordinate(params, "lat", -90, 90) if has_point else None
    lng = _coordinate(params, "long", -180, 180) if has_point else None
    words = text.clean(params.get("description") or "").strip()
    if len(words) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description is longer than {DESCRIPTION_MAX} characters")
    media_url = (params.get("media_url") or "").strip()
    category = setup.category(agency_id, code) if _CODE.match(code) else None
    known = category is not None and category.active
    case, _ = cases.create(NewCase(
        agency_id=agency_id, category=code if known else None, parts=[{"m": None, "t": words}] if words else [],
        lat=lat, lng=lng, landmark=place or None, channel="open311",
        media_url=media_url[:1000] if media_url.startswith(("https://", "http://")) else None), now)
    notices.duty_alert(case)
    notice = "" if known else "unknown service_code: sent to central triage"
    return open311.created(case, notice)


# ---------------------------------------------------------------- open data

def open_data(agency_id: str, params: dict, now: datetime) -> list[dict]:
    """The agency's cases of the period asked (as Open311's dates; the last 90 days by default), each without
    personal data; places rounded to about 10 m."""
    end = open311.parse_w3c(params["end_date"], "end_date") if params.get("end_date") else now.timestamp()
    start = open311.parse_w3c(params["start_date"], "start_date") if params.get("start_date") \
        else end - DEFAULT_DAYS * 86400
    if start > end or end - start > 366 * 86400:
        raise Open311Error(400, "start_date must be before end_date, at most a year apart")
    departments, categories = _department_names(agency_id), _category_names(agency_id)
    rows = []
    for month in _months_between(start, end):
        key = None
        while len(rows) < 10 * MAX_REQUESTS:
            page, key = case_table.of_month(agency_id, month, start, end, limit=500, start=key)
            rows += [_row(c, categories, departments) for c in page if c.alive()]
            if not key:
                break
    return rows


def _row(case, categories: dict, departments: dict) -> dict:
    return {"ref": case.ref, "agency": case.agency_id, "category": case.category or "unknown",
            "category_name": categories.get(case.category or "", ""), "department": departments.get(case.department, case.department),
            "area": case.area_id or "", "status": case.status, "created": open311.w3c(case.created_at),
            "updated": open311.w3c(case.updated_at), "expected": open311.w3c(case.due_at),
            "resolved": open311.w3c(case.resolved_at), "closed": open311.w3c(case.closed_at),
            "overdue": bool(case.overdue), "lat": round(case.lat, 4) if case.lat is not None else None,
            "lng": round(case.lng, 4) if case.lng is not None else None,
            "description": rules.scrub(case.description), "rating": int(case.rating) if case.rating else None}


def _both(th: str, en: str) -> dict[str, str]:
    return {"th": th or en or "", "en": en or th or ""}


def names(agency_id: str) -> dict:
    """The agency's own names, in Thai and English, for the public dashboard: the agency, its categories and
    its service areas (its settings item and two Queries of its own small partition; no case is read)."""
    own = setup.settings_of(agency_id)
    return {"agency": _both(own.name_th or agency_id, own.name_en or agency_id),
            "categories": {c.code: _both(c.name_th, c.name_en) for c in setup.categories(agency_id)},
            "areas": {a.area_id: _both(a.name_th, a.name_en) for a in setup.areas(agency_id)}}


def open_data_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OPEN_DATA_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return "\ufeff" + out.getvalue()  # a BOM: spreadsheet programs then read the Thai as UTF-8


# ---------------------------------------------------------------- the "after" photo a citizen is sent

def after_photo(agency_id: str, ref: str, token_value: str) -> bytes | None:
    """The bytes of a case's "after" photo named by its public token, or None."""
    if not (_AGENCY.match(agency_id) and re.match(rules.REF_PATTERN, ref) and re.match(r"^[A-Za-z0-9_-]{20,64}$", token_value)):
        return None
    case = case_table.find(agency_id, ref)
    found = [p for p in (case.photos if case and case.alive() else [])
             if p.get("kind") == "after" and p.get("state") == "ok" and p.get("token") == token_value]
    return media.read(found[0]["key"]) if found else None
