"""Routes behind the HttpApi's JWT authorizer, verified locally as API Gateway would."""

import logging

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.auth import AUDIENCE

from .conftest import http, rows

UNAUTHORIZED = {"message": "Unauthorized"}


def whoami(stack, authorization=None):
    return http("GET", f"{stack.url}/agency/whoami", headers={"Authorization": authorization} if authorization else {})


def test_valid_token_reaches_the_handler_with_claims_as_api_gateway_passes_them(stack):
    """GIVEN a token issued for agency-1 as officer
    WHEN the default-authorized route is called with it
    THEN the handler gets requestContext.authorizer.jwt with the claims as strings (lists as "[a b]")."""
    token = stack.issue_token("agency-1", "officer", sub="staff-7")

    answer = whoami(stack, f"Bearer {token}")

    assert answer.status == 201
    authorizer = answer.json()["event"]["requestContext"]["authorizer"]
    assert authorizer["jwt"]["scopes"] is None
    claims = authorizer["jwt"]["claims"]
    assert claims["custom:agency_id"] == "agency-1"
    assert claims["cognito:groups"] == "[officer]"
    assert claims["sub"] == "staff-7"
    assert claims["token_use"] == "id"
    assert claims["aud"] == AUDIENCE
    assert claims["iss"] == f"{stack.url}/local-idp"
    assert int(claims["exp"]) > int(claims["iat"])


def test_missing_token_is_refused_without_invoking_the_function(stack, caplog):
    """GIVEN the route needs the StaffJwt authorizer
    WHEN it is called without an Authorization header
    THEN the answer is 401 Unauthorized, the handler writes nothing and the attempt is logged."""
    before = len(rows(stack, "agency-call"))
    with caplog.at_level(logging.WARNING, logger="infra.local.http_front"):
        answer = whoami(stack)

    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)
    assert len(rows(stack, "agency-call")) == before
    assert "401 GET /agency/whoami: no token" in caplog.text


def test_expired_token_is_refused_and_the_log_holds_the_reason_not_the_token(stack, caplog):
    """GIVEN a token that expired a minute ago
    WHEN the route is called with it
    THEN the answer is 401 and the log says why without the token."""
    token = stack.issue_token("agency-1", "officer", expires_in=-60)
    with caplog.at_level(logging.WARNING, logger="infra.local.http_front"):
        answer = whoami(stack, f"Bearer {token}")

    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)
    assert "token expired" in caplog.text
    assert token not in caplog.text


def test_forged_token_is_refused(stack):
    """GIVEN a token with the right claims signed by another key
    WHEN the route is called with it
    THEN the answer is 401."""
    genuine = jwt.decode(stack.issue_token("agency-1", "admin"), options={"verify_signature": False})
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(genuine, forger, algorithm="RS256")

    answer = whoami(stack, f"Bearer {forged}")

    assert (answer.status, answer.json()) == (401, UNAUTHORIZED)


def test_route_with_authorizer_none_is_open(stack):
    """GIVEN /agency/open says Auth.Authorizer NONE on an API whose default authorizer is StaffJwt
    WHEN it is called without a token
    THEN the handler answers and gets no authorizer context."""
    answer = http("GET", f"{stack.url}/agency/open")

    assert answer.status == 201
    assert "authorizer" not in answer.json()["event"]["requestContext"]


def test_token_helper_issues_a_token_the_front_accepts(stack):
    """GIVEN the human helper GET /_local/token
    WHEN a token is asked for agency-2 as supervisor and used
    THEN the authorized route accepts it and sees that agency and role."""
    issued = http("GET", f"{stack.url}/_local/token?agency=agency-2&role=supervisor").json()

    claims = whoami(stack, issued["authorization"]).json()["event"]["requestContext"]["authorizer"]["jwt"]["claims"]

    assert (claims["custom:agency_id"], claims["cognito:groups"]) == ("agency-2", "[supervisor]")
