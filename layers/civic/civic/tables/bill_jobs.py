"""BillJobs: an agency's fan-outs — bill batches (a file imported, then its citizens notified) and notices (to
areas and topics) — with their progress, results and the marks that make each piece happen once.

Items (hash pk = `<agency>#<job id>`, range sk):
- `@`: the job. kind (batch | notice), status, counters (rows, imported, unchanged, rejected, chunks, …),
  created_at; a batch's file (key, kind, encoding, columns); a notice's text, topic, areas, age groups,
  send_at. list_key = `<agency>#<kind>` (index `listing`, newest first); schedule_key = `<agency>#scheduled`
  while a notice waits for its time (sparse index `scheduled`).
- `reject#<line>`: a row not imported and why (the batch's report).
- `mark#<piece>`: a piece done (a chunk imported, a page of a notice's recipients sent): its counters are
  added once, whatever retries follow. A chunk's mark keeps the bills it wrote, for the notify stage.
No LINE ids. Kept BILL_JOB_DAYS (TTL).
"""

import json
import time

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import GlobalSecondaryIndex, KeysOnlyProjection

from civic.aws import client
from civic.settings import setting, settings
from civic.tables.base import CivicModel

TABLE, OWNER = "BillJobsTable", "agency"
HEADER = "@"
COUNTERS = ("rows", "imported", "unchanged", "rejected", "paid", "chunks_done", "planned", "skipped_unlinked",
            "queued", "skipped_no_consent", "blocked", "opted_out", "pages_done", "areas_counted", "areas_sent", "requests")


class Listing(GlobalSecondaryIndex):
    class Meta:
        index_name = "listing"
        projection = KeysOnlyProjection()

    list_key = UnicodeAttribute(hash_key=True)
    created_at = NumberAttribute(range_key=True)


class Scheduled(GlobalSecondaryIndex):
    class Meta:
        index_name = "scheduled"
        projection = KeysOnlyProjection()

    schedule_key = UnicodeAttribute(hash_key=True)
    send_at = NumberAttribute(range_key=True)


