"""A citizen reports in the chat (issue 7): category → words → photo → place → review → send, the receipt, and
what the draft does with each bad input (RELIABILITY rows 25–28, 31, 32, 44)."""

import re

import boto3

from civic.tables import complaint_cases as cases
from civic.tables import complaint_drafts as drafts
from civic.tables import complaint_figures as figures
from civic.tables import conversations
from tests import images
from tests.integration.booking.conftest import postbacks, user, words
from tests.integration.complaints.conftest import AGENCY, FAR_AWAY, NORTH, send_button


def _only_case(user_id: str):
    (follower,) = cases.followed_by(user_id)
    return cases.find(follower.agency_id, follower.ref)


def _media_objects(prefix: str) -> list[str]:
    from civic.settings import settings

    found = boto3.client("s3").list_objects_v2(Bucket=settings().complaint_media_bucket, Prefix=prefix)
    return [o["Key"] for o in found.get("Contents", [])]


def test_a_citizen_files_a_complaint_with_a_photo_and_a_place_in_six_steps(desk):
    """GIVEN a citizen in the chat WHEN they tap "report", a category, type what is wrong, send a photo, share the
    place and tap "send" (6 steps) THEN the receipt names a reference like CP-6912-0042, the department and an
    expected date; the case is stored routed to the category's department in the area holding the point, with
    the photo re-encoded under the case; the draft is done and the chat's focus released."""
    citizen = user()
    steps = [desk.tap(citizen, "1/cp/start")]
    assert "ถนน/ทางเท้าชำรุด" in words(steps[0])
    steps.append(desk.tap(citizen, "1/cp/cat?c=road"))
    assert "พิมพ์เล่าสั้น ๆ" in words(steps[-1])
    steps.append(desk.say(citizen, "ถนนหน้าบ้านเลขที่ 12 เป็นหลุมลึก"))
    steps.append(desk.photo(citizen, images.jpeg()))
    assert "ได้รับรูปที่ 1 จาก 3" in words(steps[-1])
    steps.append(desk.place(citizen, *NORTH))
    assert "ตรวจสอบก่อนส่งเรื่อง" in words(steps[-1]) and "กองช่าง" in words(steps[-1])
    steps.append(desk.tap(citizen, send_button(steps[-1])))

    receipt = words(steps[-1])
    ref = re.search(r"CP-\d{4}-\d{4}", receipt).group(0)
    assert len(steps) <= 8 and "รับเรื่องแล้ว" in receipt and "กองช่าง" in receipt and "คาดว่าแล้วเสร็จ" in receipt
    case = cases.find(AGENCY, ref)
    assert (case.department, case.area_id, case.status, case.triage_reason) == ("public-works", "north", "received", None)
    assert case.description == "ถนนหน้าบ้านเลขที่ 12 เป็นหลุมลึก" and (case.lat, case.lng) == NORTH
    (photo,) = case.photos
    assert photo["key"].startswith(f"cases/{AGENCY}/{ref}/") and _media_objects("drafts/") == []
    assert images.exif_of(_read(photo["key"])) == {}
    assert drafts.load(citizen, drafts.DRAFT).state == {"id": drafts.load(citizen, drafts.DRAFT).state["id"],
                                                        "submitted": ref}
    assert conversations.focus_of(citizen) is None
    assert figures.counters(AGENCY)["status#received"] == 1


def _read(key: str) -> bytes:
    from civic.complaints import media

    return media.read(key)


def test_a_second_tap_on_send_answers_with_the_same_reference_and_files_nothing_more(desk):
    """GIVEN a sent report WHEN the citizen taps "send" on the same review card again THEN the same receipt with
    the same reference, and there is still one case (rows 6, 22)."""
    citizen = user()
    review = desk.report(citizen)
    first = words(desk.tap(citizen, send_button(review)))
    again = words(desk.tap(citizen, send_button(review)))
    ref = re.search(r"CP-\d{4}-\d{4}", first).group(0)
    assert ref in again and "รับเรื่องแล้ว" in again
    assert len(cases.followed_by(citizen)) == 1


