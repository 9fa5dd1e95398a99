"""Agency API routes for complaints, under /agency/complaint/: setup (categories, areas, departments, settings,
Open311 keys), cases (list, detail, the reporter's contact) and every step of working a case, and figures.

Staff see and change only their own agency's records: every key is built from the agency in their token,
so another agency's case answers 404 as if it did not exist. Roles: officers work cases; supervisors also
assign, reject, pass a case to another agency and may see the reporter's contact; admins set up. Every
read of a case's personal data (the citizen's words, notes, photos, contact) is logged with whose it was
(civic.agency.audit). A body the models accept but the domain refuses answers 422 with the reason; a step
the case's status does not allow (or that lost a race with another step) answers 409.
"""

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field, model_validator

from civic import thai
from civic.agency import audit, identity
from civic.complaints import cases, rules, staff
from civic.complaints.staff import Caller
from civic.tables import citizens
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_setup as setup

logger = Logger(child=True)
router = APIGatewayHttpRouter()

CODE = r"^[a-z0-9][a-z0-9-]{0,39}$"
Code = Annotated[str, Path(pattern=CODE, description="e.g. road")]
AreaId = Annotated[str, Path(pattern=CODE, description="e.g. north")]
DepartmentCode = Annotated[str, Path(pattern=CODE, description="e.g. public-works")]
CaseRef = Annotated[str, Path(pattern=r"^[A-Za-z0-9 -]{8,20}$", description="case reference, e.g. CP-6912-0042")]
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{8}$")]
LineId = Annotated[str, Field(pattern=r"^U[0-9a-f]{32}$")]
Note = Annotated[str, Field(min_length=1, max_length=1000)]


# ---------------------------------------------------------------- bodies and answers

class CategoryIn(BaseModel):
    name_th: str = Field(min_length=1, max_length=60)
    name_en: str = Field(min_length=1, max_length=60)
    hint_th: str = Field("", max_length=120, description="a short hint under the name, in the chat")
    hint_en: str = Field("", max_length=120)
    sla_days: int = Field(3, ge=0, le=180, description="working days to the expected completion")
    department: str = Field(pattern=CODE, description="the department it routes to")
    urgent: bool = Field(False, description="emergency numbers on the receipt; the duty officers are alerted")
    emergency: list[Literal["191", "199", "1669"]] = Field(default_factory=list, max_length=3)
    order: int = Field(100, ge=0, le=10_000)
    active: bool = True


class CategoryOut(CategoryIn):
    code: str


class AreaIn(BaseModel):
    name_th: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    geometry: dict = Field(description="GeoJSON Polygon or MultiPolygon, WGS84 (longitude, latitude)")
    departments: dict[str, Annotated[str, Field(pattern=CODE)]] = Field(
        default_factory=dict, description="category code → department, where this area differs")
    active: bool = True


class AreaOut(AreaIn):
    area_id: str


class DepartmentIn(BaseModel):
    name_th: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)


class DepartmentOut(DepartmentIn):
    code: str


class SettingsIn(BaseModel):
    name_th: str = Field("", max_length=120)
    name_en: str = Field("", max_length=120)
    triage_department: str = Field("central-triage", pattern=CODE)
    duty_officers: list[LineId] = Field(default_factory=list, max_length=20,
                                        description="LINE user ids alerted at once of urgent cases")
    supervisors: list[LineId] = Field(default_factory=list, max_length=20,
                                      description="LINE user ids told of overdue cases")
    contact: str = Field("", max_length=200, description="Open311 discovery's contact")


class ApiKeyIn(BaseModel):
    label: str = Field("", max_length=80, description="who the key is for")


class ApiKeyOut(BaseModel):
    key_id: str
    label: str
    created_at: int
    active: bool
    key: str | None = Field(None, description="the key itself: shown once, when it is made")


class Place(BaseModel):
    lat: float | None = None
    lng: float | None = None
    address: str | None = None
    landmark: str | None = None


class CaseOut(BaseModel):
    ref: str
    category: str | None
    department: str
    co_departments: list[str]
    area_id: str | None
    triage_reason: str | None
    status: str
    urgent: bool
    channel: str
    assignee: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime
    overdue: bool
    reopen_count: int
    rating: int | None
    place: Place


class Photo(BaseModel):
    id: str
    kind: str
    by: str
    at: datetime
    url: str = Field(description="a presigned link, valid five minutes")


class TimelineEntry(BaseModel):
    at: datetime
    actor: str
    actor_id: str | None
    role: str | None
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None
    detail: dict


class CaseDetail(CaseOut):
    description: str
    photos: list[Photo]
    timeline: list[TimelineEntry]
    followers: int
    duplicate_of: str | None
    forwarded_to: dict | None
    forwarded_from: dict | None
    rating_comment: str | None
    reporter_erased: bool


