import string

import pytest

from civic import domains, i18n, messages
from civic.citizen import chat as citizen_chat
from civic.postback import Postback


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_thai_and_english_catalogues_have_the_same_keys_and_placeholders():
    """GIVEN the Thai and English catalogues WHEN compared THEN every key exists in both with the same fields."""
    th, en = i18n.catalogue("th"), i18n.catalogue("en")
    assert th.keys() == en.keys()
    assert {k: _fields(v) for k, v in th.items()} == {k: _fields(v) for k, v in en.items()}


@pytest.mark.parametrize("line_language,expected", [("th", "th"), ("th-TH", "th"), (None, "th"), ("en", "en"),
                                                   ("ja", "en")])
def test_thai_first_english_when_line_is_in_another_language(line_language, expected):
    """GIVEN a citizen's LINE language WHEN choosing the catalogue THEN Thai, or English for other languages."""
    assert i18n.language(line_language) == expected


def test_the_welcome_carries_the_privacy_notice_and_a_consent_choice():
    """GIVEN a new follower WHEN welcomed THEN a greeting by name and a notice saying how long, with yes/no."""
    greeting, notice = citizen_chat.welcome("th", "สมชาย", retention_days=30)
    assert "สมชาย" in greeting["text"]
    assert "30 วัน" in notice["text"] and "ข้อมูลของฉัน" in notice["text"]
    labels = [i["action"]["label"] for i in notice["quickReply"]["items"]]
    assert labels == ["ยินยอม", "ไม่ยินยอม"]


def test_the_help_menu_offers_each_service_within_lines_limits():
    """GIVEN the help menu WHEN built THEN quick replies start booking, my bookings, a person and my data, within
    LINE's 13 items."""
    (menu,) = citizen_chat.help_menu("en")
    data = [i["action"]["data"] for i in menu["quickReply"]["items"]]
    assert data == [Postback(d, e.action).encode() for d, e in domains.menu()]
    assert data[:2] == ["1/bk/start", "1/bk/mine"] and "1/hd/ask" in data and "1/cp/start" in data
    assert len(data) <= messages.QUICK_REPLY_MAX