def test_a_photo_over_20_mb_is_refused_kindly_and_the_draft_goes_on(desk):
    """GIVEN a draft WHEN the citizen sends a 20 MB+ photo THEN they are told it is too large, nothing is stored,
    and a real photo after it is taken (row 31)."""
    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=road")
    desk.say(citizen, "ทางเท้าแตก")
    assert "ใหญ่เกิน 20 MB" in words(desk.photo(citizen, images.oversized()))
    assert _media_objects("drafts/") == []
    assert "ได้รับรูปที่ 1" in words(desk.photo(citizen, images.png()))


def test_a_file_that_only_claims_to_be_an_image_is_refused(desk):
    """GIVEN a draft WHEN the citizen sends content that starts like a JPEG but is not one THEN "not a picture
    we can open", nothing stored (row 31)."""
    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=waste")
    desk.say(citizen, "ขยะไม่ได้เก็บสามวัน")
    assert "ไม่ใช่รูปภาพ" in words(desk.photo(citizen, images.pretender()))
    assert drafts.load(citizen, drafts.DRAFT).state["photos"] == [] and _media_objects("drafts/") == []


def test_a_photo_line_no_longer_has_is_unavailable_and_asked_again_without_retrying(desk):
    """GIVEN a draft WHEN LINE answers 404 for the photo's content (expired or unsent) THEN the citizen hears
    "photo unavailable, send it again", the record succeeds (no retry loop), and the draft goes on (row 32)."""
    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=road")
    desk.say(citizen, "ฝาท่อหาย")
    from tests.integration.complaints.conftest import image_event

    answer = desk.ask(image_event(citizen, "gone-from-line"))  # ask() asserts no batch item failed
    assert "ดึงจากไลน์ไม่ได้แล้ว" in words(answer)
    assert drafts.load(citizen, drafts.DRAFT).state["unavailable"] == 1
    assert "ตรวจสอบก่อนส่งเรื่อง" in words(desk.place(citizen, *NORTH))


def test_line_failing_to_give_the_content_is_tried_a_few_times_then_unavailable(desk, monkeypatch):
    """GIVEN LINE's content endpoint answering 500 WHEN a photo arrives THEN it is tried three times, then the
    citizen is asked to send it again; the record does not fail (no endless retry, row 32)."""
    from linebot.v3.messaging import ApiException

    from civic.complaints import desk as complaint_desk

    monkeypatch.setattr(complaint_desk.time, "sleep", lambda s: None)
    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=road")
    desk.say(citizen, "ถนนทรุด")
    tries = []
    store = desk.content

    class Failing(dict):
        def get(self, key, default=None):
            tries.append(key)
            return ApiException(status=500, reason="Internal Server Error")

    desk.content = Failing()
    from civic import line_api
    from tests.integration.complaints.conftest import fake_content

    monkeypatch.setattr(line_api, "content", fake_content(desk.content))
    assert "ดึงจากไลน์ไม่ได้แล้ว" in words(desk.photo(citizen, images.jpeg(), message_id="flaky"))
    assert len(tries) == 3
    desk.content = store


def test_a_place_outside_every_area_goes_to_central_triage_with_a_clear_answer(desk):
    """GIVEN the demo municipality's two zones WHEN a citizen reports from a point outside both THEN the review
    and the receipt say central triage has it and why; the case is with the triage department, no area (row 44)."""
    citizen = user()
    review = desk.report(citizen, at=FAR_AWAY)
    assert "นอกพื้นที่ที่เราดูแล" in words(review)
    receipt = desk.tap(citizen, send_button(review))
    assert "ศูนย์รับเรื่องร้องเรียน" in words(receipt) and "นอกพื้นที่" in words(receipt)
    case = _only_case(citizen)
    assert (case.department, case.area_id, case.triage_reason) == ("central-triage", None, "outside_areas")


def test_an_unknown_category_is_sent_to_central_triage_not_refused(desk):
    """GIVEN a category button for a code the agency does not have (stale or tampered) WHEN tapped and the report
    completed THEN the citizen is told central triage will sort it, and the case is filed there (row 44)."""
    citizen = user()
    assert "ศูนย์รับเรื่องกลาง" in words(desk.tap(citizen, "1/cp/cat?c=ufo-sighting"))
    desk.say(citizen, "มีอะไรแปลก ๆ")
    receipt = desk.tap(citizen, send_button(desk.place(citizen, *NORTH)))
    assert "ไม่ระบุประเภท" in words(receipt)
    case = _only_case(citizen)
    assert (case.category, case.department, case.triage_reason) == (None, "central-triage", "unknown_category")