class CasePage(BaseModel):
    cases: list[CaseOut]
    next: str | None = Field(None, description="give it back as ?cursor= for the next page")


class Reporter(BaseModel):
    line_user_id: str | None = Field(None, description="None: reported through Open311, or erased at the citizen's request")
    display_name: str | None = Field(None, description="only when the citizen consented to it being kept")
    language: str | None = None


class NoteIn(BaseModel):
    note: Note | None = None


class ProgressIn(BaseModel):
    note: Note


class AssignIn(BaseModel):
    assignee: str = Field(min_length=1, max_length=128, description="the staff member (e.g. their e-mail)")
    note: Note | None = None


class ForwardIn(BaseModel):
    department: str | None = Field(None, pattern=CODE)
    agency: str | None = Field(None, pattern=CODE, description="another agency of this deployment")
    reason: Note

    @model_validator(mode="after")
    def _one_target(self):
        if (self.department is None) == (self.agency is None):
            raise ValueError("give either department or agency")
        return self


class CoAssignIn(BaseModel):
    department: str = Field(pattern=CODE)
    note: Note | None = None


class DuplicateIn(BaseModel):
    of: str = Field(pattern=r"^[A-Za-z0-9 -]{8,20}$", description="the case this one repeats")
    note: Note | None = None


class ResolveIn(BaseModel):
    note: Note
    photo: str = Field(min_length=100, max_length=5_600_000,
                       description="the 'after' photo, JPEG or PNG, base64 (at most 4 MB); required")


class RejectIn(BaseModel):
    reason: Note


class CasesOnDay(BaseModel):
    day: str = Field(description="YYYY-MM-DD, Bangkok")
    filed: int
    resolved: int


class Figures(BaseModel):
    cases: int
    by_status: dict[str, int]
    by_category: dict[str, dict[str, int]]
    by_area: dict[str, dict[str, int]]
    resolutions: int
    median_hours_to_resolve: float | None
    share_resolved_within_sla: float | None
    reopen_rate: float | None
    ratings: int
    average_rating: float | None
    ratings_by_stars: dict[str, int]
    by_day: list[CasesOnDay] = Field(description="cases filed and resolved each day of the window, oldest first")


# ---------------------------------------------------------------- helpers

def _caller(role: str) -> Caller:
    found = identity.from_event(router.current_event.raw_event)
    found.require(role)
    return Caller(found.subject, found.agency_id, found.role)


def _case(caller: Caller, typed: str):
    case = staff.case_of(caller.agency_id, typed)
    if case is None or not case.alive():
        logger.warning("complaint case not found for staff", extra={"staff": caller.subject, "agency": caller.agency_id})
        raise NotFoundError("no such case")
    return case


def _at(epoch) -> datetime:
    return thai.from_epoch(epoch)


def _case_out(case) -> CaseOut:
    return CaseOut(ref=case.ref, category=case.category, department=case.department,
                   co_departments=list(case.co_departments or []), area_id=case.area_id,
                   triage_reason=case.triage_reason, status=case.status, urgent=bool(case.urgent),
                   channel=case.channel, assignee=case.assignee, created_at=_at(case.created_at),
                   updated_at=_at(case.updated_at), due_at=_at(case.due_at),
                   overdue=rules.is_open(case.status) and case.due_at < thai.now().timestamp(),
                   reopen_count=int(case.reopen_count or 0), rating=int(case.rating) if case.rating else None,
                   place=Place(lat=case.lat, lng=case.lng, address=case.address, landmark=case.landmark))


def _detail(caller: Caller, case) -> CaseDetail:
    followers = case_table.followers(case.agency_id, case.ref)
    audit.personal_data_read(caller, "complaint case", followers, ref=case.ref)
    timeline = [TimelineEntry(at=_at(e.at), actor=e.actor, actor_id=e.actor_id, role=e.role, action=e.action,
                              from_status=e.from_status, to_status=e.to_status,
                              note=None if e.note_hidden else e.note, detail=e.detail or {})
                for e in case_table.timeline(case.agency_id, case.ref)]
    return CaseDetail(**_case_out(case).model_dump(), description=case.description,
                      photos=[Photo(**{**p, "at": _at(p["at"])}) for p in staff.photo_links(case)],
                      timeline=timeline, followers=len(followers), duplicate_of=case.duplicate_of,
                      forwarded_to=case.forwarded_to, forwarded_from=case.forwarded_from,
                      rating_comment=case.rating_comment, reporter_erased=bool(case.reporter_erased))


def _key_out(item, key: str | None = None) -> ApiKeyOut:
    return ApiKeyOut(key_id=item.key_id, label=item.label, created_at=int(item.created_at), active=bool(item.active),
                     key=key)