class Job(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bill_jobs_table")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    agency_id = UnicodeAttribute()
    job_id = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    detail = UnicodeAttribute(null=True)   # JSON: the file or the notice, as staff gave it
    message = UnicodeAttribute(null=True)  # what staff are told (why a job is held or failed)
    created_at = NumberAttribute(null=True)
    send_at = NumberAttribute(null=True)
    chunks = NumberAttribute(null=True)    # pieces in all, once the file is split
    reason = UnicodeAttribute(null=True)   # reject items: why the row was not imported
    line = NumberAttribute(null=True)
    keys = UnicodeAttribute(null=True)     # mark items: JSON of what the piece wrote
    list_key = UnicodeAttribute(null=True)
    schedule_key = UnicodeAttribute(null=True)
    listing = Listing()
    scheduled = Scheduled()
    # counters (see COUNTERS), all numbers
    rows = NumberAttribute(null=True)
    imported = NumberAttribute(null=True)
    unchanged = NumberAttribute(null=True)
    rejected = NumberAttribute(null=True)
    paid = NumberAttribute(null=True)
    chunks_done = NumberAttribute(null=True)
    planned = NumberAttribute(null=True)
    skipped_unlinked = NumberAttribute(null=True)
    queued = NumberAttribute(null=True)
    skipped_no_consent = NumberAttribute(null=True)
    blocked = NumberAttribute(null=True)
    opted_out = NumberAttribute(null=True)
    pages_done = NumberAttribute(null=True)
    areas_counted = NumberAttribute(null=True)
    areas_sent = NumberAttribute(null=True)
    requests = NumberAttribute(null=True)

    @property
    def details(self) -> dict:
        return json.loads(self.detail) if self.detail else {}

    def count(self, name: str) -> int:
        return int(getattr(self, name) or 0)


def key(agency_id: str, job_id: str) -> str:
    return f"{agency_id}#{job_id}"


def _expires() -> int:
    return int(time.time() + settings().bill_job_days * 86400)


def create(agency_id: str, job_id: str, kind: str, status: str, detail: dict, send_at: float | None = None) -> Job:
    """A new job; an existing one of that id is left as it is and returned (an S3 event delivered twice)."""
    job = Job(key(agency_id, job_id), HEADER, agency_id=agency_id, job_id=job_id, kind=kind, status=status,
              detail=json.dumps(detail, ensure_ascii=False), created_at=time.time(), list_key=f"{agency_id}#{kind}",
              send_at=send_at, expires_at=_expires())
    if status == "scheduled":
        job.schedule_key = f"{agency_id}#scheduled"
    try:
        job.save(condition=Job.pk.does_not_exist())
    except PutError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return find(agency_id, job_id)
    return job


def find(agency_id: str, job_id: str) -> Job | None:
    try:
        job = Job.get(key(agency_id, job_id), HEADER, consistent_read=True)
    except Job.DoesNotExist:
        return None
    return job if job.alive() else None


def of_agency(agency_id: str, kind: str, limit: int = 50) -> list[Job]:
    keys = [(j.pk, j.sk) for j in Job.listing.query(f"{agency_id}#{kind}", scan_index_forward=False, limit=limit)]
    return sorted((j for j in Job.batch_get(keys) if j.alive()), key=lambda j: -j.created_at) if keys else []


def scheduled_before(agency_id: str, at: float) -> list[Job]:
    keys = [(j.pk, j.sk) for j in Job.scheduled.query(f"{agency_id}#scheduled", Job.send_at <= at)]
    return [j for j in Job.batch_get(keys) if j.alive()] if keys else []


def move(job: Job, to: str, from_statuses: tuple[str, ...], message: str | None = None, **fields) -> bool:
    """Change a job's status if it is in one of `from_statuses` (one caller wins a race); True if moved."""
    actions = [Job.status.set(to), Job.message.set(message)]
    if to != "scheduled":
        actions.append(Job.schedule_key.remove())
    for name, value in fields.items():
        actions.append(getattr(Job, name).set(value))
    condition = Job.status.is_in(*from_statuses)
    try:
        job.update(actions=actions, condition=condition)
        return True
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False


def add(agency_id: str, job_id: str, **counts: int) -> Job:
    """Add to a job's counters; returns the job as it now is."""
    actions = [getattr(Job, name).add(value) for name, value in counts.items() if value]
    job = Job(key(agency_id, job_id), HEADER)
    if actions:
        job.update(actions=actions)
    return find(agency_id, job_id)


def mark_once(agency_id: str, job_id: str, piece: str, keys: list | None = None, **counts: int) -> bool:
    """Mark a piece done and add its counts to the job, in one transaction, once: False when it was already
    marked (a retried message), and nothing is added again."""
    names, values, parts = {}, {}, []
    for n, (name, value) in enumerate((k, v) for k, v in counts.items() if v):
        names[f"#c{n}"], values[f":c{n}"] = name, {"N": str(value)}
        parts.append(f"#c{n} :c{n}")
    mark = {"Put": {"TableName": Job.Meta.table_name, "ConditionExpression": "attribute_not_exists(pk)",
                    "Item": {"pk": {"S": key(agency_id, job_id)}, "sk": {"S": f"mark#{piece}"},
                             "agency_id": {"S": agency_id}, "keys": {"S": json.dumps(keys or [])},
                             "expires_at": {"N": str(_expires())}}}}
    dynamodb = client("dynamodb")
    try:
        header = {"Update": {"TableName": Job.Meta.table_name,
                             "Key": {"pk": {"S": key(agency_id, job_id)}, "sk": {"S": HEADER}},
                             "UpdateExpression": "ADD " + ", ".join(parts), "ExpressionAttributeNames": names,
                             "ExpressionAttributeValues": values}}
        dynamodb.transact_write_items(TransactItems=[mark, header] if parts else [mark])
        return True
    except dynamodb.exceptions.TransactionCanceledException as exc:
        reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return False
        raise


def mark_of(agency_id: str, job_id: str, piece: str) -> list | None:
    try:
        return json.loads(Job.get(key(agency_id, job_id), f"mark#{piece}", consistent_read=True).keys or "[]")
    except Job.DoesNotExist:
        return None


def reject(agency_id: str, job_id: str, rejects: list[tuple[int, str]]) -> None:
    """The rows not imported, each under its line (written again on a retry: the same items)."""
    with Job.batch_write() as batch:
        for line, reason in rejects:
            batch.save(Job(key(agency_id, job_id), f"reject#{line:010d}", agency_id=agency_id, line=line,
                           reason=reason[:300], expires_at=_expires()))


def rejects(agency_id: str, job_id: str, after_line: int = 0, limit: int = 1000) -> list[tuple[int, str]]:
    found = Job.query(key(agency_id, job_id), Job.sk.between(f"reject#{after_line + 1:010d}", "reject#9999999999"),
                      limit=limit)
    return [(int(j.line), j.reason) for j in found]