def test_a_long_thai_description_with_marks_and_emoji_is_kept_exactly(desk):
    """GIVEN 5,000 characters of Thai with stacked marks, emoji with skin tones and joiners WHEN they are the
    description THEN the case holds them unchanged (row 27); injection-looking text is kept as text (row 26)."""
    citizen = user()
    long_words = ("น้ำท่วมขังหน้าบ้าน 👍🏽 👨‍👩‍👧 ผู้สูงอายุเดินไม่ได้ " * 200)[:5000]
    desk.tap(citizen, "1/cp/cat?c=drain")
    desk.say(citizen, long_words)
    desk.say(citizen, "' OR 1=1 -- {\"$ne\": null} #pk = :v OR")
    desk.tap(citizen, send_button(desk.place(citizen, *NORTH)))
    case = _only_case(citizen)
    assert case.description == long_words + "\n' OR 1=1 -- {\"$ne\": null} #pk = :v OR"


def test_an_open_case_of_the_same_kind_within_50_m_is_offered_and_following_it_files_nothing(desk):
    """GIVEN an open road case at a point WHEN another citizen reports a road problem 20 m away THEN the review
    offers that case ("is it this one?"); following it makes them a follower and files no second case. A waste
    report at the same spot, or a road report 120 m away, is offered nothing."""
    first = user()
    desk.file(first)
    (original,) = cases.followed_by(first)
    second = user()
    near = (NORTH[0] + 0.00018, NORTH[1])  # about 20 m north
    review = desk.report(second, at=near)
    offered = [d for d in postbacks(review) if d.startswith("1/cp/dup?")]
    assert offered and original.ref in offered[0] and "ห่างจากจุดของท่าน 20 เมตร" in words(review)
    assert "ติดตามเรื่อง" in words(desk.tap(second, offered[0]))
    assert [f.ref for f in cases.followed_by(second)] == [original.ref]
    assert len(cases.followers(AGENCY, original.ref)) == 2

    other = user()
    assert not [d for d in postbacks(desk.report(other, category="waste", at=near)) if d.startswith("1/cp/dup?")]
    far = user()
    assert not [d for d in postbacks(desk.report(far, at=(NORTH[0] + 0.0011, NORTH[1]))) if d.startswith("1/cp/dup?")]


def test_an_urgent_category_shows_emergency_numbers_and_alerts_the_duty_officer_at_once(desk):
    """GIVEN the urgent "fallen power line" category WHEN a citizen picks it and files THEN the first prompt and
    the receipt show 199 and 1669, and the agency's duty officer is pushed the case at once."""
    from infra.local.demo.complaint import DUTY_OFFICER
    from tests.integration.complaints.conftest import pushes

    citizen = user()
    desk.tap(citizen, "1/cp/start")
    assert "199 (ดับเพลิง)" in words(desk.tap(citizen, "1/cp/cat?c=power-line"))
    desk.say(citizen, "สายไฟขาดห้อยลงมาถึงพื้น มีประกายไฟ")
    receipt = desk.tap(citizen, send_button(desk.place(citizen, *NORTH)))
    assert "199 (ดับเพลิง)" in words(receipt) and "1669" in words(receipt)
    alerts = [o for o in desk.sent if o.to == DUTY_OFFICER and o.purpose == "complaint-duty"]
    assert alerts and _only_case(citizen).ref in words(alerts[0].messages)
    assert pushes(desk, to=DUTY_OFFICER) == []  # sent once, with the receipt


def test_a_draft_button_of_another_draft_and_another_citizens_case_are_refused(desk):
    """GIVEN citizen A's case and an old draft id WHEN citizen B taps "see progress" and "cancel" with A's
    reference, or "send" with a draft id not theirs THEN "this button no longer works", nothing changes (row 25)."""
    a, b = user(), user()
    desk.file(a)
    (case,) = cases.followed_by(a)
    for data in (f"1/cp/view?r={case.ref}", f"1/cp/cxlok?r={case.ref}", "1/cp/send?d=deadbeef",
                 f"1/cp/rate?r={case.ref}&s=9", "1/cp/view?r=CP-99-1", "1/cp/frobnicate"):
        assert "ปุ่มนี้ใช้ไม่ได้แล้ว" in words(desk.tap(b, data)), data
    assert cases.find(AGENCY, case.ref).status == "received"


