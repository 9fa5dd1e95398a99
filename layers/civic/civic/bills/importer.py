"""Importing an agency's file (accounts, bills or payments) from the imports bucket, in bounded pieces.

An upload to `imports/<agency>/<kind>/<name>.csv` (by staff through the agency API, or straight into the
bucket) sends S3's ObjectCreated event to the import function, which opens a batch and enqueues the first
segment. Segments read the file as a stream, SEGMENT_BYTES at a time; chunks of CHUNK_ROWS rows are written
side by side. Memory holds one segment, never the file. The batch id comes from the object (key and ETag),
so an event S3 delivers twice opens one batch; the same file uploaded again opens another batch whose bills
are already there: they are "unchanged" and nobody is told twice (docs/bills.md).
"""

import hashlib
import json
import time
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from civic.aws import client
from civic.bills import csvrows, notify, rules, thaiqr, work
from civic.tables import bill_accounts, bill_agencies, bill_jobs, bill_links, bills
from civic.tables.bills import Bill

logger = Logger(child=True)
PREFIX = "imports/"


def object_key(agency_id: str, kind: str, name: str) -> str:
    return f"{PREFIX}{agency_id}/{kind}/{name}"


def batch_id(key: str, etag: str) -> str:
    return "B" + hashlib.sha256(f"{key}|{etag}".encode()).hexdigest()[:15].upper()


def _parts(key: str) -> list[str] | None:
    parts = key.split("/")
    if len(parts) != 4 or parts[0] != PREFIX.rstrip("/") or parts[2] not in csvrows.KINDS or not parts[3]:
        return None
    return parts


def open_batch(bucket: str, key: str, size: int, etag: str, name: str | None = None):
    """The batch of a stored object, opened as `received` (or the one already open: same key and ETag, same id).

    The upload route calls it before answering 202, so the progress link it gives is there at once; the S3
    event then finds it and carries on (on_upload). `name` is the file's name as staff chose it."""
    parts = _parts(key)
    if parts is None:
        raise ValueError(f"{key[:200]!r} is not imports/<agency>/<kind>/<file>")
    job = bill_jobs.create(parts[1], batch_id(key, etag), "batch", "received",
                           {"bucket": bucket, "key": key, "kind": parts[2], "size": size, "file": name or parts[3]})
    if name and job.details.get("file") != name:
        # S3's event was quicker than the route (it opened the batch under the stored name): give it staff's
        job.update(actions=[bill_jobs.Job.detail.set(json.dumps({**job.details, "file": name}, ensure_ascii=False))])
    return job


def on_upload(bucket: str, key: str, size: int, etag: str) -> str | None:
    """An object arrived: open its batch (or find the one the upload route opened) and enqueue its first segment.
    None when the key is not an import's. Idempotent: an event delivered twice enqueues one segment 0."""
    key = unquote_plus(key)
    parts = _parts(key)
    if parts is None:
        logger.warning("object outside imports/<agency>/<kind>/<file> ignored", extra={"key": key[:200]})
        return None
    agency_id = parts[1]
    job = open_batch(bucket, key, size, etag)
    job_id = job.job_id
    if job.status == "received":
        bill_jobs.move(job, "splitting", ("received",))  # one delivery wins; the others see "splitting"
        job = bill_jobs.find(agency_id, job_id)
    if job.status != "splitting" or job.count("rows") or bill_jobs.mark_of(agency_id, job_id, "seg.0") is not None:
        return job_id  # this very object was seen already
    if bill_agencies.find(agency_id) is None:
        bill_jobs.move(job, "failed", ("splitting",), message=f"agency {agency_id} has no bill settings yet")
        return job_id
    work.enqueue([(job_id, f"{job_id}.seg.0", {"stage": "segment", "agency": agency_id, "batch": job_id,
                                               "start": 0, "line": 1, "chunk": 0, "encoding": None,
                                               "columns": None})])
    return job_id


# ---------------------------------------------------------------- segments

