"""What the complaint desk says (civic.complaints.cards): every card, in Thai and English, is a message LINE
accepts — checked against LINE's OpenAPI spec and limits by the fake LINE's validator — and carries what the
citizen needs (the reference, the department, the expected date, emergency numbers, what to tap next)."""

from types import SimpleNamespace

import pytest

from civic.complaints import cards, rules
from civic.postback import decode
from infra.local.fake_line import DEFAULT_SPEC_PATH, _detail, _size_limits, _validators

VALIDATE = _validators(str(DEFAULT_SPEC_PATH))["PushMessageRequest"]
AGENCY = "demo-municipality"


def _valid(messages: list[dict]) -> list[dict]:
    assert 1 <= len(messages) <= 5
    body = {"to": "U" + "0" * 32, "messages": messages}
    errors = [_detail(e) for e in VALIDATE.iter_errors(body)] or _size_limits(messages)
    assert errors == [], errors
    for data in _postbacks(messages):
        assert decode(data).domain == "complaint"
    return messages


def _postbacks(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["data"]] if node.get("type") == "postback" else []
        return found + [d for v in node.values() for d in _postbacks(v)]
    return [d for v in node for d in _postbacks(v)] if isinstance(node, list) else []


def _text(messages) -> str:
    import json

    return json.dumps(messages, ensure_ascii=False)


def _category(code="road", urgent=False, emergency=()):
    return SimpleNamespace(code=code, urgent=urgent, emergency=list(emergency), name=lambda lang: "ถนนชำรุด" if lang == "th" else "Road damage",
                           hint=lambda lang: "หลุมบ่อ" if lang == "th" else "Potholes")


def _case(**over):
    fields = dict(ref="CP-6912-0042", agency_id=AGENCY, status="in_progress", created_at=1_796_000_000,
                  due_at=1_796_400_000, sla_days=5, triage_reason=None, overdue=False, category="road",
                  description="ถนนเป็นหลุมลึก " * 40, lat=13.75, lng=100.5, address="ถนนตัวอย่าง", landmark=None,
                  rating=None)
    fields.update(over)
    return SimpleNamespace(**fields)


def _entry(action, note="ทีมช่างเข้าซ่อมแล้ว", **detail):
    return SimpleNamespace(action=action, note=note, note_hidden=False, detail=detail, at=1_796_100_000, version=3,
                           user_id=None)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_card_of_the_report_flow_is_a_message_line_accepts(lang):
    """GIVEN each step of a report WHEN its card is made THEN LINE's spec and limits accept it (labels ≤ 20,
    quick replies ≤ 13 with camera, photo roll and location pickers, carousels ≤ 12 bubbles, postbacks ≤ 300)."""
    draft = rules.new_draft("road", 0)
    rules.add_words(draft, "ถนนเป็นหลุมลึก " * 400, "m1")
    draft.update(lat=13.75, lng=100.5, address="ถนนตัวอย่าง")
    many = [_category(f"c{n}") for n in range(15)]
    for messages in (cards.categories(lang, many, True), cards.ask_description(lang, _category(), "abcd1234", 24),
                     cards.ask_description(lang, None, "abcd1234", 24), cards.ask_photos(lang, draft, True),
                     cards.photo_received(lang, draft), cards.photo_refused(lang, "too_large", draft),
                     cards.photo_refused(lang, "unavailable", None), cards.ask_place(lang, draft),
                     cards.ask_landmark(lang, draft), cards.review(lang, draft, _category(), "กองช่าง", "outside_areas"),
                     cards.duplicates(lang, "abcd1234", [(20.4, _case(), "ถนน")] * 14, AGENCY),
                     cards.receipt(lang, _case(status="received"), "ถนน", "กองช่าง", "เขตเหนือ", ["199", "1669"], AGENCY),
                     cards.mine(lang, [(_case(ref=f"CP-6912-{n:04d}"), "reporter", "ถนน") for n in range(13)], AGENCY, 0),
                     cards.timeline(lang, _case(), [_entry("accept")] * 30, {}, "reporter", AGENCY),
                     cards.confirmed(lang, _case(status="closed"), AGENCY), cards.rated(lang, _case(), 4, AGENCY)):
        _valid(messages)
    assert {"camera", "cameraRoll", "location"} <= {i["action"]["type"] for i in cards.ask_photos(lang, draft, False)[0]["quickReply"]["items"]}


def test_the_receipt_says_the_reference_department_expected_date_and_emergency_numbers():
    """GIVEN an urgent case WHEN its receipt is made THEN the reference, the department, the expected date in the
    Buddhist year, 199 and 1669, and how to follow it."""
    shown = _text(cards.receipt("th", _case(status="received"), "สายไฟขาด", "งานป้องกันและบรรเทาสาธารณภัย", None,
                                ["199", "1669"], AGENCY))
    for part in ("CP-6912-0042", "งานป้องกันและบรรเทาสาธารณภัย", "2569", "199 (ดับเพลิง)", "1669", "เรื่องของฉัน"):
        assert part in shown


@pytest.mark.parametrize("action", sorted(rules.PUSHED))
def test_every_pushed_step_is_a_message_line_accepts_with_the_short_timeline(action):
    """GIVEN each step a follower is pushed WHEN its push is made THEN LINE accepts it; a resolve carries the after
    photo and "fixed / not fixed"; a forwarded case's button names its agency."""
    entry = _entry(action, department="disaster", agency="other-city", ref="CP-6912-0007", of="CP-6912-0001")
    status = {"resolve": "resolved", "forward_agency": "forwarded", "duplicate": "duplicate"}.get(action, "in_progress")
    messages = _valid(cards.step("th", _case(status=status, agency_id="other-city"), entry, {"disaster": "งานป้องกัน"},
                                 [_entry("accept"), entry], AGENCY, "https://api.example/media/complaint/x.jpg", 7,
                                 moved_to="CP-6912-0007"))
    if action == "resolve":
        assert messages[0]["type"] == "image" and {"1/cp/ok?r=CP-6912-0042&a=other-city",
                                                  "1/cp/reopen?r=CP-6912-0042&a=other-city"} <= set(_postbacks(messages))
    assert "CP-6912-0042" in _text(messages)


def test_staff_alerts_are_messages_line_accepts():
    """GIVEN an urgent and an overdue case WHEN the duty officer's and the supervisor's alerts are made THEN LINE
    accepts them and they carry the reference and a map link."""
    assert "maps" in _text(_valid(cards.duty_alert(_case(), "สายไฟขาด", "งานป้องกัน", "ถนนตัวอย่าง")))
    assert "CP-6912-0042" in _text(_valid(cards.escalation_alert(_case(), "ถนน", "กองช่าง")))
