"""The FAQ's matching (civic.citizen.faq): Thai segmented with PyThaiNLP, ranked with BM25, a threshold below
which the bot says it does not know."""

import pytest

from civic.citizen import faq

ENTRIES = {
    "water-bill": ["จ่ายค่าน้ำประปาที่ไหน", "ชำระค่าน้ำได้ทางไหนบ้าง", "where do I pay the water bill"],
    "garbage": ["รถเก็บขยะมาวันไหน", "เก็บขยะกี่โมง", "garbage collection day"],
    "house-registration": ["ย้ายทะเบียนบ้านต้องใช้อะไรบ้าง", "แจ้งย้ายเข้า"],
    "office-hours": ["สำนักงานเปิดกี่โมง", "เวลาทำการ", "office hours"],
    "land-tax": ["จ่ายภาษีที่ดินได้ที่ไหน", "ภาษีที่ดินและสิ่งปลูกสร้าง"],
}


@pytest.fixture(scope="module")
def index():
    return faq.Index(ENTRIES)


@pytest.mark.parametrize("asked,entry", [
    ("อยากทราบว่าจ่ายค่าน้ำที่ไหนครับ", "water-bill"),   # other words around the same question, no spaces
    ("รถขยะมาวันไหนคะ", "garbage"),
    ("ย้ายทะเบียนบ้านใช้เอกสารอะไร", "house-registration"),
    ("เปิดกี่โมง", "office-hours"),
    ("ภาษีที่ดิน", "land-tax"),
    ("Where do I pay the water bill?", "water-bill"),
])
def test_a_question_asked_in_other_words_finds_its_answer(index, asked, entry):
    """GIVEN the agency's entries WHEN a citizen asks one of them in their own words THEN that entry."""
    assert index.best(asked).entry_id == entry


@pytest.mark.parametrize("asked", ["สวัสดีครับ", "แมวหายช่วยหาหน่อย", "ไฟฟ้าดับ", "🙏🙏", "   "])
def test_what_no_entry_answers_finds_nothing_rather_than_a_guess(index, asked):
    """GIVEN the entries WHEN the citizen says something none of them is about THEN no answer (the bot says it does
    not know and offers a person)."""
    assert index.best(asked) is None


def test_an_agency_without_entries_answers_nothing():
    """GIVEN no FAQ entries WHEN asked anything THEN no answer, no error."""
    assert faq.Index({}).best("จ่ายค่าน้ำที่ไหน") is None


def test_phone_and_national_id_numbers_are_scrubbed_from_what_staff_read():
    """GIVEN a question with a mobile number, a landline and a national ID WHEN scrubbed THEN none of them remain."""
    scrubbed = faq.scrub("โทร 081-234-5678 หรือ 02 123 4567 บัตร 1-2345-67890-12-3")
    assert "081" not in scrubbed and "4567" not in scrubbed and "67890" not in scrubbed


def test_the_same_question_in_another_order_counts_as_one():
    """GIVEN two phrasings with the same words WHEN digested THEN one digest; another question, another digest."""
    assert faq.digest("แมว หาย ตลาด") == faq.digest("ตลาด แมว หาย")
    assert faq.digest("แมวหาย") != faq.digest("หมาหาย")
