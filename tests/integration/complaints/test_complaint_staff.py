"""Staff work a case through the agency API (issue 7): each step lands in the timeline with who and when and is
pushed to the citizen; resolve needs an "after" photo; the citizen confirms or reopens and rates; overdue
cases escalate; duplicates and forwards move the followers; figures count it all."""

import re

from civic import thai
from civic.complaints import sweep
from civic.tables import complaint_cases as cases
from civic.tables import complaint_figures as figures
from infra.local.demo.complaint import SUPERVISOR
from tests.integration.booking.conftest import postbacks, user, words
from tests.integration.complaints.conftest import AGENCY, NORTH, OTHER, after_photo_b64, later, pushes, staff_call


def _filed(desk, **report) -> tuple[str, str]:
    citizen = user()
    receipt = desk.file(citizen, **report)
    desk.drain()
    return citizen, re.search(r"CP-\d{4}-\d{4}", words(receipt)).group(0)


def _work(ref: str, step: str, body=None, role: str = "officer", agency: str = AGENCY):
    return staff_call("POST", f"/agency/complaint/cases/{ref}/{step}", agency=agency, role=role, body=body or {})


def test_each_staff_step_is_in_the_timeline_with_who_and_when_and_pushed_to_the_citizen(desk):
    """GIVEN a filed case WHEN staff accept, assign, note progress, forward to another department and co-assign
    THEN the citizen is pushed once per step with the status, the staff note and the short timeline, and the
    case's timeline names each staff member and the time."""
    citizen, ref = _filed(desk)
    steps = [("accept", {}, "officer", "เจ้าหน้าที่รับเรื่องแล้ว"),
             ("assign", {"assignee": "somchai@demo.example"}, "supervisor", "มีผู้รับผิดชอบแล้ว"),
             ("progress", {"note": "ส่งทีมซ่อมวันพรุ่งนี้"}, "officer", "ส่งทีมซ่อมวันพรุ่งนี้"),
             ("forward", {"department": "disaster", "reason": "ต้นไม้ล้มทับถนน"}, "officer", "งานป้องกันและบรรเทาสาธารณภัย"),
             ("co-assign", {"department": "environment"}, "officer", "หน่วยร่วมดำเนินการ")]
    for step, body, role, expected in steps:
        status, answer = _work(ref, step, body, role)
        assert status == 200, answer
        (push,) = pushes(desk, to=citizen)
        assert expected in words(push.messages) and ref in words(push.messages), step
    timeline = cases.timeline(AGENCY, ref)
    assert [e.action for e in timeline] == ["received", "accept", "assign", "progress", "forward", "co_assign"]
    assert [e.actor_id for e in timeline[1:]] == ["officer-of-demo-municipality", "supervisor-of-demo-municipality",
                                                  "officer-of-demo-municipality", "officer-of-demo-municipality",
                                                  "officer-of-demo-municipality"]
    assert all(abs(e.at - thai.now().timestamp()) < 120 for e in timeline)
    case = cases.find(AGENCY, ref)
    assert (case.department, case.co_departments, case.assignee) == ("disaster", ["environment"], "somchai@demo.example")


