"""Agency API routes for bills and notices, under /agency/bill/: the agency's bill settings, its accounts, file
imports (a presigned upload, or a small CSV in the body) with their progress and line-by-line report, bills
marked paid, and area notices (compose → preview → send now or at a time → results).

Every key is built from the agency in the caller's token: another agency's batch, notice or account answers
404. Roles: officers read and mark paid; supervisors import and send notices; admins set the settings.
"""

import base64
import time
from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field, field_validator

from civic.agency import identity
from civic.aws import client
from civic.bills import csvrows, importer, notices, notify, rules, thaiqr
from civic.settings import settings
from civic.tables import bill_accounts, bill_agencies, bill_jobs, bills, deliveries

router = APIGatewayHttpRouter()
AccountNo = Annotated[str, Path(pattern=r"^[0-9A-Za-z-]{4,20}$", description="the number on the paper bill")]
Period = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="billing month, YYYY-MM")]
JobId = Annotated[str, Path(pattern=r"^[BN][0-9A-F]{15}$")]
Kind = Annotated[str, Path(pattern=r"^(accounts|bills|payments)$")]
FileName = Annotated[str | None, Query(max_length=120, pattern=r"^[^/\\\x00-\x1f]+$",
                                       description="the file's name as staff know it, kept in the batch")]
UPLOAD_MINUTES = 15
BODY_CSV_MAX = 5_000_000  # larger files go through the presigned upload


class Settings(BaseModel):
    name_th: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    check: str = Field("last_amount", pattern="^(last_amount|id_last4)$",
                       description="what a citizen types besides the account number when linking")
    biller_id: str | None = Field(None, pattern=r"^\d{15}$", description="Thai QR bill payment: tax id + suffix")
    payment_url: str | None = Field(None, pattern=r"^https://\S+$", max_length=300,
                                    description="the pay button; {account} is replaced by the account number")
    unit_th: str = Field("หน่วย", max_length=10)
    unit_en: str = Field("units", max_length=10)
    leak_factor: float = Field(2.0, ge=1.2, le=20)
    leak_min_increase: float = Field(10, ge=0, le=100000)
    message_price_satang: int = Field(0, ge=0, le=10000, description="what LINE charges the agency per message")
    auto_notify: bool = True
    areas: dict[str, list[str]] = Field(default_factory=dict, description="district → its subdistricts")

    @field_validator("areas")
    @classmethod
    def _areas(cls, areas):
        if len(areas) > 200 or any(len(s) > 200 for s in areas.values()):
            raise ValueError("at most 200 districts of 200 subdistricts")
        for name in [*areas, *(s for subs in areas.values() for s in subs)]:
            if not csvrows.AREA.fullmatch(name) or "|" in name or "#" in name or name == "*":
                raise ValueError(f"{name!r} is not a place name")
        return areas


class AccountIn(BaseModel):
    address: str = Field(min_length=1, max_length=200)
    district: str = Field(min_length=1, max_length=60)
    subdistrict: str = Field(min_length=1, max_length=60)
    id_last4: str | None = Field(None, pattern=r"^\d{4}$")


class AccountOut(BaseModel):
    account: str
    address: str | None
    district: str | None
    subdistrict: str | None
    last_period: str | None
    last_amount: str | None


class UploadIn(BaseModel):
    kind: str = Field(pattern="^(accounts|bills|payments)$")


class UploadOut(BaseModel):
    upload_url: str = Field(description=f"PUT the CSV here within {UPLOAD_MINUTES} minutes")
    key: str
    batch_hint: str = Field(description="the batch appears under /agency/bill/batches once the upload lands")


class BatchOut(BaseModel):
    batch_id: str
    kind: str | None
    file: str | None
    status: str
    message: str | None
    rows: int
    imported: int
    unchanged: int
    rejected: int
    paid: int
    chunks: int | None
    chunks_done: int
    linked_pushes_planned: int
    notified: int
    notify_failed: int
    notify_failed_why: list[str]
    skipped_no_linked_citizen: int
    blocked: int
    created_at: datetime


