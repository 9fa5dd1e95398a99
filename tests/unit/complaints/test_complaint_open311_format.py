"""Open311 GeoReport v2's shapes (civic.complaints.open311), pure: the standard's element names in XML, its
error format, W3C dates with the Bangkok offset, and a case shown without anything personal."""

from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from civic.complaints import open311


def _case(**over):
    fields = dict(ref="CP-6912-0042", status="resolved", category="road", description="หลุมลึก โทร 0812345678",
                  created_at=1_796_000_000, updated_at=1_796_100_000, due_at=1_796_400_000, triage_reason=None,
                  address="ซอย 5 บ้านคุณสมชาย 02-123-4567", landmark=None, lat=13.7563456, lng=100.5018123, token="ab")
    fields.update(over)
    return SimpleNamespace(**fields)


def test_a_list_is_written_under_its_plural_root_with_the_standards_item_names():
    """GIVEN services, requests and errors WHEN written as XML THEN <services><service>, <service_requests><request>,
    <errors><error><code/><description/>, each after an XML declaration naming UTF-8."""
    for root, item in (("services", "service"), ("service_requests", "request"), ("errors", "error")):
        text = open311.to_xml(root, [{"code": 400, "description": "ไม่มี"}])
        assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
        parsed = ElementTree.fromstring(text)
        assert parsed.tag == root and parsed[0].tag == item and parsed[0].findtext("description") == "ไม่มี"


def test_nested_lists_use_the_standards_names_and_booleans_are_words():
    """GIVEN discovery and a service WHEN written THEN <endpoints><endpoint><formats><format>, and false as false."""
    parsed = ElementTree.fromstring(open311.to_xml("discovery", open311.discovery("https://x", "c")))
    assert [f.text for f in parsed.iter("format")] == ["text/xml", "application/json"]
    service = SimpleNamespace(code="road", name_th="ถนน", hint_th="", urgent=True)
    parsed = ElementTree.fromstring(open311.to_xml("services", [open311.service(service, "กองช่าง")]))
    assert parsed.find("service").findtext("metadata") == "false"
    assert parsed.find("service/keywords/keyword").text == "urgent"


def test_a_case_is_shown_with_the_standards_fields_and_nothing_personal():
    """GIVEN a resolved case whose words and address hold phone numbers WHEN shown THEN status closed, W3C times
    with +07:00, coordinates rounded to 5 places, no phone numbers, no media."""
    shown = open311.request(_case(), "ถนน", "กองช่าง")
    assert shown["status"] == "closed" and shown["expected_datetime"].endswith("+07:00")
    assert (shown["lat"], shown["long"]) == (13.75635, 100.50181)
    assert "0812345678" not in shown["description"] and "02-123-4567" not in shown["address"]
    assert shown["media_url"] == "" and set(shown) >= {"service_request_id", "service_code", "requested_datetime",
                                                     "updated_datetime", "agency_responsible", "service_notice"}


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", ""])
def test_a_date_that_is_not_w3c_is_the_standards_400(text):
    """GIVEN a start_date that is not a W3C date-time WHEN parsed THEN a 400 saying what is expected."""
    with pytest.raises(open311.Open311Error) as refused:
        open311.parse_w3c(text, "start_date")
    assert refused.value.status == 400 and "start_date" in refused.value.description
