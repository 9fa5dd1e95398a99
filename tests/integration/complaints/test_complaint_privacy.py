""""My data" for complaints (rows 37, 38): the export holds the citizen's drafts, cases, notes, photos and
rating; the erase removes every link to them and anonymises the cases the agency keeps."""

import json
import re

from civic import privacy
from civic.tables import complaint_cases as cases
from civic.tables import complaint_drafts as drafts
from tests import images
from tests.integration.booking.conftest import user, words
from tests.integration.complaints.conftest import AGENCY, after_photo_b64, staff_call
from tests.trace import traces
from tests.moto_stack import bucket_name, of_type, table_name


def _name(logical_id: str) -> str:
    return bucket_name(logical_id) if logical_id in of_type("AWS::S3::Bucket") else table_name(logical_id)


def _journey(desk) -> tuple[str, str]:
    """Filed with a photo, a note added, resolved, confirmed, rated with a comment, and a new draft begun."""
    citizen = user()
    receipt = desk.file(citizen, words="ท่อแตกหน้าบ้าน โทร 081-111-2222", photo=images.jpeg())
    ref = re.search(r"CP-\d{4}-\d{4}", words(receipt)).group(0)
    desk.tap(citizen, f"1/cp/note?r={ref}")
    desk.say(citizen, "น้ำไหลแรงขึ้น")
    staff_call("POST", f"/agency/complaint/cases/{ref}/resolve", body={"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    desk.tap(citizen, f"1/cp/ok?r={ref}")
    desk.tap(citizen, f"1/cp/rate?r={ref}&s=5")
    desk.say(citizen, "ขอบคุณมากครับ")
    desk.tap(citizen, "1/cp/cat?c=light")
    desk.say(citizen, "ไฟดับ")
    desk.photo(citizen, images.jpeg())
    return citizen, ref


def test_the_export_holds_cases_notes_photos_ratings_and_drafts(desk):
    """GIVEN a citizen's complaint journey WHEN they export their data THEN the complaint part lists their draft,
    their case with their words, photo records, rating and comment, and their note."""
    citizen, ref = _journey(desk)
    held = privacy.export(citizen)["records"]["complaint"]["my_data"]
    kinds = [r["kind"] for r in held]
    assert "draft_draft" in kinds and "case" in kinds and "note" in kinds
    (case,) = [r for r in held if r["kind"] == "case"]
    assert case["ref"] == ref and "ท่อแตกหน้าบ้าน" in case["description"]
    assert (case["rating"], case["rating_comment"]) == (5, "ขอบคุณมากครับ")
    assert {p["kind"] for p in case["photos"]} == {"before", "after"}
    assert [r["note"] for r in held if r["kind"] == "note" and r["action"] == "note"] == ["น้ำไหลแรงขึ้น"]
    json.dumps(held, ensure_ascii=False)  # machine-readable as it is


def test_the_erase_anonymises_kept_cases_and_leaves_no_trace_of_the_citizen(desk):
    """GIVEN the same journey WHEN the citizen erases their data THEN no table, index or bucket holds their LINE
    id; their draft and photos are gone; the case stays (the agency keeps it) with its category, status and
    rating, but its words scrubbed of the phone number, the note's and comment's words removed."""
    citizen, ref = _journey(desk)
    assert traces([citizen], _name)
    privacy.erase(citizen)
    assert traces([citizen], _name) == []
    assert drafts.of_citizen(citizen) == []
    case = cases.find(AGENCY, ref)
    assert (case.status, case.rating, case.reporter_erased) == ("closed", 5, True)
    assert "081-111-2222" not in case.description and "ท่อแตกหน้าบ้าน" in case.description
    assert case.rating_comment is None
    assert [p["state"] for p in case.photos if p["kind"] == "before"] == ["removed"]
    assert [p["state"] for p in case.photos if p["kind"] == "after"] == ["ok"]
    assert not [e for e in cases.timeline(AGENCY, ref) if e.note == "น้ำไหลแรงขึ้น"]
    from civic.complaints import media

    assert media.read([p for p in case.photos if p["kind"] == "before"][0]["key"]) is None


def test_staff_answering_a_chat_see_the_citizens_open_cases_beside_it(desk):
    """GIVEN a citizen with an open case and a closed one WHEN staff read their chat's open records (the registry's
    summaries) THEN the open case is listed with its reference and status, the closed one is not, and another
    agency sees neither."""
    from civic.complaints import my_data

    citizen = user()
    open_ref = re.search(r"CP-\d{4}-\d{4}", words(desk.file(citizen))).group(0)
    closed_ref = re.search(r"CP-\d{4}-\d{4}", words(desk.file(citizen, category="light", words="ไฟดับ"))).group(0)
    assert staff_call("POST", f"/agency/complaint/cases/{closed_ref}/reject", role="supervisor",
                      body={"reason": "ไม่ใช่เขตเรา"})[0] == 200
    records = my_data.open_records(AGENCY, citizen, "th")
    assert [(r["kind"], r["ref"]) for r in records] == [("complaint", open_ref)]
    assert my_data.open_records("other-city", citizen, "th") == []