class Reject(BaseModel):
    line: int
    reason: str


class BillOut(BaseModel):
    account: str
    period: str
    usage: str | None
    amount: str | None
    due: str | None
    status: str | None
    batch_id: str | None
    line: int | None


class Paid(BaseModel):
    paid_at: datetime | None = None


class AreaIn(BaseModel):
    district: str = Field(min_length=1, max_length=60)
    subdistrict: str | None = Field(None, min_length=1, max_length=60, description="none: the whole district")


class NoticeIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    topic: str = Field(pattern="^(" + "|".join(rules.TOPICS) + ")$")
    areas: list[AreaIn] = Field(min_length=1, max_length=50)
    age_groups: list[str] = Field(default_factory=list, max_length=3)

    @field_validator("age_groups")
    @classmethod
    def _ages(cls, groups):
        unknown = set(groups) - set(rules.AGE_GROUPS)
        if unknown:
            raise ValueError(f"unknown age groups {sorted(unknown)}; use {list(rules.AGE_GROUPS)}")
        return groups


class SendIn(BaseModel):
    at: datetime | None = Field(None, description="send at this time (with a zone); none: now")


class NoticeOut(BaseModel):
    notice_id: str
    status: str
    message: str | None
    text: str
    topic: str
    areas: list[AreaIn]
    age_groups: list[str]
    send_at: datetime | None
    preview: dict


def _staff(role: str) -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


def _error(status: int, message: str) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body={"message": message})


@router.exception_handler(notices.NoticeError)
def _refused(exc: notices.NoticeError) -> Response:
    return _error(422, str(exc))


@router.exception_handler(thaiqr.QrError)
def _bad_qr(exc: thaiqr.QrError) -> Response:
    return _error(422, str(exc))


def _agency(caller: identity.Staff):
    agency = bill_agencies.find(caller.agency_id)
    if agency is None:
        raise NotFoundError("the agency has no bill settings: PUT /agency/bill/settings first")
    return agency


def _job(caller: identity.Staff, job_id: str, kind: str):
    job = bill_jobs.find(caller.agency_id, job_id)
    if job is None or job.kind != kind:
        raise NotFoundError(f"no such {kind}")
    return job


# ---------------------------------------------------------------- settings and accounts

@router.get("/agency/bill/settings", summary="The agency's bill settings", tags=["bill"])
def get_settings() -> Settings:
    agency = _agency(_staff("officer"))
    return Settings(**{name: getattr(agency, name) for name in Settings.model_fields if name != "areas"},
                    areas=agency.area_map)


@router.put("/agency/bill/settings", summary="Set the check, the QR biller id, the payment page, the areas",
            tags=["bill"])
def put_settings(body: Settings) -> Settings:
    import json

    caller = _staff("admin")
    fields = body.model_dump()
    fields["areas"] = json.dumps(fields["areas"], ensure_ascii=False)
    bill_agencies.save(caller.agency_id, fields)
    return body


@router.put("/agency/bill/accounts/<account>", summary="Create or change an account", tags=["bill"])
def put_account(account: AccountNo, body: AccountIn) -> AccountOut:
    caller = _staff("supervisor")
    number = csvrows.parse_account(account)
    check = csvrows.check_hash(caller.agency_id, number, body.id_last4) if body.id_last4 else None
    bill_accounts.upsert(caller.agency_id, number, body.address, body.district, body.subdistrict, check)
    return get_account(number)


@router.get("/agency/bill/accounts/<account>", summary="An account", tags=["bill"])
def get_account(account: AccountNo) -> AccountOut:
    caller = _staff("officer")
    found = bill_accounts.find(caller.agency_id, csvrows.parse_account(account))
    if found is None:
        raise NotFoundError("no such account")
    return AccountOut(account=found.account, address=found.address, district=found.district,
                      subdistrict=found.subdistrict, last_period=found.last_period, last_amount=found.last_amount)


