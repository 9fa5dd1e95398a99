"""Bills on the local stack: the template's functions, queues, tables and imports bucket (with its S3 event
notifications), the fake LINE platform, and the demo data (the demo municipality's and other-city's accounts)."""

import json
import urllib.request
from pathlib import Path

import pytest

from infra.local.devstack import dev_stack
from tests.citizen import Citizen, eventually

DEMO = Path(__file__).resolve().parents[3] / "infra" / "local" / "demo"
AGENCY = "demo-municipality"


@pytest.fixture(scope="module")
def dev():
    # Visibility scaled (180 s → 3.6 s) so retries happen within a test; LINE's retry base shortened.
    stack = dev_stack(env={"LINE_RETRY_BASE_S": "1"}, visibility_scale=0.02)
    yield stack
    stack.stop()


@pytest.fixture
def line(dev):
    dev.line.clear_faults()
    dev.line.unlimit()
    yield dev.line
    dev.line.clear_faults()
    dev.line.unlimit()


def staff(dev, method: str, path: str, body=None, role: str = "supervisor", agency: str = AGENCY,
          content_type: str = "application/json") -> tuple[int, dict | list]:
    """One agency API call with a staff token of that agency and role."""
    data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(f"{dev.url}{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {dev.stack.issue_token(agency, role)}", "content-type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def upload(dev, name: str, kind: str = "bills", agency: str = AGENCY, data: bytes | None = None) -> str:
    """Import a file through the API (the body); returns its batch id."""
    status, answer = staff(dev, "POST", f"/agency/bill/imports/{kind}", data or (DEMO / name).read_bytes(),
                           agency=agency, content_type="text/csv")
    assert status == 202, answer
    return answer["batch_id"]


def batch(dev, batch_id: str, *statuses: str, agency: str = AGENCY) -> dict:
    """The batch once it reached one of `statuses`."""
    def reached():
        """the batch reached its status"""
        status, found = staff(dev, "GET", f"/agency/bill/batches/{batch_id}", agency=agency, role="officer")
        return found if status == 200 and found["status"] in statuses else None
    return eventually(reached, timeout=90)


def link(citizen: Citizen, account: str, check: str) -> list[dict]:
    """Link an account from the chat: type the keyword, the number, then the check."""
    citizen.say("ผูกบัญชี")
    citizen.say(account)
    return citizen.say(check)


def linked_citizen(dev, account: str, check: str, name: str = "สมหญิง") -> Citizen:
    citizen = Citizen(dev)
    citizen.follow(name)
    citizen.tap("1/ct/consent?v=1")
    (answer,) = link(citizen, account, check)
    assert "ผูกบัญชี" in answer["text"] and account in answer["text"], answer
    return citizen



def csv_bytes(rows: list[list], encoding: str = "utf-8",
              header: str = "account,period,usage,amount,due_date,unit") -> bytes:
    return (header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)).encode(encoding)


def fresh_accounts(dev, n: int, district: str = "เมือง", subdistrict: str = "ในเมือง", agency: str = AGENCY,
                   months: tuple[tuple[str, int], ...] = (("2026-10", 20),)) -> list[str]:
    """n accounts of their own (so tests do not meet), each with bills for `months` (usage) already imported,
    so a citizen can link with the last amount (the usage × 10 baht)."""
    import uuid

    base = uuid.uuid4().int % 10**8
    numbers = [f"9{base + i:09d}" for i in range(n)]
    for number in numbers:
        status, _ = staff(dev, "PUT", f"/agency/bill/accounts/{number}", {
            "address": f"บ้านเลขที่ {number[-3:]}", "district": district, "subdistrict": subdistrict,
            "id_last4": number[-4:]}, agency=agency)
        assert status == 200
    rows = [[number, period, usage, f"{usage * 10}.00", f"{period}-25", "ลบ.ม."]
            for number in numbers for period, usage in months]
    batch(dev, upload(dev, "", data=csv_bytes(rows), agency=agency), "notified", agency=agency)
    return numbers
