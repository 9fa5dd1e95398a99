"""The welcome and help speak of the rich menu only when one is set (civic.citizen.chat), in Thai and English."""

import pytest

from civic.citizen import chat
from civic.i18n import t


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_welcome_points_at_the_menu_only_when_one_is_set(lang):
    """GIVEN a new follower WHEN welcomed with a menu set, then without THEN the greeting says to tap the menu
    below, then to type "menu" instead; the privacy notice is the same either way."""
    (with_menu, notice), (without, same_notice) = (chat.welcome(lang, "สมชาย", 30, menu_set=True),
                                                    chat.welcome(lang, "สมชาย", 30, menu_set=False))
    assert with_menu["text"].endswith(t(lang, "welcome_hint_menu")) and "สมชาย" in with_menu["text"]
    assert without["text"].endswith(t(lang, "welcome_hint_typed"))
    assert t(lang, "welcome_hint_menu") not in without["text"]
    assert notice == same_notice


def test_the_thai_hints_say_tap_the_menu_or_type_menu():
    """GIVEN the Thai catalogue WHEN the two hints are read THEN one speaks of the menu below, the other of typing
    "เมนู" (a keyword the citizen basics answer with the services)."""
    assert "เมนูด้านล่าง" in t("th", "welcome_hint_menu")
    assert "พิมพ์ \"เมนู\"" in t("th", "welcome_hint_typed") and "ด้านล่าง" not in t("th", "welcome_hint_typed")


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("understood", [True, False])
def test_the_help_points_at_the_main_menu_only_when_one_is_set(lang, understood):
    """GIVEN the help (or "not understood") WHEN built with and without a menu THEN the same quick replies, and
    only the text with a menu speaks of the main menu."""
    (with_menu,), (without,) = chat.help_menu(lang, understood, True), chat.help_menu(lang, understood, False)
    assert with_menu["quickReply"] == without["quickReply"]
    word = "เมนูหลัก" if lang == "th" else "main menu"
    assert word in with_menu["text"] and word not in without["text"]