@router.get("/agency/bill/accounts/<account>/bills", summary="An account's latest bills", tags=["bill"])
def get_bills(account: AccountNo) -> list[BillOut]:
    caller = _staff("officer")
    return [BillOut(account=b.account, period=b.period, usage=b.usage, amount=b.amount, due=b.due, status=b.status,
                    batch_id=b.batch_id, line=b.line)
            for b in bills.of_account(caller.agency_id, csvrows.parse_account(account), limit=24)]


@router.post("/agency/bill/accounts/<account>/bills/<period>/paid",
             summary="Mark a bill paid: its reminders stop", tags=["bill"])
def mark_paid(account: AccountNo, period: Period, body: Paid) -> BillOut:
    caller = _staff("officer")
    at = body.paid_at.timestamp() if body.paid_at else time.time()
    bill = bills.mark_paid(caller.agency_id, csvrows.parse_account(account), period, at)
    if bill is None:
        raise NotFoundError("no such bill")
    bill = bills.find(caller.agency_id, bill.account, period)
    return BillOut(account=bill.account, period=bill.period, usage=bill.usage, amount=bill.amount, due=bill.due,
                   status=bill.status, batch_id=bill.batch_id, line=bill.line)


# ---------------------------------------------------------------- imports and batches

@router.post("/agency/bill/uploads", summary="A link to upload a CSV file (accounts, bills or payments) to",
             tags=["bill"])
def new_upload(body: UploadIn) -> UploadOut:
    caller = _staff("supervisor")
    _agency(caller)
    key = importer.object_key(caller.agency_id, body.kind, importer.fresh_name(body.kind))
    url = client("s3").generate_presigned_url("put_object", Params={
        "Bucket": settings().imports_bucket, "Key": key, "ContentType": "text/csv"}, ExpiresIn=UPLOAD_MINUTES * 60)
    return UploadOut(upload_url=url, key=key, batch_hint="GET /agency/bill/batches")


@router.post("/agency/bill/imports/<kind>", summary="Import a small CSV sent as the body (text/csv, ≤ 5 MB)",
             tags=["bill"], responses={202: {"description": "the file is stored; its batch starts"}})
def import_body(kind: Kind, name: FileName = None):
    caller = _staff("supervisor")
    _agency(caller)
    event = router.current_event
    # API Gateway passes a text body as text and anything else (bytes that are not UTF-8: TIS-620) in base64
    body = base64.b64decode(event.body or "") if event.is_base64_encoded else (event.body or "").encode("utf-8")
    if not body:
        raise ServiceError(400, "the body is empty: send the CSV file as the body")
    if len(body) > BODY_CSV_MAX:
        raise ServiceError(413, "larger than 5 MB: ask POST /agency/bill/uploads for an upload link")
    key = importer.object_key(caller.agency_id, kind, importer.fresh_name(kind))
    answer = client("s3").put_object(Bucket=settings().imports_bucket, Key=key, Body=body, ContentType="text/csv")
    # the batch is opened here, before the answer, so its progress link reads at once (status "received");
    # the S3 event then finds it by the same id and carries on
    job_id = importer.open_batch(settings().imports_bucket, key, len(body), answer["ETag"].strip('"'), name).job_id
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON,
                    body={"batch_id": job_id, "key": key, "progress": f"/agency/bill/batches/{job_id}"})