def _read(bucket: str, key: str, start: int, size: int) -> bytes:
    end = min(size, start + work.SEGMENT_BYTES) - 1
    if end < start:
        return b""
    body = client("s3").get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end}")["Body"]
    return b"".join(body.iter_chunks(chunk_size=256 * 1024))


def _chunks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    out, current, size = [], [], 0
    for line, text in lines:
        length = len(text.encode()) + 16
        if current and (len(current) >= work.CHUNK_ROWS or size + length > work.CHUNK_BYTES):
            out.append(current)
            current, size = [], 0
        current.append((line, text))
        size += length
    if current:
        out.append(current)
    return out


def segment(body: dict) -> None:
    agency_id, job_id = body["agency"], body["batch"]
    job = bill_jobs.find(agency_id, job_id)
    if job is None or job.status != "splitting":
        return
    detail = job.details
    data = _read(detail["bucket"], detail["key"], body["start"], detail["size"])
    final = body["start"] + len(data) >= detail["size"]
    try:
        raw_lines, consumed, encoding = csvrows.lines_of(data, body["line"], body["encoding"], final)
        columns = body["columns"]
        decoded, rejects = [], []
        for line, raw in raw_lines:
            try:
                text = csvrows.decode_line(raw, encoding)
            except UnicodeDecodeError:
                rejects.append((line, f"not valid {encoding or 'ASCII'} text (the file was read as "
                                      f"{encoding or 'ASCII'} from its first non-ASCII line)"))
                if columns is None:
                    raise csvrows.FileRefused("line 1 (the header) cannot be read") from None
                continue
            if columns is None:
                columns = csvrows.header(text, detail["kind"])
                continue
            decoded.append((line, text))
    except csvrows.FileRefused as refused:
        bill_jobs.move(job, "failed", ("splitting",), message=str(refused))
        return
    if not raw_lines and not final:
        bill_jobs.move(job, "failed", ("splitting",), message=f"line {body['line']} is too long: is this a CSV file?")
        return
    pieces = _chunks(decoded)
    work.enqueue([(f"{job_id}.c{body['chunk'] + i}", f"{job_id}.c{body['chunk'] + i}",
                   {"stage": "chunk", "agency": agency_id, "batch": job_id, "n": body["chunk"] + i,
                    "kind": detail["kind"], "columns": columns, "lines": piece}) for i, piece in enumerate(pieces)])
    bill_jobs.reject(agency_id, job_id, rejects)
    bill_jobs.mark_once(agency_id, job_id, f"seg.{body['start']}", rows=len(decoded) + len(rejects),
                        rejected=len(rejects))
    next_chunk = body["chunk"] + len(pieces)
    if final:
        if bill_jobs.move(job, "importing", ("splitting",), chunks=next_chunk):
            _maybe_done(agency_id, job_id)
        return
    start = body["start"] + consumed
    work.enqueue([(job_id, f"{job_id}.seg.{start}", {**body, "start": start, "line": raw_lines[-1][0] + 1,
                                                     "chunk": next_chunk, "encoding": encoding,
                                                     "columns": columns})])


# ---------------------------------------------------------------- chunks

def chunk(body: dict) -> None:
    agency_id, job_id, kind = body["agency"], body["batch"], body["kind"]
    job = bill_jobs.find(agency_id, job_id)
    if job is None:
        return
    parsed = csvrows.rows(kind, [tuple(x) for x in body["lines"]], body["columns"])
    done = {"accounts": _accounts, "bills": _bills, "payments": _payments}[kind](agency_id, job_id, parsed)
    bill_jobs.reject(agency_id, job_id, parsed.rejects)
    bill_jobs.mark_once(agency_id, job_id, f"c{body['n']}", keys=done.pop("keys", []), chunks_done=1,
                        rejected=len(parsed.rejects), **done)
    _maybe_done(agency_id, job_id)


