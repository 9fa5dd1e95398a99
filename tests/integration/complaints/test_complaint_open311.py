"""Open311 GeoReport v2 and open data, as a client sees them (issue 7): discovery, services, a service
definition, POST with an agency's key, requests (filters), one request, tokens — in JSON and in XML parsed
with the standard library; the standard's errors (row 38's cousin: bad input from machines); nothing personal."""

import csv
import io
import json
import re
from xml.etree import ElementTree

from civic.tables import complaint_cases as cases
from civic.tables import complaint_figures as figures
from infra.local.demo.complaint import OPEN311_KEY
from tests.integration.booking.conftest import user, words
from tests.integration.complaints.conftest import AGENCY, NORTH, OTHER, open311_call, staff_call

POST = {"api_key": OPEN311_KEY, "service_code": "light", "lat": "13.7570", "long": "100.5020",
        "description": "ไฟถนนดับทั้งซอย โทร 089 123 4567 เลขบัตร 1-2345-67890-12-3",
        "email": "somchai@example.com", "first_name": "สมชาย", "last_name": "ใจดี", "phone": "0891234567"}


def _json(path: str, query=None, method="GET", form=None):
    status, kind, body = open311_call(method, path, query, form)
    assert kind.startswith("application/json"), kind
    return status, json.loads(body)


def _xml(path: str, query=None, method="GET", form=None):
    status, kind, body = open311_call(method, path, query, form)
    assert kind.startswith("text/xml") and body.startswith('<?xml version="1.0" encoding="utf-8"?>'), kind
    return status, ElementTree.fromstring(body)