def _base_url() -> str:
    """This API's own address, as the caller reached it (the execute-api host, or a custom domain)."""
    event = router.current_event
    scheme = (event.headers.get("x-forwarded-proto") or "https").split(",")[0].strip()
    return f"{scheme}://{event.request_context.domain_name}"


def _json(status: int, message: str) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body={"message": message})


@router.exception_handler(staff.Refused)
def _refused(exc: staff.Refused) -> Response:
    return _json(422, str(exc))


@router.exception_handler(rules.NotAllowed)
def _not_allowed(exc: rules.NotAllowed) -> Response:
    return _json(409, str(exc))


@router.exception_handler(cases.Conflict)
def _conflict(exc: cases.Conflict) -> Response:
    return _json(409, "the case changed meanwhile: read it again")


# ---------------------------------------------------------------- setup (admin)

@router.get("/agency/complaint/categories", summary="The agency's complaint categories", tags=["complaint"])
def list_categories() -> list[CategoryOut]:
    caller = _caller("officer")
    return [CategoryOut(code=c.code, **{n: getattr(c, n) for n in CategoryIn.model_fields})
            for c in setup.categories(caller.agency_id)]


@router.put("/agency/complaint/categories/<code>", summary="Create or change a category", tags=["complaint"])
def put_category(code: Code, body: CategoryIn) -> CategoryOut:
    caller = _caller("admin")
    staff.save_category(caller.agency_id, code, body.model_dump())
    return CategoryOut(code=code, **body.model_dump())


@router.get("/agency/complaint/areas", summary="The agency's service areas", tags=["complaint"])
def list_areas() -> list[AreaOut]:
    caller = _caller("officer")
    return [AreaOut(area_id=a.area_id, **{n: getattr(a, n) for n in AreaIn.model_fields})
            for a in setup.areas(caller.agency_id)]


@router.put("/agency/complaint/areas/<area_id>", summary="Create or change a service area (GeoJSON polygon)",
            tags=["complaint"])
def put_area(area_id: AreaId, body: AreaIn) -> AreaOut:
    caller = _caller("admin")
    staff.save_area(caller.agency_id, area_id, body.model_dump())
    return AreaOut(area_id=area_id, **body.model_dump())


@router.get("/agency/complaint/departments", summary="The agency's departments", tags=["complaint"])
def list_departments() -> list[DepartmentOut]:
    caller = _caller("officer")
    return [DepartmentOut(code=d.code, name_th=d.name_th, name_en=d.name_en) for d in setup.departments(caller.agency_id)]


@router.put("/agency/complaint/departments/<department>", summary="Create or rename a department", tags=["complaint"])
def put_department(department: DepartmentCode, body: DepartmentIn) -> DepartmentOut:
    caller = _caller("admin")
    staff.save_department(caller.agency_id, department, body.model_dump())
    return DepartmentOut(code=department, **body.model_dump())


@router.get("/agency/complaint/settings", summary="Triage, duty officers, supervisors", tags=["complaint"])
def get_settings() -> SettingsIn:
    caller = _caller("admin")
    found = setup.settings_of(caller.agency_id)
    return SettingsIn(**{n: getattr(found, n) for n in SettingsIn.model_fields})


@router.put("/agency/complaint/settings", summary="Set triage, duty officers, supervisors", tags=["complaint"])
def put_settings(body: SettingsIn) -> SettingsIn:
    caller = _caller("admin")
    staff.save_settings(caller.agency_id, body.model_dump())
    return body


@router.get("/agency/complaint/open311-keys", summary="The agency's Open311 API keys (never the keys)",
            tags=["complaint"])
def list_keys() -> list[ApiKeyOut]:
    caller = _caller("admin")
    return [_key_out(k) for k in setup.api_keys(caller.agency_id)]


@router.post("/agency/complaint/open311-keys", summary="A new Open311 API key (shown once; kept hashed)",
             tags=["complaint"])
def post_key(body: ApiKeyIn) -> ApiKeyOut:
    caller = _caller("admin")
    key, item = staff.new_api_key(caller.agency_id, body.label, thai.now())
    return _key_out(item, key)


@router.post("/agency/complaint/open311-keys/<key_id>/revoke", summary="Revoke an Open311 API key",
             tags=["complaint"])
def revoke_key(key_id: KeyId) -> list[ApiKeyOut]:
    caller = _caller("admin")
    if not staff.revoke_api_key(caller.agency_id, key_id):
        raise NotFoundError("no such key")
    return [_key_out(k) for k in setup.api_keys(caller.agency_id)]


# ---------------------------------------------------------------- cases

@router.get("/agency/complaint/cases", summary="The agency's cases, filtered, newest first (paginated)",
            tags=["complaint"])