def _batch_out(job) -> BatchOut:
    detail = job.details
    results = deliveries.tally(notify.tally_key(job.agency_id, job.job_id))
    return BatchOut(batch_id=job.job_id, kind=detail.get("kind"), file=detail.get("file"), status=job.status,
                    message=job.message, rows=job.count("rows"), imported=job.count("imported"),
                    unchanged=job.count("unchanged"), rejected=job.count("rejected"), paid=job.count("paid"),
                    chunks=int(job.chunks) if job.chunks is not None else None, chunks_done=job.count("chunks_done"),
                    linked_pushes_planned=job.count("planned"), notified=results["delivered"],
                    notify_failed=results["undeliverable"], notify_failed_why=results["reasons"],
                    skipped_no_linked_citizen=job.count("skipped_unlinked"), blocked=job.count("blocked"),
                    created_at=datetime.fromtimestamp(job.created_at).astimezone())


@router.get("/agency/bill/batches", summary="The agency's latest batches", tags=["bill"])
def list_batches() -> list[BatchOut]:
    caller = _staff("officer")
    return [_batch_out(j) for j in bill_jobs.of_agency(caller.agency_id, "batch")]


@router.get("/agency/bill/batches/<batch_id>", summary="A batch: progress and results", tags=["bill"])
def get_batch(batch_id: JobId) -> BatchOut:
    return _batch_out(_job(_staff("officer"), batch_id, "batch"))


@router.get("/agency/bill/batches/<batch_id>/rejects", summary="The rows not imported, by line, with the reason",
            tags=["bill"])
def get_rejects(batch_id: JobId, after_line: Annotated[int, Query(ge=0)] = 0,
                limit: Annotated[int, Query(ge=1, le=5000)] = 1000) -> list[Reject]:
    caller = _staff("officer")
    _job(caller, batch_id, "batch")
    return [Reject(line=line, reason=reason)
            for line, reason in bill_jobs.rejects(caller.agency_id, batch_id, after_line, limit)]


@router.post("/agency/bill/batches/<batch_id>/notify",
             summary="Notify a batch's citizens now (a batch held for the quota, or auto-notify off)", tags=["bill"])
def notify_batch(batch_id: JobId) -> BatchOut:
    caller = _staff("supervisor")
    job = _job(caller, batch_id, "batch")
    if job.status not in ("imported", "held_quota"):
        raise ServiceError(409, f"the batch is {job.status}: only an imported or held batch can be notified")
    notify.start(job)
    return _batch_out(bill_jobs.find(caller.agency_id, batch_id))


# ---------------------------------------------------------------- notices

def _notice_out(job) -> NoticeOut:
    detail = job.details
    return NoticeOut(notice_id=job.job_id, status=job.status, message=job.message, text=detail["text"],
                     topic=detail["topic"], areas=[AreaIn(**a) for a in detail["areas"]],
                     age_groups=detail.get("age_groups") or [],
                     send_at=datetime.fromtimestamp(job.send_at).astimezone() if job.send_at else None,
                     preview=notices.summary(job))


@router.post("/agency/bill/notices", summary="Compose a notice: its recipients are counted (the preview)",
             tags=["bill"])
def post_notice(body: NoticeIn) -> NoticeOut:
    caller = _staff("supervisor")
    job = notices.compose(caller.agency_id, body.text, body.topic, [a.model_dump() for a in body.areas],
                          body.age_groups)
    return _notice_out(job)


@router.get("/agency/bill/notices", summary="The agency's latest notices", tags=["bill"])
def list_notices() -> list[NoticeOut]:
    caller = _staff("officer")
    return [_notice_out(j) for j in bill_jobs.of_agency(caller.agency_id, "notice")]


@router.get("/agency/bill/notices/<notice_id>", summary="A notice: its preview, progress and results",
            tags=["bill"])
def get_notice(notice_id: JobId) -> NoticeOut:
    return _notice_out(_job(_staff("officer"), notice_id, "notice"))


@router.post("/agency/bill/notices/<notice_id>/send", summary="Send a counted notice now, or at a time",
             tags=["bill"])
def send_notice(notice_id: JobId, body: SendIn) -> NoticeOut:
    caller = _staff("supervisor")
    _job(caller, notice_id, "notice")
    return _notice_out(notices.send(caller.agency_id, notice_id, body.at.timestamp() if body.at else None))

