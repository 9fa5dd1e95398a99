"""The complaint rules, pure (civic.complaints.rules): statuses, references, postbacks, drafts, duplicates by
distance, scrubbing for public outputs, and the figures from counters."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from civic.complaints import rules
from civic.postback import Postback, PostbackError
from civic.thai import BANGKOK
from civic import text


def test_a_reference_carries_the_buddhist_year_and_month_and_reads_back_in_any_typing():
    """GIVEN December 2026 (BE 2569) and number 42 WHEN named THEN CP-6912-0042; typed as cp 6912 0042 or
    CP69120042 it is found again; anything else is not a reference."""
    assert rules.reference(datetime(2026, 12, 3, 9, tzinfo=BANGKOK), 42) == "CP-6912-0042"
    assert rules.month_of(datetime(2026, 12, 31, 23, 30, tzinfo=BANGKOK)) == "6912"
    for typed in ("cp 6912 0042", "CP69120042", "cp-6912-0042"):
        assert rules.normal_ref(typed) == "CP-6912-0042"
    assert rules.normal_ref("BK-7F3K9-QXH2M") is None and rules.normal_ref("CP-69-1") is None


def test_each_step_starts_only_from_its_statuses():
    """GIVEN the status set WHEN steps are asked THEN resolve leads to resolved, confirm only from resolved,
    a closed case takes no staff step, escalation keeps the status."""
    assert rules.next_status("resolve", "in_progress") == "resolved"
    assert rules.next_status("confirm", "resolved") == "closed"
    assert rules.next_status("escalate", "assigned") == "assigned"
    for action, status in (("confirm", "in_progress"), ("accept", "closed"), ("resolve", "rejected"), ("rate", "resolved")):
        with pytest.raises(rules.NotAllowed):
            rules.next_status(action, status)
    assert rules.open311_status("resolved") == "closed" and rules.open311_status("reopened") == "open"


@pytest.mark.parametrize("data", [
    Postback("complaint", "view", {"r": "CP-6912-42"}), Postback("complaint", "view", {"r": "' OR 1=1"}),
    Postback("complaint", "rate", {"r": "CP-6912-0042", "s": "6"}), Postback("complaint", "rate", {"s": "-1"}),
    Postback("complaint", "send", {"d": "../../etc"}), Postback("complaint", "cat", {"c": "ROAD#x"}),
    Postback("complaint", "view", {"r": "CP-6912-0042", "a": "Other City"}),
])
def test_a_tampered_postback_is_refused_before_anything_is_read(data):
    """GIVEN postback data with a malformed reference, stars out of 1..5, a path for a draft id, a bad category or
    agency WHEN parsed THEN PostbackError (row 25)."""
    with pytest.raises(PostbackError):
        rules.choice(data, "demo-municipality")


def test_a_postback_without_an_agency_means_the_deployments():
    """GIVEN a button with no agency WHEN parsed THEN the deployment's agency (a forwarded case's names its own)."""
    assert rules.choice(Postback("complaint", "view", {"r": "CP-6912-0042"}), "demo").agency_id == "demo"
    assert rules.choice(Postback("complaint", "view", {"r": "CP-6912-0042", "a": "other-city"}), "demo").agency_id == "other-city"


def test_a_draft_asks_for_words_then_photos_then_the_place_then_reviews():
    """GIVEN a new draft WHEN filled step by step THEN describe → photos → place → review; three photos move on."""
    draft = rules.new_draft("road", 0)
    assert rules.next_step(draft) == "describe"
    rules.add_words(draft, "ถนนพัง", "m1")
    draft["step"] = "photos"
    assert rules.next_step(draft) == "photos"
    draft["photos"] = [{"key": k} for k in "abc"]
    assert rules.next_step(draft) == "place"
    draft["lat"], draft["lng"] = 13.75, 100.5
    assert rules.next_step(draft) == "review"


def test_words_beyond_what_a_case_keeps_are_cut_on_a_whole_character():
    """GIVEN a draft near its 10,000 UTF-16 units WHEN more words with emoji come THEN they are cut, never inside a
    character, and the draft says so (row 27)."""
    draft = rules.new_draft("road", 0)
    assert rules.add_words(draft, "ก" * 9_990, "m1")
    assert not rules.add_words(draft, "👨‍👩‍👧" * 10, "m2")
    kept = rules.description(draft)
    assert text.utf16_units(kept) <= rules.DESCRIPTION_MAX_UTF16 and kept.endswith("…")
    assert "\ufffd" not in kept and kept.encode("utf-16", "strict")


def _case(lat, lng, status="received", ref="CP-6912-0001"):
    return SimpleNamespace(lat=lat, lng=lng, status=status, ref=ref)


def test_duplicates_are_open_cases_within_50_metres_nearest_first():
    """GIVEN open cases 20 m and 45 m away, one 60 m away and a closed one 5 m away WHEN looked for THEN the two
    within 50 m, nearest first."""
    here = (13.75, 100.50)
    found = rules.nearby([_case(13.75 + 0.00040, 100.50, ref="45m"), _case(13.75 + 0.00018, 100.50, ref="20m"),
                          _case(13.75 + 0.00054, 100.50, ref="60m"), _case(13.75, 100.50005, "closed", ref="done")], *here)
    assert [c.ref for _, c in found] == ["20m", "45m"] and 19 < found[0][0] < 21
    same_spot = rules.nearby([_case(13.75, 100.5, ref="b"), _case(13.75, 100.5, ref="a")], *here)
    assert [c.ref for _, c in same_spot] == ["a", "b"]  # equally near: by reference, never comparing cases


@pytest.mark.parametrize("words,kept", [
    ("โทร 081-234-5678 ด่วน", "โทร […] ด่วน"), ("โทร ๐๘๑๒๓๔๕๖๗๘", "โทร […]"), ("ติดต่อ +66 81 234 5678", "ติดต่อ […]"),
    ("บ้าน 02 123 4567", "บ้าน […]"), ("บัตร 1-2345-67890-12-3", "บัตร […]"), ("เลข 3101234567890", "เลข […]"),
    ("mail a.b@example.co.th", "mail […]"), ("บ้านเลขที่ 123/45 ซอย 7", "บ้านเลขที่ 123/45 ซอย 7"),
    ("ไฟดับ 3 วัน เสา 12", "ไฟดับ 3 วัน เสา 12"),
])
def test_public_words_lose_phone_id_numbers_and_e_mail_and_keep_everything_else(words, kept):
    """GIVEN a description WHEN scrubbed for Open311 and open data THEN Thai phone numbers (any spacing, Thai
    digits, +66), national ID numbers and e-mail addresses are replaced; house numbers and counts stay."""
    assert rules.scrub(words) == kept


def test_figures_come_from_counters_median_share_reopens_and_rating():
    """GIVEN counters for 4 resolutions (1 h, 2 h, 3 h, 30 h; 3 within the level), 1 reopen and ratings 5 and 4
    WHEN the figures are made THEN the median is 2 h (within 5 %), 75 % within the level, a reopen rate of 0.25,
    an average of 4.5, and cases by status, category and area."""
    counters = {"status#received": 2, "status#closed": 4, "category#road#received": 2, "category#road#closed": 3,
                "category#light#closed": 1, "area#north#closed": 4, "area#none#received": 2,
                "resolve#count": 4, "resolve#within": 3, "reopen#count": 1,
                "rating#count": 2, "rating#sum": 9, "rating#5": 1, "rating#4": 1}
    for hours in (1, 2, 3, 30):
        name = f"resolve#h{rules.bucket(hours * 3600)}"
        counters[name] = counters.get(name, 0) + 1
    shown = rules.figures(counters)
    assert shown["cases"] == 6 and shown["by_category"]["road"] == {"total": 5, "open": 2}
    assert shown["by_area"] == {"none": {"total": 2, "open": 2}, "north": {"total": 4, "open": 0}}
    assert abs(shown["median_hours_to_resolve"] - 2.0) <= 0.1
    assert (shown["share_resolved_within_sla"], shown["reopen_rate"], shown["average_rating"]) == (0.75, 0.25, 4.5)
    assert rules.figures({})["median_hours_to_resolve"] is None


def test_time_to_resolve_comes_in_bands_read_off_the_histogram():
    """GIVEN resolutions after 2 h, 20 h, 2 days, 5 days, 10 days and 40 days (4 within the level) WHEN the
    figures are made THEN one resolution in each band (a day, three days, a week, two weeks) and one longer,
    the count within the level, and every band at zero without counters."""
    counters = {"resolve#count": 6, "resolve#within": 4}
    for hours in (2, 20, 48, 120, 240, 960):
        name = f"resolve#h{rules.bucket(hours * 3600)}"
        counters[name] = counters.get(name, 0) + 1
    shown = rules.figures(counters)
    assert shown["time_to_resolve"] == [{"up_to_hours": 24, "resolutions": 2}, {"up_to_hours": 72, "resolutions": 1},
                                        {"up_to_hours": 168, "resolutions": 1}, {"up_to_hours": 336, "resolutions": 1},
                                        {"up_to_hours": None, "resolutions": 1}]
    assert shown["resolved_within_sla"] == 4
    assert [band["resolutions"] for band in rules.figures({})["time_to_resolve"]] == [0] * 5