def test_resolve_needs_an_after_photo_and_refuses_one_that_is_not_an_image(desk):
    """GIVEN an accepted case WHEN staff resolve it without a photo, or with bytes that are not an image THEN 422
    with the reason and the case stays as it was; with a real photo it is resolved and the citizen gets the
    photo and the question "fixed or not"."""
    import base64

    citizen, ref = _filed(desk)
    _work(ref, "accept")
    assert _work(ref, "resolve", {"note": "ซ่อมแล้ว"})[0] == 422
    fake = base64.b64encode(b"not a picture at all " * 10).decode()
    status, answer = _work(ref, "resolve", {"note": "ซ่อมแล้ว", "photo": fake})
    assert status == 422 and "image" in answer["message"]
    assert cases.find(AGENCY, ref).status == "accepted"
    pushes(desk)
    status, answer = _work(ref, "resolve", {"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    assert status == 200 and answer["status"] == "resolved"
    (push,) = pushes(desk, to=citizen)
    image = push.messages[0]
    assert image["type"] == "image" and f"/media/complaint/{AGENCY}/{ref}/" in image["originalContentUrl"]
    assert {"1/cp/ok?r=" + ref, "1/cp/reopen?r=" + ref} <= set(postbacks(push.messages))


def test_the_citizen_reopens_then_confirms_and_rates_with_a_comment(desk):
    """GIVEN a resolved case WHEN the citizen says "not fixed" THEN it is reopened with a new expected date and the
    reopen counted; resolved again and confirmed, the citizen rates 4 stars with a comment; the figures hold
    one reopen, two resolutions and an average rating of 4."""
    citizen, ref = _filed(desk)
    _work(ref, "resolve", {"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    assert "เปิดเรื่อง" in words(desk.tap(citizen, f"1/cp/reopen?r={ref}"))
    assert desk.say(citizen, "ยังมีหลุมอยู่อีกจุด") and cases.find(AGENCY, ref).status == "reopened"
    _work(ref, "resolve", {"note": "ซ่อมจุดที่สองแล้ว", "photo": after_photo_b64()})
    assert "ให้คะแนน" in words(desk.tap(citizen, f"1/cp/ok?r={ref}"))
    desk.tap(citizen, f"1/cp/rate?r={ref}&s=4")
    assert "บันทึกความเห็น" in words(desk.say(citizen, "เร็วดี ขอบคุณครับ"))
    case = cases.find(AGENCY, ref)
    assert (case.status, case.rating, case.rating_comment, case.reopen_count) == ("closed", 4, "เร็วดี ขอบคุณครับ", 1)
    assert "ไปแล้ว (4 ดาว)" in words(desk.tap(citizen, f"1/cp/rate?r={ref}&s=5"))  # once
    assert cases.find(AGENCY, ref).rating == 4
    status, shown = staff_call("GET", "/agency/complaint/figures")
    assert status == 200
    assert (shown["resolutions"], shown["reopen_rate"], shown["average_rating"]) == (2, 0.5, 4.0)
    assert shown["by_status"]["closed"] == 1 and shown["by_category"]["road"] == {"total": 1, "open": 0}


def test_a_resolved_case_nobody_answers_for_seven_days_is_confirmed_by_the_schedule(desk):
    """GIVEN a resolved case WHEN the schedule runs 7 days later THEN it is closed as confirmed, the citizen is
    told, and a "not fixed" tapped afterwards is answered that it is too late."""
    citizen, ref = _filed(desk)
    _work(ref, "resolve", {"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    pushes(desk)
    assert sweep.run(later(days=6))["confirmed"] == 0
    assert sweep.run(later(days=7, hours=1))["confirmed"] == 1
    assert cases.find(AGENCY, ref).status == "closed"
    (told,) = pushes(desk, to=citizen)
    assert "ปิดเรื่องแล้ว" in words(told.messages)
    assert "ทำรายการนี้ไม่ได้แล้ว" in words(desk.tap(citizen, f"1/cp/reopen?r={ref}"))


def test_an_overdue_case_escalates_once_to_the_supervisor_and_tells_the_citizen(desk):
    """GIVEN a case with a 5-working-day service level WHEN the schedule runs after its expected date THEN the
    supervisor is pushed, the citizen is told it is late and what happens next, the case shows as overdue; the
    next run escalates nothing more."""
    citizen, ref = _filed(desk)
    due = cases.find(AGENCY, ref).due_at
    assert sweep.run(thai.from_epoch(due - 60))["escalated"] == 0
    assert sweep.run(thai.from_epoch(due + 60))["escalated"] == 1
    sent = pushes(desk)
    assert [o.purpose for o in sent if o.to == SUPERVISOR] == ["complaint-escalation"]
    (told,) = [o for o in sent if o.to == citizen]
    assert "เลยกำหนด" in words(told.messages) and "แจ้งหัวหน้างานแล้ว" in words(told.messages)
    assert cases.find(AGENCY, ref).overdue is True
    assert sweep.run(thai.from_epoch(due + 120))["escalated"] == 0


def test_marking_a_duplicate_moves_its_followers_to_the_original(desk):
    """GIVEN two cases of one problem WHEN staff mark the second a duplicate of the first THEN it closes as
    duplicate, its reporter is told the original's reference and now follows the original."""
    first, original = _filed(desk)
    second, copy = _filed(desk, at=(NORTH[0] + 0.01, NORTH[1]))
    status, _ = _work(copy, "duplicate", {"of": original})
    assert status == 200 and cases.find(AGENCY, copy).status == "duplicate"
    (told,) = pushes(desk, to=second)
    assert original in words(told.messages)
    assert [f.ref for f in cases.followed_by(second)] == [original]
    assert _work(original, "duplicate", {"of": original})[0] == 422  # not of itself
    assert _work(copy, "duplicate", {"of": original})[0] == 409     # already closed


def test_forwarding_to_another_agency_makes_a_case_there_and_tells_the_citizen_the_new_reference(desk):
    """GIVEN a case of the demo municipality WHEN its supervisor forwards it to other-city THEN other-city has a
    case of its own (its own reference and routing) the citizen now follows, the citizen is told the new
    reference, the demo case is closed as forwarded; an officer may not do it, and the demo staff cannot open
    other-city's case."""
    citizen, ref = _filed(desk)
    assert _work(ref, "forward", {"agency": OTHER, "reason": "อยู่ในเขตเมืองอื่น"})[0] == 403
    status, answer = _work(ref, "forward", {"agency": OTHER, "reason": "อยู่ในเขตเมืองอื่น"}, role="supervisor")
    assert status == 200 and answer["status"] == "forwarded"
    moved = answer["forwarded_to"]["ref"]
    there = cases.find(OTHER, moved)
    assert there.forwarded_from == {"agency": AGENCY, "ref": ref} and there.status == "received"
    assert [(f.agency_id, f.ref) for f in cases.followed_by(citizen)] == [(OTHER, moved)]
    (told,) = pushes(desk, to=citizen)
    assert moved in words(told.messages)
    assert moved.endswith("-0001") and moved == ref  # each agency numbers its own: the same reference, not the same case
    assert staff_call("GET", f"/agency/complaint/cases/{moved}")[1]["status"] == "forwarded"
    assert staff_call("GET", f"/agency/complaint/cases/{moved}", agency=OTHER)[0] == 200


def test_staff_list_cases_by_filters_with_pages_and_read_a_case_with_photo_links(desk):
    """GIVEN three cases (two road, one waste) WHEN an officer lists road cases two per page THEN two pages, newest
    first; the waste filter finds one; a case's detail has its timeline and a presigned photo link."""
    from tests import images

    refs = [_filed(desk, category=c, photo=images.jpeg())[1] for c in ("road", "waste", "road")]
    status, page = staff_call("GET", "/agency/complaint/cases", query={"category": "road", "limit": "1"})
    assert status == 200 and [c["ref"] for c in page["cases"]] == [refs[2]] and page["next"]
    status, more = staff_call("GET", "/agency/complaint/cases", query={"category": "road", "limit": "1",
                                                                      "cursor": page["next"]})
    assert [c["ref"] for c in more["cases"]] == [refs[0]]
    assert [c["ref"] for c in staff_call("GET", "/agency/complaint/cases", query={"category": "waste"})[1]["cases"]] == [refs[1]]
    status, detail = staff_call("GET", f"/agency/complaint/cases/{refs[0]}")
    assert status == 200 and detail["timeline"][0]["action"] == "received"
    assert detail["photos"][0]["url"].startswith("https://") and "X-Amz-Signature" in detail["photos"][0]["url"]


def test_only_supervisors_see_who_reported_a_case(desk):
    """GIVEN a case WHEN an officer asks for the reporter THEN 403; a supervisor gets the reporter's LINE id."""
    citizen, ref = _filed(desk)
    assert staff_call("GET", f"/agency/complaint/cases/{ref}/reporter")[0] == 403
    status, found = staff_call("GET", f"/agency/complaint/cases/{ref}/reporter", role="supervisor")
    assert status == 200 and found["line_user_id"] == citizen


def test_a_step_whose_pushes_a_crash_left_unsent_is_pushed_by_the_schedule_once(desk, monkeypatch):
    """GIVEN a step committed but the function dying before its pushes were sent WHEN the schedule runs a minute
    later THEN the citizen gets the push (the same id, so LineSender sends it once); the next run sends nothing."""
    from civic.complaints import notices

    citizen, ref = _filed(desk)
    monkeypatch.setattr(notices, "send_step", lambda case, version: (_ for _ in ()).throw(SystemExit("died")))
    try:
        _work(ref, "accept")
    except SystemExit:
        pass
    monkeypatch.undo()
    assert cases.find(AGENCY, ref).status == "accepted" and pushes(desk, to=citizen) == []
    assert sweep.run(later(hours=0.05))["pushes_resent"] == 1
    (push,) = pushes(desk, to=citizen)
    assert push.id == f"cp.{AGENCY}.{ref}.v2.{notices._short(citizen)}"
    assert sweep.run(later(hours=0.1))["pushes_resent"] == 0


def test_the_sequence_numbers_references_per_agency_and_month(desk):
    """GIVEN both agencies WHEN each gets its first cases THEN each numbers its own from 0001 (the same reference
    may exist in both, each under its own agency)."""
    _, first = _filed(desk)
    _, second = _filed(desk)
    assert first.endswith("-0001") and second.endswith("-0002")
    month = first[3:7]
    assert figures.next_number(OTHER, month) == 1


def test_a_rare_filter_answers_within_its_read_budget_with_a_cursor_and_the_cursors_find_every_match_once(
        desk, monkeypatch):
    """GIVEN one waste case filed before three road cases, and a list allowed one query of two items per request
    WHEN an officer lists waste cases THEN the first answer has read only the two newest (no case yet, a cursor),
    and following the cursors finds the waste case exactly once (a rare filter never reads a month per request)."""
    from civic.complaints import staff

    waste = _filed(desk, category="waste")[1]
    for _ in range(3):
        _filed(desk, category="road")
    monkeypatch.setattr(staff, "READ_BUDGET", 1)
    monkeypatch.setattr(staff, "FILTERED_PAGE", 2)
    status, page = staff_call("GET", "/agency/complaint/cases", query={"category": "waste", "limit": "1"})
    assert status == 200 and page["cases"] == [] and page["next"]
    found, answers = [], 1
    while page["next"]:
        page = staff_call("GET", "/agency/complaint/cases", query={"category": "waste", "limit": "1",
                                                                  "cursor": page["next"]})[1]
        found += [c["ref"] for c in page["cases"]]
        answers += 1
        assert answers < 10
    assert found == [waste]


def test_a_list_by_status_reads_only_that_status_and_only_the_callers_agency(desk, monkeypatch):
    """GIVEN an accepted case filed before three received ones WHEN an officer lists accepted cases, allowed one
    query of one item THEN the first answer is that case (the by-status index reads no received case);
    WHEN the other agency's officer lists accepted cases THEN none."""
    from civic.complaints import staff

    accepted = _filed(desk)[1]
    assert _work(accepted, "accept")[0] == 200
    for _ in range(3):
        _filed(desk)
    monkeypatch.setattr(staff, "READ_BUDGET", 1)
    monkeypatch.setattr(staff, "FILTERED_PAGE", 1)
    status, page = staff_call("GET", "/agency/complaint/cases", query={"status": "accepted", "limit": "1"})
    assert status == 200 and [c["ref"] for c in page["cases"]] == [accepted]
    assert staff_call("GET", "/agency/complaint/cases", agency=OTHER, query={"status": "accepted"})[1]["cases"] == []
