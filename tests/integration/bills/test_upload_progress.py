"""The progress link an upload answers with reads at once: the upload route opens the batch before its 202,
and the S3-triggered importer carries on with that very batch (same id), idempotently."""

import threading
from contextlib import contextmanager

from civic.bills import importer
from civic.settings import settings

from .conftest import AGENCY, batch, csv_bytes, fresh_accounts, staff


@contextmanager
def s3_events_held(dev):
    """S3's notifications to the importer wait until the block ends (as when S3 is slow to tell Lambda)."""
    events, go = dev.stack.s3_events, threading.Event()
    invoke = events._invoke

    def held(function_id, event):
        go.wait()
        return invoke(function_id, event)

    events._invoke = held
    try:
        yield
    finally:
        events._invoke = invoke
        go.set()


def test_the_progress_link_reads_at_once_and_then_shows_the_counts(dev):
    """GIVEN two fresh accounts and the S3 event held back WHEN a bills file (one good row, one bad) is uploaded
    through the API and its progress link is read at once THEN 200 with status received, the file's own name,
    no counts yet, and the batch is listed; WHEN the S3 event reaches the importer and the work drains THEN
    the same batch shows 2 rows, 1 imported, 1 rejected with its line, and ends notified."""
    numbers = fresh_accounts(dev, 2)
    data = csv_bytes([[numbers[0], "2026-12", 7, "70.00", "2026-12-20"], [numbers[1], "2026-12", 8, "-1", "2026-12-20"]],
                     header="account,period,usage,amount,due_date")
    with s3_events_held(dev):
        status, answer = staff(dev, "POST", "/agency/bill/imports/bills?name=%E0%B8%9A%E0%B8%B4%E0%B8%A5.csv", data,
                               content_type="text/csv")
        assert status == 202, answer
        status, early = staff(dev, "GET", answer["progress"], role="officer")
        assert status == 200, early
        assert (early["batch_id"], early["status"], early["file"]) == (answer["batch_id"], "received", "บิล.csv")
        assert (early["rows"], early["imported"], early["rejected"]) == (0, 0, 0)
        status, listed = staff(dev, "GET", "/agency/bill/batches", role="officer")
        assert answer["batch_id"] in [b["batch_id"] for b in listed]

    done = batch(dev, answer["batch_id"], "notified")
    dev.stack.drain()
    assert (done["rows"], done["imported"], done["rejected"]) == (2, 1, 1)
    status, rejects = staff(dev, "GET", f"/agency/bill/batches/{answer['batch_id']}/rejects", role="officer")
    assert status == 200 and [r["line"] for r in rejects] == [3]


def test_the_s3_event_delivered_again_continues_the_same_batch_once(dev):
    """GIVEN a file uploaded through the API, its batch done WHEN S3's event for that object is delivered again
    THEN it returns the same batch id and nothing is imported or counted again."""
    numbers = fresh_accounts(dev, 1)
    data = csv_bytes([[numbers[0], "2026-12", 9, "90.00", "2026-12-20"]], header="account,period,usage,amount,due_date")
    status, answer = staff(dev, "POST", "/agency/bill/imports/bills", data, content_type="text/csv")
    assert status == 202, answer
    first = batch(dev, answer["batch_id"], "notified")
    dev.stack.drain()

    again = importer.on_upload(settings().imports_bucket, answer["key"], len(data), _etag(answer["key"]))
    dev.stack.drain()
    assert again == answer["batch_id"]
    status, after = staff(dev, "GET", answer["progress"], role="officer")
    assert status == 200
    assert (after["status"], after["rows"], after["imported"]) == ("notified", first["rows"], first["imported"])
    assert after["rows"] == 1 and AGENCY in answer["key"]


def _etag(key: str) -> str:
    import boto3

    return boto3.client("s3").head_object(Bucket=settings().imports_bucket, Key=key)["ETag"].strip('"')


def test_when_s3s_event_is_quicker_than_the_route_the_batch_is_one_and_keeps_staffs_file_name(dev):
    """GIVEN a file stored under imports/ whose S3 event opened its batch first (under the stored name) WHEN the
    upload route then opens the batch for that object with staff's file name THEN it is the same batch (same
    id), it carries staff's name, and it is imported once."""
    import boto3

    numbers = fresh_accounts(dev, 1)
    data = csv_bytes([[numbers[0], "2026-12", 6, "60.00", "2026-12-20"]], header="account,period,usage,amount,due_date")
    key = importer.object_key(AGENCY, "bills", importer.fresh_name("bills"))
    etag = boto3.client("s3").put_object(Bucket=settings().imports_bucket, Key=key, Body=data)["ETag"].strip('"')
    first = batch(dev, importer.batch_id(key, etag), "notified")
    assert first["file"] == key.rsplit("/", 1)[1]

    job = importer.open_batch(settings().imports_bucket, key, len(data), etag, "บิลของฉัน.csv")
    assert job.job_id == first["batch_id"] and job.status == "notified"
    status, after = staff(dev, "GET", f"/agency/bill/batches/{job.job_id}", role="officer")
    assert status == 200 and (after["file"], after["rows"], after["imported"]) == ("บิลของฉัน.csv", 1, 1)
