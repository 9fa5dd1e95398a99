"""The chat simulator's own small backend (infra/local/simulator): it serves the page, its scripts and the Thai font,
and signs a webhook body for this machine's page only — the page then posts it to /line/webhook itself."""

import json

import pytest
from werkzeug.test import Client

from civic.signature import is_valid
from infra.local.simulator import Simulator

SECRET = "simulator-test-secret"
BODY = json.dumps({"destination": "U" + "0" * 32, "events": [{"type": "follow"}]}, ensure_ascii=False).encode()


@pytest.fixture
def app():
    return Client(Simulator(lambda: SECRET))


def test_the_page_its_modules_and_the_thai_font_are_served(app):
    """GIVEN the simulator WHEN its page, a script module and the Sarabun font are fetched THEN 200 each, the
    module as JavaScript (browsers refuse a module of another type) and the font as a TrueType file."""
    page = app.get("/")
    assert page.status_code == 200 and b'src="js/main.js"' in page.data
    module = app.get("/js/main.js")
    assert module.status_code == 200 and module.mimetype == "text/javascript"
    font = app.get("/fonts/Sarabun-Bold.ttf")
    assert font.status_code == 200 and font.data[:4] == b"\x00\x01\x00\x00"


def test_without_the_trailing_slash_the_page_redirects_to_it(app):
    """GIVEN /simulator without its slash WHEN fetched THEN a redirect to /simulator/ (the page's links are relative)."""
    answer = Client(Simulator(lambda: SECRET)).get("", environ_overrides={"SCRIPT_NAME": "/simulator"})
    assert answer.status_code in (301, 302, 308) and answer.headers["Location"].endswith("/simulator/")


@pytest.mark.parametrize("path", ["/../__init__.py", "/..%2f__init__.py", "/fonts/Sarabun-Evil.ttf"])
def test_nothing_outside_the_static_files_is_served(app, path):
    """GIVEN a path that climbs out of static/ or names another font WHEN fetched THEN 404."""
    assert app.get(path).status_code == 404


def test_a_body_from_this_machines_page_is_signed_as_line_signs_it(app):
    """GIVEN a JSON webhook body from the page WHEN signed THEN the signature is LINE's HMAC of those bytes with
    the channel secret (the webhook intake accepts it)."""
    answer = app.post("/sign", data=BODY, content_type="application/json",
                      headers={"Origin": "http://localhost", "Host": "localhost"})
    assert answer.status_code == 200 and is_valid(SECRET, BODY, answer.get_json()["signature"])


def test_the_secret_is_read_at_each_signing(app):
    """GIVEN the channel secret rotated WHEN a body is signed THEN with the new secret."""
    secrets = iter(["first-secret", "second-secret"])
    client = Client(Simulator(lambda: next(secrets)))
    signatures = [client.post("/sign", data=BODY, content_type="application/json").get_json()["signature"]
                  for _ in range(2)]
    assert is_valid("first-secret", BODY, signatures[0]) and is_valid("second-secret", BODY, signatures[1])


@pytest.mark.parametrize("headers,content_type", [
    ({"Host": "evil.example"}, "application/json"),                          # DNS rebinding to this machine
    ({"Origin": "https://evil.example"}, "application/json"),                # another site's page
    ({}, "text/plain"),                                                      # a form post needing no preflight
])
def test_signing_is_refused_off_this_machine_or_for_another_site(app, headers, content_type):
    """GIVEN a signing request with another Host, another site's Origin, or a body not sent as JSON WHEN posted
    THEN 403 with the reason, and no signature."""
    answer = app.post("/sign", data=BODY, content_type=content_type, headers=headers)
    assert answer.status_code == 403 and "signature" not in answer.get_json()


def test_a_body_that_is_not_json_is_not_signed(app):
    """GIVEN bytes that are not JSON WHEN posted to sign THEN 400: the simulator signs webhook bodies only."""
    assert app.post("/sign", data=b"not json", content_type="application/json").status_code == 400


def test_the_config_names_the_agency_and_the_webhook(app, monkeypatch):
    """GIVEN the deployment's agency WHEN the page reads its config THEN the agency, the webhook path and the
    destination user id of the bot."""
    monkeypatch.setenv("AGENCY_ID", "yala-city")
    config = app.get("/config").get_json()
    assert config["agency"] == "yala-city" and config["webhook"] == "/line/webhook"
    assert config["destination"].startswith("U") and len(config["destination"]) == 33