def test_discovery_and_services_in_both_formats(desk):
    """GIVEN the demo municipality WHEN a client reads discovery and services in JSON and XML THEN the standard's
    fields: an endpoint with both formats; each category as a service with code, name, description, metadata,
    type and group (its department)."""
    status, found = _json("/open311/v2/discovery.json")
    assert status == 200 and found["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert found["endpoints"][0]["url"].endswith("/open311/v2")
    status, root = _xml("/open311/v2/discovery.xml")
    assert root.tag == "discovery" and [f.text for f in root.iter("format")] == ["text/xml", "application/json"]

    status, services = _json("/open311/v2/services.json")
    road = [s for s in services if s["service_code"] == "road"][0]
    assert road == {"service_code": "road", "service_name": "ถนน/ทางเท้าชำรุด", "description": "หลุมบ่อ ทางเท้าแตก ฝาท่อหาย",
                    "metadata": False, "type": "realtime", "keywords": [], "group": "กองช่าง"}
    status, root = _xml("/open311/v2/services.xml")
    assert root.tag == "services" and {s.findtext("service_code") for s in root.findall("service")} >= {"road", "light"}
    assert root.find("service").findtext("metadata") == "false"
    status, root = _xml("/open311/v2/services/road.xml")
    assert root.tag == "service_definition" and root.findtext("service_code") == "road"
    assert _json("/open311/v2/services/nope.json")[0] == 404


def test_a_client_posts_a_request_and_reads_it_back_in_json_and_xml(desk):
    """GIVEN the demo's Open311 key WHEN a client POSTs a street-light request (with personal fields the standard
    allows) THEN 201 with the service_request_id and a token; the request reads back in JSON and XML with the
    standard's fields, its expected_datetime from the 3-working-day service level, no name, e-mail or phone and
    a description without the phone or ID number; the token resolves to it; it is a case like any other:
    routed, counted, and pushed to nobody."""
    status, created = _json("/open311/v2/requests.json", method="POST", form=POST)
    assert status == 201 and re.fullmatch(r"CP-\d{4}-\d{4}", created[0]["service_request_id"]) and created[0]["token"]
    ref = created[0]["service_request_id"]
    status, (request,) = _json(f"/open311/v2/requests/{ref}.json")
    assert status == 200 and request["status"] == "open" and request["service_code"] == "light"
    assert request["agency_responsible"] == "กองช่าง" and request["lat"] == 13.757
    assert request["expected_datetime"].endswith("+07:00") and request["expected_datetime"] > request["requested_datetime"]
    shown = json.dumps(request, ensure_ascii=False)
    for personal in ("089 123 4567", "1-2345-67890-12-3", "somchai", "สมชาย", "ใจดี", "0891234567"):
        assert personal not in shown
    assert "ไฟถนนดับทั้งซอย" in request["description"]
    status, root = _xml(f"/open311/v2/requests/{ref}.xml")
    assert root.tag == "service_requests" and root.find("request").findtext("service_request_id") == ref
    assert root.find("request").findtext("expected_datetime") == request["expected_datetime"]
    status, tokens = _json(f"/open311/v2/tokens/{created[0]['token']}.json")
    assert tokens == [{"service_request_id": ref, "token": created[0]["token"]}]

    case = cases.find(AGENCY, ref)
    assert (case.channel, case.department, case.area_id) == ("open311", "public-works", "north")
    assert figures.counters(AGENCY)["category#light#received"] == 1
    stored = json.dumps(case.to_simple_dict(), ensure_ascii=False)
    assert "somchai@example.com" not in stored and "0891234567" not in stored and "สมชาย" not in stored
    assert cases.followers(AGENCY, ref) == [] and [o for o in desk.drain() if o.purpose.startswith("complaint-")] == []
    assert staff_call("GET", f"/agency/complaint/cases/{ref}")[0] == 200


def test_a_post_without_a_key_or_with_missing_fields_gets_the_standards_errors(desk):
    """GIVEN a client WHEN it POSTs without a key, with a wrong one, without service_code, without any place, or
    with a latitude that is not one THEN 403 or 400 with [{"code", "description"}] (JSON) or
    <errors><error><code/><description/> (XML), and no case is made."""
    cases_for = [({k: v for k, v in POST.items() if k != "api_key"}, 403), ({**POST, "api_key": "guess"}, 403),
                 ({k: v for k, v in POST.items() if k != "service_code"}, 400),
                 ({k: v for k, v in POST.items() if k not in ("lat", "long")}, 400), ({**POST, "lat": "north"}, 400),
                 ({**POST, "description": "ก" * 4001}, 400)]
    for form, expected in cases_for:
        status, body = _json("/open311/v2/requests.json", method="POST", form=form)
        assert status == expected and body[0]["code"] == expected and body[0]["description"], form
    status, root = _xml("/open311/v2/requests.xml", method="POST", form={"service_code": "road"})
    assert status == 403 and root.tag == "errors" and root.find("error").findtext("code") == "403"
    assert _json("/open311/v2/requests.html")[0] == 400
    assert figures.counters(AGENCY).get("status#received", 0) == 0


def test_an_unknown_service_code_goes_to_central_triage_with_a_notice(desk):
    """GIVEN a client WHEN it posts a service_code the agency does not have THEN the request is taken and sent to
    central triage, and the answer's service_notice says so (row 44: not an error)."""
    status, created = _json("/open311/v2/requests.json", method="POST", form={**POST, "service_code": "graffiti"})
    assert status == 201 and "central triage" in created[0]["service_notice"]
    assert cases.find(AGENCY, created[0]["service_request_id"]).department == "central-triage"


def test_requests_are_filtered_by_status_service_and_dates_and_by_id(desk):
    """GIVEN two requests (light, and road later resolved) WHEN a client lists with status, service_code, dates or
    ids THEN each filter keeps only its requests; a span over 90 days is a 400."""
    from tests.integration.complaints.conftest import after_photo_b64

    light = _json("/open311/v2/requests.json", method="POST", form=POST)[1][0]["service_request_id"]
    road = _json("/open311/v2/requests.json", method="POST", form={**POST, "service_code": "road"})[1][0]["service_request_id"]
    staff_call("POST", f"/agency/complaint/cases/{road}/resolve", body={"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    ids = lambda found: [r["service_request_id"] for r in found]  # noqa: E731
    assert ids(_json("/open311/v2/requests.json")[1]) == [road, light]
    assert ids(_json("/open311/v2/requests.json", {"status": "open"})[1]) == [light]
    assert ids(_json("/open311/v2/requests.json", {"status": "closed"})[1]) == [road]
    assert ids(_json("/open311/v2/requests.json", {"service_code": "road"})[1]) == [road]
    assert ids(_json("/open311/v2/requests.json", {"service_request_id": f"{light},{road}"})[1]) == [road, light]
    assert _json("/open311/v2/requests.json", {"end_date": "2020-01-01T00:00:00+07:00"})[1] == []
    assert _json("/open311/v2/requests.json", {"start_date": "2020-01-01T00:00:00Z"})[0] == 400


def test_jurisdiction_id_names_the_agency_and_never_crosses(desk):
    """GIVEN a request posted to the demo municipality WHEN a client asks other-city (jurisdiction_id) for it, or
    for its requests THEN 404 / none; an unknown jurisdiction is a 404; other-city's services are its own."""
    ref = _json("/open311/v2/requests.json", method="POST", form=POST)[1][0]["service_request_id"]
    assert _json(f"/open311/v2/requests/{ref}.json", {"jurisdiction_id": OTHER})[0] == 404
    assert _json("/open311/v2/requests.json", {"jurisdiction_id": OTHER})[1] == []
    assert _json("/open311/v2/services.json", {"jurisdiction_id": "atlantis"})[0] == 404
    assert _json("/open311/v2/requests.json", method="POST", form={**POST, "jurisdiction_id": OTHER})[0] == 403


def test_open_data_shows_cases_and_figures_without_personal_data(desk):
    """GIVEN a chat report whose words carry a phone number, a national ID number and an e-mail WHEN open data is
    read as JSON and CSV THEN the case is there with its category, department, status and place (rounded), the
    words scrubbed, and no LINE id or name anywhere; figures count it."""
    citizen = user()
    desk.file(citizen, words="ไฟดับ ติดต่อ 081-234-5678 หรือ somchai@mail.example บัตร 3101234567890")
    (follower,) = cases.followed_by(citizen)
    status, kind, body = open311_call("GET", "/open-data/complaints/cases.json")
    rows = json.loads(body)
    (row,) = [r for r in rows if r["ref"] == follower.ref]
    assert row["department"] == "กองช่าง" and row["status"] == "received" and row["lat"] == round(NORTH[0], 4)
    assert "ไฟดับ" in row["description"]
    for personal in ("081-234-5678", "somchai@mail.example", "3101234567890", citizen):
        assert personal not in body
    status, kind, text = open311_call("GET", "/open-data/complaints/cases.csv")
    assert kind.startswith("text/csv") and citizen not in text and "081-234-5678" not in text
    (line,) = [r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["ref"] == follower.ref]
    assert line["category"] == "road"
    status, kind, body = open311_call("GET", "/open-data/complaints/figures.json")
    assert json.loads(body)["by_status"]["received"] == 1


def test_open_data_figures_name_the_agency_its_categories_and_areas_and_band_the_time_to_resolve(desk):
    """GIVEN a case of the demo municipality resolved by staff WHEN figures.json is read, and other-city's THEN
    each names its own agency, categories and areas in Thai and English, counts the resolution in a band of
    time to resolve and within the level, and other-city's counts nothing of it."""
    from tests.integration.complaints.conftest import after_photo_b64

    receipt = desk.file(user(), category="light")
    ref = re.search(r"CP-\d{4}-\d{4}", words(receipt)).group(0)
    staff_call("POST", f"/agency/complaint/cases/{ref}/resolve", body={"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    mine = _json("/open-data/complaints/figures.json")[1]
    other = _json("/open-data/complaints/figures.json", {"jurisdiction_id": OTHER})[1]
    assert mine["names"]["agency"] == {"th": "เทศบาลตัวอย่าง", "en": "Demo Municipality"}
    assert mine["names"]["categories"]["light"] == {"th": "ไฟฟ้าส่องสว่างดับ", "en": "Street light out"}
    assert mine["names"]["areas"]["north"] == {"th": "เขตเหนือ", "en": "North zone"}
    assert other["names"]["agency"]["en"] == "Other City" and set(other["names"]["areas"]) == {"centre"}
    assert mine["time_to_resolve"][0] == {"up_to_hours": 24, "resolutions": 1} and mine["resolved_within_sla"] == 1
    assert sum(b["resolutions"] for b in other["time_to_resolve"]) == 0 and other["resolved_within_sla"] == 0


def test_the_after_photo_is_served_only_by_its_token(desk):
    """GIVEN a resolved case WHEN LINE fetches the after photo's link THEN the JPEG; a wrong token, or a citizen's
    own photo's key, gets 404."""
    import base64

    from tests.integration.booking.conftest import LambdaContext, load_handler
    from tests.integration.complaints.conftest import after_photo_b64, http_event

    citizen = user()
    receipt = desk.file(citizen)
    ref = re.search(r"CP-\d{4}-\d{4}", words(receipt)).group(0)
    staff_call("POST", f"/agency/complaint/cases/{ref}/resolve", body={"note": "ซ่อมแล้ว", "photo": after_photo_b64()})
    (after,) = [p for p in cases.find(AGENCY, ref).photos if p["kind"] == "after"]

    def fetch(tail: str) -> dict:
        return load_handler("complaint_media", "complaint_media").lambda_handler(
            http_event("GET", f"/media/complaint/{tail}", "GET /media/complaint/{proxy+}",
                       proxy_prefix="/media/complaint/"), LambdaContext())

    answer = fetch(f"{AGENCY}/{ref}/{after['token']}.jpg")
    assert answer["statusCode"] == 200 and base64.b64decode(answer["body"])[:2] == b"\xff\xd8"
    assert fetch(f"{AGENCY}/{ref}/{'x' * 32}.jpg")["statusCode"] == 404
    assert fetch(f"{OTHER}/{ref}/{after['token']}.jpg")["statusCode"] == 404


def test_control_characters_and_broken_utf8_from_a_client_are_cleaned_not_a_500(desk):
    """GIVEN a POST whose description holds NUL and other control characters and bytes that are not UTF-8 WHEN
    taken THEN 201 and the stored words are clean text (the chat's are cleaned by the intake; row 28)."""
    from urllib.parse import quote

    from tests.integration.booking.conftest import LambdaContext, load_handler
    from tests.integration.complaints.conftest import http_event

    body = "&".join(f"{k}={quote(v)}" for k, v in POST.items() if k != "description") + \
        "&description=" + "%E0%B9%84%E0%B8%9F%00%07%ED%A0%80ok%0A"  # ไฟ, NUL, BEL, a lone surrogate's bytes, ok
    answer = load_handler("open311", "open311").lambda_handler(
        http_event("POST", "/open311/v2/requests.json", "POST /open311/v2/{proxy+}", body, None, None,
                   content_type="application/x-www-form-urlencoded", proxy_prefix="/open311/v2/"), LambdaContext())
    assert answer["statusCode"] == 201
    case = cases.find(AGENCY, json.loads(answer["body"])[0]["service_request_id"])
    assert case.description.startswith("ไฟ") and "\x00" not in case.description and "\x07" not in case.description
    assert case.description.encode("utf-8")
