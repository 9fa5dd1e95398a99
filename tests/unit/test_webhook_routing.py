import json

import pytest

from civic import domains, webhook
from civic.postback import Postback
from tests.conftest import LINE_SPECS

KNOWN = set(domains.BY_NAME)


def _sample_events() -> list[dict]:
    return json.loads((LINE_SPECS / "sdk-webhook-sample.json").read_text())["events"]


def test_every_event_type_in_lines_sample_is_routed_to_a_domain():
    """GIVEN LINE's sample of every event type WHEN routed THEN each goes to a known domain queue (row 29)."""
    routed = {webhook.route(e) for e in _sample_events()}
    assert routed <= KNOWN


def test_unknown_event_types_and_fields_go_to_citizen_basics():
    """GIVEN an event type LINE has not invented yet WHEN routed THEN the citizen basics take it."""
    assert webhook.route({"type": "hologram", "newField": {"x": 1}}) == "citizen"


@pytest.mark.parametrize("domain", sorted(KNOWN))
def test_a_postback_goes_to_the_domain_named_in_its_data(domain):
    """GIVEN a postback of a domain WHEN routed THEN its domain's queue."""
    data = Postback(domain, "start").encode()
    assert webhook.route({"type": "postback", "postback": {"data": data}}) == domain


def test_a_postback_of_a_domain_that_is_not_deployed_goes_to_the_citizen_basics():
    """GIVEN postback data naming a domain code the registry does not know WHEN routed THEN the citizen
    basics (which answer "this button no longer works"), never a queue nobody reads."""
    assert webhook.route({"type": "postback", "postback": {"data": "1/zz/start"}}) == "citizen"


def _focused_domain() -> domains.Domain:
    return domains.Domain("drafting", "dr", "DRAFTING_QUEUE_URL", focus_messages=frozenset({"text", "image"}),
                          focus_actions=frozenset({"new"}))


@pytest.fixture
def drafting(monkeypatch):
    """A domain that takes text and photos while it holds a chat's focus (as complaints will)."""
    domain = _focused_domain()
    monkeypatch.setattr(domains, "DOMAINS", (*domains.DOMAINS, domain))
    monkeypatch.setitem(domains.BY_NAME, domain.name, domain)
    monkeypatch.setitem(domains.BY_CODE, domain.code, domain)
    return domain


def test_a_message_goes_to_the_domain_holding_the_chats_focus(drafting):
    """GIVEN a chat whose focus a drafting domain holds WHEN the citizen sends free text or a photo THEN it
    goes to that domain; a sticker (which it does not take) still goes to the citizen basics."""
    text = {"type": "message", "message": {"type": "text", "text": "ไฟดับทั้งซอย"}}
    photo = {"type": "message", "message": {"type": "image", "id": "1"}}
    sticker = {"type": "message", "message": {"type": "sticker", "packageId": "1", "stickerId": "1"}}
    assert [webhook.route(e, "drafting") for e in (text, photo, sticker)] == ["drafting", "drafting", "citizen"]
    assert webhook.route(text, None) == "citizen"


def test_a_keyword_wins_over_the_focus(drafting):
    """GIVEN a chat with an open draft WHEN the citizen types "จองคิว" THEN booking starts (they changed their mind)."""
    event = {"type": "message", "message": {"type": "text", "text": "จองคิว"}}
    assert webhook.route(event, "drafting") == "booking"


def test_a_postback_that_opens_a_draft_hands_over_the_focus(drafting):
    """GIVEN the drafting domain's "new" button WHEN tapped THEN the chat's focus goes to it; another of its
    buttons, another domain's, or data that is not ours hands over nothing."""
    def tap(data):
        return {"type": "postback", "postback": {"data": data}}
    assert webhook.takes_focus(tap(Postback("drafting", "new").encode())) == "drafting"
    assert webhook.takes_focus(tap(Postback("drafting", "cancel").encode())) is None
    assert webhook.takes_focus(tap(Postback("booking", "start").encode())) is None
    assert webhook.takes_focus(tap("' OR 1=1")) is None
    assert webhook.takes_focus({"type": "message", "message": {"type": "text", "text": "new"}}) is None


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
    assert webhook.route(event) in KNOWN
    assert isinstance(webhook.chat_id(event), str)


@pytest.mark.parametrize("depth", [33, 5000, 200_000])
def test_a_body_nested_too_deeply_raises_the_typed_error(depth):
    """GIVEN a signed body nested thousands of levels deep WHEN parsed THEN WebhookError with the reason, never
    a RecursionError (row 48)."""
    body = ('{"events": [' + '{"a": ' * depth + "1" + "}" * depth + "]}").encode()
    with pytest.raises(webhook.WebhookError, match="deeper than"):
        webhook.parse(body)


def test_lines_own_sample_is_well_within_the_depth_limit():
    """GIVEN LINE's sample of every event type WHEN parsed THEN all of it is accepted."""
    body = (LINE_SPECS / "sdk-webhook-sample.json").read_bytes()
    assert len(webhook.parse(body)[1]) == len(_sample_events())


def test_a_huge_body_parses_in_linear_time():
    """GIVEN a 900 kB body of many events WHEN parsed THEN every event comes back (no slow path)."""
    body = ('{"events": [' + ",".join(['{"type":"follow","source":{"userId":"U1"}}'] * 20000) + "]}").encode()
    assert len(webhook.parse(body)[1]) == 20000


def test_an_unsend_goes_to_the_domain_that_keeps_what_citizens_write():
    """GIVEN a citizen unsending a message WHEN routed THEN it goes to the complaint domain (the registry's
    `event_types`), which hides the message's content wherever it went; the focus does not matter (row 40)."""
    unsend = {"type": "unsend", "source": {"type": "user", "userId": "U" + "1" * 32}, "unsend": {"messageId": "1"}}
    assert webhook.route(unsend) == "complaint"
    assert webhook.route(unsend, focus="booking") == "complaint"


def test_tapping_a_category_hands_the_chat_to_the_complaint_desk():
    """GIVEN the postback of a complaint category WHEN the intake asks which domain takes the focus THEN the
    complaint domain, so the words, photos and place sent next reach its draft in order."""
    tap = {"type": "postback", "postback": {"data": Postback("complaint", "cat", {"c": "road"}).encode()}}
    assert webhook.takes_focus(tap) == "complaint"
    for kind in ("text", "image", "location"):
        assert webhook.route({"type": "message", "message": {"type": kind, "id": "1", "text": "น้ำท่วมซอย 5"}},
                             focus="complaint") == "complaint"
    assert webhook.route({"type": "message", "message": {"type": "text", "text": "จองคิว"}}, focus="complaint") == "booking"
