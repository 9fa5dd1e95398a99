import json

import pytest

from civic import webhook
from civic.postback import Postback
from tests.conftest import LINE_SPECS


def _sample_events() -> list[dict]:
    return json.loads((LINE_SPECS / "sdk-webhook-sample.json").read_text())["events"]


def test_every_event_type_in_lines_sample_is_routed_to_a_domain():
    """GIVEN LINE's sample of every event type WHEN routed THEN each goes to a known domain queue (row 29)."""
    routed = {webhook.route(e) for e in _sample_events()}
    assert routed <= {"citizen", "booking", "complaint", "bill"}


def test_unknown_event_types_and_fields_go_to_citizen_basics():
    """GIVEN an event type LINE has not invented yet WHEN routed THEN the citizen basics take it."""
    assert webhook.route({"type": "hologram", "newField": {"x": 1}}) == "citizen"


@pytest.mark.parametrize("domain", ["booking", "complaint", "bill", "citizen"])
def test_a_postback_goes_to_the_domain_named_in_its_data(domain):
    """GIVEN a postback of a domain WHEN routed THEN its domain's queue."""
    data = Postback(domain, "start").encode()
    assert webhook.route({"type": "postback", "postback": {"data": data}}) == domain


def test_a_typed_keyword_starts_its_service():
    """GIVEN the citizen types "จองคิว" WHEN routed THEN the booking queue."""
    event = {"type": "message", "message": {"type": "text", "text": " จองคิว "}}
    assert webhook.route(event) == "booking"


def test_the_chat_id_is_the_group_before_the_user():
    """GIVEN an event in a group WHEN its chat id is taken THEN the group id (FIFO order per chat)."""
    assert webhook.chat_id({"source": {"type": "group", "groupId": "Cg1", "userId": "U1"}}) == "Cg1"
    assert webhook.chat_id({"source": {"type": "user", "userId": "U1"}}) == "U1"
    assert webhook.chat_id({}) == "unattributed"


@pytest.mark.parametrize("body", [b"", b"not json", b"[]", b'{"events": {}}', b"\xff\xfe"])
def test_a_body_that_is_not_a_webhook_raises_the_typed_error(body):
    """GIVEN a body that is not a LINE webhook WHEN parsed THEN WebhookError."""
    with pytest.raises(webhook.WebhookError):
        webhook.parse(body)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children,
                                                                                       max_size=4), max_leaves=20)


@given(st.binary(max_size=2000))
def test_fuzzed_bodies_only_raise_the_typed_error(body):
    """GIVEN arbitrary bytes WHEN parsed as a webhook THEN events or WebhookError, nothing else (row 30)."""
    try:
        webhook.parse(body)
    except webhook.WebhookError:
        pass


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["type", "source", "message", "postback", "mode", "x"]), _json, max_size=5))
def test_routing_any_event_shape_never_fails(event):
    """GIVEN an event of any shape WHEN routed and its chat id taken THEN a known domain and a string (row 30)."""
    assert webhook.route(event) in {"citizen", "booking", "complaint", "bill"}
    assert isinstance(webhook.chat_id(event), str)


def test_a_huge_body_parses_in_linear_time():
    """GIVEN a 900 kB body of many events WHEN parsed THEN every event comes back (no slow path)."""
    body = ('{"events": [' + ",".join(['{"type":"follow","source":{"userId":"U1"}}'] * 20000) + "]}").encode()
    assert len(webhook.parse(body)[1]) == 20000
