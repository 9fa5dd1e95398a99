"""The agency API skeleton behind the template's JWT authorizer (RELIABILITY row 33)."""

import json
import urllib.error
import urllib.request

import pytest


def _call(url: str, token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def test_a_staff_token_says_who_is_calling(dev):
    """GIVEN a supervisor's token for an agency WHEN GET /agency/me THEN the agency and role in it."""
    status, me = _call(f"{dev.url}/agency/me", dev.stack.issue_token("pwa-bangkhen", "supervisor", sub="s-1"))
    assert status == 200 and me == {"subject": "s-1", "agency_id": "pwa-bangkhen", "role": "supervisor"}


@pytest.mark.parametrize("token", [None, "expired", "forged", "not.a.jwt"])
def test_no_data_without_a_valid_token(dev, token):
    """GIVEN no token, an expired one, one with a forged signature, or junk WHEN GET /agency/me THEN 401 and no
    data."""
    if token == "expired":
        token = dev.stack.issue_token("pwa-bangkhen", "officer", expires_in=-60)
    elif token == "forged":
        header, claims, signature = dev.stack.issue_token("pwa-bangkhen", "officer").split(".")
        token = ".".join([header, claims, signature[::-1]])
    status, body = _call(f"{dev.url}/agency/me", token)
    assert status == 401 and "agency_id" not in body


def test_the_openapi_document_is_generated_from_the_code_and_public(dev):
    """GIVEN no token WHEN GET /agency/openapi.json THEN an OpenAPI 3 document listing /agency/me."""
    status, document = _call(f"{dev.url}/agency/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.")
    assert "/agency/me" in document["paths"]
    assert document["components"]["securitySchemes"]["staffJwt"]["scheme"] == "bearer"