def list_cases(status: Annotated[str | None, Query(pattern=r"^[a-z_]{4,20}$")] = None,
               category: Annotated[str | None, Query(pattern=CODE)] = None,
               area: Annotated[str | None, Query(pattern=CODE)] = None,
               department: Annotated[str | None, Query(pattern=CODE)] = None,
               overdue: bool = False, since: datetime | None = None, until: datetime | None = None,
               limit: Annotated[int, Query(ge=1, le=staff.MAX_PAGE)] = 50,
               cursor: Annotated[str | None, Query(max_length=2000)] = None) -> CasePage:
    caller = _caller("officer")
    found, following = staff.list_cases(caller.agency_id, thai.now(), status, category, area, department, overdue,
                                        since, until, limit, cursor)
    return CasePage(cases=[_case_out(c) for c in found], next=following)


@router.get("/agency/complaint/cases/<case_ref>", summary="A case with its timeline and photos", tags=["complaint"])
def get_case(case_ref: CaseRef) -> CaseDetail:
    caller = _caller("officer")
    return _detail(caller, _case(caller, case_ref))


@router.get("/agency/complaint/cases/<case_ref>/reporter", summary="Who reported it (supervisors)", tags=["complaint"])
def get_reporter(case_ref: CaseRef) -> Reporter:
    caller = _caller("supervisor")
    case = _case(caller, case_ref)
    found = staff.reporter(case)
    audit.personal_data_read(caller, "complaint reporter", [found] if found else [], ref=case.ref)
    if found is None:
        return Reporter()
    citizen = citizens.find(found.user_id)
    return Reporter(line_user_id=found.user_id, display_name=citizen.display_name if citizen else None,
                    language=citizen.language if citizen else None)


def _worked(caller: Caller, case) -> CaseDetail:
    return _detail(caller, case)


@router.post("/agency/complaint/cases/<case_ref>/accept", summary="Accept the case", tags=["complaint"])
def accept(case_ref: CaseRef, body: NoteIn) -> CaseDetail:
    caller = _caller("officer")
    return _worked(caller, staff.accept(caller, _case(caller, case_ref), body.note, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/assign", summary="Assign someone (supervisors)", tags=["complaint"])
def assign(case_ref: CaseRef, body: AssignIn) -> CaseDetail:
    caller = _caller("supervisor")
    return _worked(caller, staff.assign(caller, _case(caller, case_ref), body.assignee, body.note, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/progress", summary="In progress, with a note for the citizen",
             tags=["complaint"])
def progress(case_ref: CaseRef, body: ProgressIn) -> CaseDetail:
    caller = _caller("officer")
    return _worked(caller, staff.progress(caller, _case(caller, case_ref), body.note, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/forward",
             summary="Forward to another department, or (supervisors) another agency, with a reason", tags=["complaint"])
def forward(case_ref: CaseRef, body: ForwardIn) -> CaseDetail:
    caller = _caller("supervisor" if body.agency else "officer")
    case = _case(caller, case_ref)
    if body.agency:
        return _worked(caller, staff.forward_agency(caller, case, body.agency, body.reason, thai.now()))
    return _worked(caller, staff.forward(caller, case, body.department, body.reason, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/co-assign", summary="Another department works on it too",
             tags=["complaint"])
def co_assign(case_ref: CaseRef, body: CoAssignIn) -> CaseDetail:
    caller = _caller("officer")
    return _worked(caller, staff.co_assign(caller, _case(caller, case_ref), body.department, body.note, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/duplicate",
             summary="A duplicate of another case: its followers move there", tags=["complaint"])
def duplicate(case_ref: CaseRef, body: DuplicateIn) -> CaseDetail:
    caller = _caller("officer")
    return _worked(caller, staff.duplicate(caller, _case(caller, case_ref), body.of, body.note, thai.now()))


@router.post("/agency/complaint/cases/<case_ref>/resolve", summary="Resolved, with the 'after' photo",
             tags=["complaint"])
def resolve(case_ref: CaseRef, body: ResolveIn) -> CaseDetail:
    caller = _caller("officer")
    case = _case(caller, case_ref)
    rules.next_status("resolve", case.status)
    return _worked(caller, staff.resolve(caller, case, body.note, staff.after_photo(body.photo), thai.now(),
                                         _base_url()))


@router.post("/agency/complaint/cases/<case_ref>/reject", summary="Not our responsibility, with the reason (supervisors)",
             tags=["complaint"])
def reject(case_ref: CaseRef, body: RejectIn) -> CaseDetail:
    caller = _caller("supervisor")
    return _worked(caller, staff.reject(caller, _case(caller, case_ref), body.reason, thai.now()))


@router.get("/agency/complaint/figures", summary="Cases by status, category and area; times, SLA, reopens, ratings",
            tags=["complaint"])
def figures(days: Annotated[int, Query(ge=1, le=366, description="days of by_day, ending today")] = 30) -> Figures:
    caller = _caller("officer")
    return Figures(**staff.figures_of(caller.agency_id, thai.now().date(), days))