def _accounts(agency_id: str, job_id: str, parsed: csvrows.Parsed) -> dict:
    for row in parsed.rows:
        check = csvrows.check_hash(agency_id, row.account, row.id_last4) if row.id_last4 else None
        bill_accounts.upsert(agency_id, row.account, row.address, row.district, row.subdistrict, check)
    return {"imported": len(parsed.rows)}


def _qr(agency, row: csvrows.BillRow) -> str | None:
    """The QR picture's token for a bill, when the agency takes Thai QR payments."""
    if not agency.biller_id or row.amount <= 0:
        return None
    token = uuid.uuid4().hex
    payload = thaiqr.bill_payment(agency.biller_id, row.account, row.period.replace("-", ""), row.amount,
                                  agency.name_en)
    bills.put_qr(agency.agency_id, token, payload, row.due)
    return token


def _bills(agency_id: str, job_id: str, parsed: csvrows.Parsed) -> dict:
    agency = bill_agencies.find(agency_id)
    accounts = bill_accounts.of(agency_id, [r.account for r in parsed.rows])
    ours, unchanged, planned, histories = [], 0, 0, {}
    for row in parsed.rows:
        account = accounts.get(row.account)
        if account is None:
            parsed.rejects.append((row.line, f"unknown account {row.account} (not in the agency's accounts)"))
            continue
        bill = Bill(bills.key(agency_id, row.account), row.period, agency_id=agency_id, account=row.account,
                    usage=str(row.usage), amount=str(row.amount), due=row.due.isoformat(), unit=row.unit or None,
                    status="unpaid", batch_id=job_id, line=row.line,
                    due_key=bills.due_key(agency_id, row.due, row.account), expires_at=bills.expires(row.due))
        bill.qr = _qr(agency, row)
        there = bills.put_new(bill)
        if there is not None:
            if there.batch_id == job_id:
                parsed.rejects.append((row.line, f"duplicate of line {there.line}"))
            elif row.same_bill(Decimal(there.amount), Decimal(there.usage), date.fromisoformat(there.due)):
                unchanged += 1  # imported before, in batch there.batch_id: nobody is told again
            else:
                parsed.rejects.append((row.line, f"a different bill for {row.account} {row.period} was imported "
                                                 f"already (batch {there.batch_id}, line {there.line})"))
            continue
        # several months of one account in one file: each row builds on the one before
        histories[row.account] = rules.with_month(histories.get(row.account, account.usage_history), row.period,
                                                  row.usage)
        bill_accounts.record_bill(agency_id, row.account, row.period, str(row.amount), histories[row.account])
        ours.append([row.account, row.period])
        planned += len(bill_links.linked_users(agency_id, row.account))
    parsed.rejects.sort()
    return {"keys": ours, "imported": len(ours), "unchanged": unchanged, "planned": planned}


def _payments(agency_id: str, job_id: str, parsed: csvrows.Parsed) -> dict:
    paid = 0
    for row in parsed.rows:
        at = time.mktime(row.paid.timetuple()) if row.paid else time.time()
        if bills.mark_paid(agency_id, row.account, row.period, at) is None:
            parsed.rejects.append((row.line, f"no bill for account {row.account} {row.period}"))
        else:
            paid += 1
    return {"paid": paid}


def _maybe_done(agency_id: str, job_id: str) -> None:
    """When the last chunk is in: the batch is imported (and its citizens notified, if the agency says so)."""
    job = bill_jobs.find(agency_id, job_id)
    if job is None or job.status != "importing" or job.count("chunks_done") < int(job.chunks or 0):
        return
    kind = job.details.get("kind")
    if not bill_jobs.move(job, "imported" if kind == "bills" else "done", ("importing",)):
        return
    agency = bill_agencies.find(agency_id)
    if kind == "bills" and agency is not None and agency.auto_notify:
        notify.start(bill_jobs.find(agency_id, job_id))


def fresh_name(kind: str) -> str:
    """A server-made file name for an upload through the API (staff's own name is kept in the batch)."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.csv"

