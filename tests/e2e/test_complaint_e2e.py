"""Complaints as a new user would, on the whole local stack (issue 7, "Done when"): signed webhooks → intake →
complaint queue → ComplaintUpdates → outbox → LineSender → the fake LINE (which validates every message and
serves the photo's content); staff over the agency API with a local token; the schedule fired as the local
stack fires it; an Open311 client over HTTP reading JSON and XML with the standard library; open data."""

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from xml.etree import ElementTree

import pytest

from civic.tables import complaint_cases as cases
from infra.local.demo.complaint import OPEN311_KEY, SUPERVISOR
from tests import images
from tests.citizen import Citizen, button, eventually, words

pytestmark = pytest.mark.e2e
AGENCY = "demo-municipality"


@pytest.fixture(scope="module")
def dev():
    from infra.local.devstack import dev_stack

    stack = dev_stack(visibility_scale=0.05)
    yield stack
    stack.stop()


def _http(dev, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(f"{dev.url}{path}", data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("content-type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def _staff(dev, method: str, path: str, body: dict | None = None, role: str = "officer"):
    status, _, token = _http(dev, "GET", f"/_local/token?agency={AGENCY}&role={role}")
    headers = {"authorization": f"Bearer {json.loads(token)['token']}", "content-type": "application/json"}
    status, _, answer = _http(dev, method, path, json.dumps(body).encode() if body is not None else None, headers)
    return status, json.loads(answer)


def _pushed(dev, user: str, seen: int, what: str) -> list[dict]:
    def arrived():
        """the citizen was pushed the step"""
        got = [r for r in dev.line.received(user)[seen:] if r["endpoint"] == "push"]
        return got if what in json.dumps([r["message"] for r in got], ensure_ascii=False) else None
    return eventually(arrived)


def test_a_citizen_reports_staff_work_it_to_a_fix_and_the_citizen_confirms_and_rates(dev):
    """GIVEN a citizen who follows the demo account WHEN they report a road problem with a photo and a place THEN in
    at most 8 steps a receipt with a reference, the department and an expected date; staff see it routed to the
    public works division, accept it, note progress, forward it and resolve it with an "after" photo, and the
    citizen is pushed each step (the photo among them); the citizen says "not fixed", staff resolve again, the
    citizen confirms and rates 5 stars."""
    citizen = Citizen(dev)
    citizen.follow("สมศรี")
    steps = citizen.report(photo=images.jpeg(), words="ถนนหน้าโรงเรียนเป็นหลุมลึก")
    receipt = words(steps[-1])
    assert len(steps) <= 8 and "รับเรื่องแล้ว" in receipt and "กองช่าง" in receipt and "คาดว่าแล้วเสร็จ" in receipt
    ref = re.search(r"CP-\d{4}-\d{4}", receipt).group(0)

    status, page = _staff(dev, "GET", "/agency/complaint/cases?department=public-works")
    assert status == 200 and ref in [c["ref"] for c in page["cases"]]
    for step, body, expected in (("accept", {}, "เจ้าหน้าที่รับเรื่องแล้ว"),
                                 ("progress", {"note": "ทีมช่างจะเข้าซ่อมพรุ่งนี้"}, "ทีมช่างจะเข้าซ่อมพรุ่งนี้"),
                                 ("forward", {"department": "disaster", "reason": "มีต้นไม้ล้มร่วมด้วย"}, "งานป้องกัน")):
        seen = len(dev.line.received(citizen.user))
        status, answer = _staff(dev, "POST", f"/agency/complaint/cases/{ref}/{step}", body)
        assert status == 200, answer
        _pushed(dev, citizen.user, seen, expected)

    seen = len(dev.line.received(citizen.user))
    photo = base64.b64encode(images.jpeg(colour=(30, 150, 60))).decode()
    assert _staff(dev, "POST", f"/agency/complaint/cases/{ref}/resolve", {"note": "ซ่อมเสร็จแล้ว", "photo": photo})[0] == 200
    resolved = _pushed(dev, citizen.user, seen, "แก้ไขแล้วจริง")
    (image,) = [r["message"] for r in resolved if r["message"]["type"] == "image"]
    status, kind, served = _http(dev, "GET", urllib.parse.urlsplit(image["originalContentUrl"]).path)
    assert status == 200 and kind == "image/jpeg" and served[:2] == b"\xff\xd8"

    reopened = citizen.tap(f"1/cp/reopen?r={ref}")
    assert "เปิดเรื่อง" in words(reopened)
    seen = len(dev.line.received(citizen.user))
    assert _staff(dev, "POST", f"/agency/complaint/cases/{ref}/resolve", {"note": "ซ่อมจุดที่เหลือแล้ว", "photo": photo})[0] == 200
    again = _pushed(dev, citizen.user, seen, "แก้ไขแล้วจริง")
    rate = citizen.tap(button([r["message"] for r in again], "1/cp/ok?"))
    citizen.tap(button(rate, "1/cp/rate?"))
    case = cases.find(AGENCY, ref)
    assert (case.status, case.rating, case.reopen_count) == ("closed", 5, 1)


def test_an_overdue_case_escalates_on_the_schedule(dev):
    """GIVEN a filed case whose expected date has passed WHEN the local stack fires the complaint schedule THEN the
    supervisor is pushed the case and the citizen is told it is late and what happens next."""
    citizen = Citizen(dev)
    citizen.follow()
    ref = re.search(r"CP-\d{4}-\d{4}", words(citizen.report(category="light", words="ไฟถนนดับ")[-1])).group(0)
    case = cases.find(AGENCY, ref)
    case.update(actions=[cases.Case.due_at.set(int(case.created_at) - 60)])
    cases.Timer(case.pk, "W#escalate").update(actions=[cases.Timer.fire_at.set(int(case.created_at) - 60)])
    seen = len(dev.line.received(citizen.user))
    assert _http(dev, "POST", "/_local/schedules/ComplaintScheduleFunction/Sweep")[0] == 200
    eventually(lambda: [r for r in dev.line.received(SUPERVISOR) if ref in json.dumps(r["message"], ensure_ascii=False)])
    assert "แจ้งหัวหน้างานแล้ว" in json.dumps([r["message"] for r in _pushed(dev, citizen.user, seen, "เลยกำหนด")],
                                              ensure_ascii=False)


def test_an_open311_client_lists_posts_and_reads_back_and_open_data_shows_no_personal_data(dev):
    """GIVEN the demo's Open311 key WHEN a client lists services, posts a request and reads it back in JSON and in
    XML (parsed with the standard library) THEN the standard's fields; open data (JSON and CSV) shows it without
    the e-mail or phone the client sent."""
    status, kind, body = _http(dev, "GET", "/open311/v2/services.xml")
    root = ElementTree.fromstring(body)
    assert status == 200 and kind.startswith("text/xml") and "road" in [s.findtext("service_code") for s in root]
    form = urllib.parse.urlencode({"api_key": OPEN311_KEY, "service_code": "drain", "lat": "13.7400", "long": "100.5000",
                                   "description": "ท่อระบายน้ำอุดตัน แจ้งโดย 0812345678", "email": "a@b.example"}).encode()
    status, _, body = _http(dev, "POST", "/open311/v2/requests.json", form,
                            {"content-type": "application/x-www-form-urlencoded"})
    assert status == 201
    ref = json.loads(body)[0]["service_request_id"]
    status, _, body = _http(dev, "GET", f"/open311/v2/requests/{ref}.json")
    (request,) = json.loads(body)
    assert request["status"] == "open" and request["expected_datetime"] and request["agency_responsible"] == "กองช่าง"
    status, _, body = _http(dev, "GET", f"/open311/v2/requests/{ref}.xml")
    assert ElementTree.fromstring(body).find("request").findtext("service_request_id") == ref
    for path in ("/open-data/complaints/cases.json", "/open-data/complaints/cases.csv"):
        status, _, body = _http(dev, "GET", path)
        text = body.decode("utf-8-sig")
        assert status == 200 and ref in text and "0812345678" not in text and "a@b.example" not in text