def test_my_complaints_lists_cases_and_takes_a_note_a_photo_and_a_cancel(desk):
    """GIVEN a citizen's filed case WHEN they type "เรื่องของฉัน" THEN it is listed with its status; "add a note"
    then text adds a note, "add" then a photo adds a photo, and cancelling (asked once) cancels it."""
    citizen = user()
    desk.file(citizen)
    (followed,) = cases.followed_by(citizen)
    mine = desk.say(citizen, "เรื่องของฉัน")
    assert followed.ref in words(mine) and "รับเรื่องแล้ว" in words(mine)
    desk.tap(citizen, f"1/cp/note?r={followed.ref}")
    assert "เพิ่มข้อมูลในเรื่อง" in words(desk.say(citizen, "หลุมใหญ่ขึ้นหลังฝนตก"))
    desk.tap(citizen, f"1/cp/note?r={followed.ref}")
    assert "เพิ่มรูปในเรื่อง" in words(desk.photo(citizen, images.jpeg()))
    case = cases.find(AGENCY, followed.ref)
    assert [p["kind"] for p in case.photos] == ["note"]
    notes = [e for e in cases.timeline(AGENCY, followed.ref) if e.action == "note"]
    assert notes[0].note == "หลุมใหญ่ขึ้นหลังฝนตก" and notes[0].user_id == citizen
    ask = desk.tap(citizen, f"1/cp/cxl?r={followed.ref}")
    desk.tap(citizen, [d for d in postbacks(ask) if d.startswith("1/cp/cxlok")][0])
    assert cases.find(AGENCY, followed.ref).status == "cancelled"
    assert conversations.focus_of(citizen) is None


def test_unsending_a_message_hides_it_in_the_draft_and_in_the_case_but_keeps_the_case(desk):
    """GIVEN a draft with two messages and a filed case WHEN the citizen unsends one message of each THEN the
    draft no longer holds it, and the case's description hides it while the case keeps its reference, status and
    a timeline entry saying a message was withdrawn (row 40)."""
    from tests.integration.booking.conftest import event
    from tests.integration.complaints.conftest import text_with_id

    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=road")
    desk.ask(text_with_id(citizen, "ถนนพังตรงหน้าบ้านเลขที่ 9 โทร 081-234-5678", "m-first"))
    desk.ask(text_with_id(citizen, "รถผ่านลำบาก", "m-second"))
    desk.deliver(event("unsend", citizen, unsend={"messageId": "m-second"}))
    assert [p["t"] for p in drafts.load(citizen, drafts.DRAFT).state["parts"]] == ["ถนนพังตรงหน้าบ้านเลขที่ 9 โทร 081-234-5678"]
    desk.tap(citizen, send_button(desk.place(citizen, *NORTH)))
    desk.deliver(event("unsend", citizen, unsend={"messageId": "m-first"}))
    case = _only_case(citizen)
    assert case.description == "" and case.status == "received" and case.ref.startswith("CP-")
    assert [e.action for e in cases.timeline(AGENCY, case.ref)] == ["received", "withdraw"]


def test_a_draft_that_ends_tells_the_citizen_and_leaves_nothing(desk, monkeypatch):
    """GIVEN a draft with a photo left alone WHEN the schedule runs after FOCUS_HOURS THEN the citizen is pushed
    "your draft expired", its photo and item are gone and the chat's focus released; a later run tells nobody."""
    from civic.complaints import sweep
    from tests.integration.complaints.conftest import later, pushes

    citizen = user()
    desk.tap(citizen, "1/cp/cat?c=road")
    conversations.hold(citizen, "complaint")
    desk.say(citizen, "ไฟถนนดับ")
    desk.photo(citizen, images.jpeg())
    desk.drain()
    assert sweep.run(later(hours=25))["drafts_expired"] == 1
    (told,) = pushes(desk, to=citizen)
    assert "หมดอายุแล้ว" in words(told.messages) and told.purpose == "complaint-draft-expired"
    assert drafts.find(citizen, drafts.DRAFT) is None and _media_objects("drafts/") == []
    assert conversations.focus_of(citizen) is None
    assert sweep.run(later(hours=25, days=0))["drafts_expired"] == 0
