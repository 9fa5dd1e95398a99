"""The fake LINE platform, driven through line-bot-sdk v3 over real HTTP (so the SDK and the fake agree),
and through raw HTTP for the bodies the SDK refuses to build."""

import json
import threading
import time
import uuid

import pytest
import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from werkzeug.serving import make_server
from werkzeug.test import Client

from infra.local.fake_line import FakeLine

TOKEN = "local-channel-access-token"
CITIZEN = "U" + "4af4980629" * 3 + "ab"
OTHER_CITIZEN = "U" + "91eeaf62d9" * 3 + "cd"
PUSH = "/v2/bot/message/push"

# Thai with a stacked vowel and tone mark (3 code points, 3 UTF-16 units) and a thumbs-up with a
# skin tone (2 code points, 4 UTF-16 units): far fewer code points than UTF-16 units
THAI_AND_EMOJI = "กี้👍🏽"
TEXT_OF_5000_UNITS = THAI_AND_EMOJI * 714 + "กี"
TEXT_OF_5001_UNITS = THAI_AND_EMOJI * 714 + "กี้"


class FakeClock:
    def __init__(self, now=1_767_225_600.0):  # 2026-01-01 07:00 JST
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def line(clock):
    return FakeLine(TOKEN, clock=clock)


@pytest.fixture
def base_url(line):
    server = make_server("127.0.0.1", 0, line, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def api_client(base_url):
    with ApiClient(Configuration(host=base_url, access_token=TOKEN)) as client:
        yield client


@pytest.fixture
def messaging(api_client):
    return MessagingApi(api_client)


@pytest.fixture
def raw(base_url):
    http = urllib3.PoolManager()

    def send(method, path, body=None, headers=None, token=TOKEN):
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode("utf-8")
        all_headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **(headers or {}),
        }
        response = http.request(method, base_url + path, body=data, headers=all_headers)
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        return response.status, response.headers, (json.loads(response.data) if is_json else response.data)

    return send


def text_push(to=CITIZEN, text="สวัสดีครับ"):
    return PushMessageRequest(to=to, messages=[TextMessage(text=text)])


def text_messages(n):
    return [{"type": "text", "text": f"ข้อความ {i}"} for i in range(n)]


def test_valid_push_is_recorded_in_the_citizens_inbox(line, messaging):
    """GIVEN a citizen WHEN the SDK pushes a Thai text THEN it answers sent message ids and the inbox holds it."""
    response = messaging.push_message(text_push(text="นัดหมายของคุณได้รับการยืนยันแล้ว"))

    assert len(response.sent_messages) == 1 and response.sent_messages[0].id.isdigit()
    [received] = line.received(CITIZEN)
    assert received["endpoint"] == "push"
    assert received["message"] == {"type": "text", "text": "นัดหมายของคุณได้รับการยืนยันแล้ว"}
    assert received["request_id"] == line.requests()[0]["request_id"]


def test_wrong_access_token_is_refused_with_401(line, base_url):
    """GIVEN a client with a stale token WHEN it pushes THEN LINE answers 401 and nothing is delivered."""
    with (
        ApiClient(Configuration(host=base_url, access_token="stale-token")) as client,
        pytest.raises(ApiException) as refused,
    ):
        MessagingApi(client).push_message(text_push())

    assert refused.value.status == 401
    assert refused.value.headers["x-line-request-id"]
    assert line.received(CITIZEN) == []


def test_rotated_token_is_read_at_each_request():
    """GIVEN a token source that rotates WHEN the old token is used after rotation THEN it is refused."""
    tokens = ["first-token"]
    rotating = FakeLine(lambda: tokens[-1])
    client = Client(rotating)
    body = {"to": CITIZEN, "messages": text_messages(1)}

    assert client.post(PUSH, json=body, headers={"Authorization": "Bearer first-token"}).status_code == 200
    tokens.append("second-token")
    assert client.post(PUSH, json=body, headers={"Authorization": "Bearer first-token"}).status_code == 401


def test_six_messages_in_one_request_are_refused(line, raw):
    """GIVEN six messages WHEN pushed THEN 400 names the messages property and nothing is delivered."""
    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": text_messages(6)})

    assert status == 400
    assert body["details"] == [{"message": "Size must be between 1 and 5", "property": "messages"}]
    assert line.received(CITIZEN) == []


def test_text_is_limited_to_5000_utf16_units(line, messaging):
    """GIVEN Thai with stacked marks and skin-toned emoji WHEN 5,000 then 5,001 UTF-16 units are pushed
    THEN the first is delivered and the second refused, though both are under 5,000 code points."""
    assert len(TEXT_OF_5001_UNITS) < 5000

    messaging.push_message(text_push(text=TEXT_OF_5000_UNITS))
    with pytest.raises(ApiException) as refused:
        messaging.push_message(text_push(text=TEXT_OF_5001_UNITS))

    assert refused.value.status == 400
    assert json.loads(refused.value.body)["details"][0]["property"] == "messages[0].text"
    assert [r["message"]["text"] for r in line.received(CITIZEN)] == [TEXT_OF_5000_UNITS]


def test_fourteen_quick_reply_items_are_refused(raw):
    """GIVEN a text with 14 quick reply buttons WHEN pushed THEN 400 names the quick reply items."""
    items = [
        {"type": "action", "action": {"type": "message", "label": f"ช่อง {i}", "text": "x"}} for i in range(14)
    ]
    message = {"type": "text", "text": "เลือกเวลา", "quickReply": {"items": items}}

    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [message]})

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].quickReply.items"


def test_quick_reply_label_over_20_characters_is_refused(raw):
    """GIVEN a quick reply label of 21 characters WHEN pushed THEN 400 names that label."""
    item = {"type": "action", "action": {"type": "message", "label": "ก" * 21, "text": "x"}}
    message = {"type": "text", "text": "เลือก", "quickReply": {"items": [item]}}

    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [message]})

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].quickReply.items[0].action.label"


def test_postback_data_of_301_characters_is_refused(raw):
    """GIVEN a postback button whose data is 301 characters WHEN pushed THEN 400 names the data property."""
    action = {"type": "postback", "label": "จอง", "data": "a" * 301}
    message = {
        "type": "text",
        "text": "จองคิว",
        "quickReply": {"items": [{"type": "action", "action": action}]},
    }

    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [message]})

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].quickReply.items[0].action.data"


def test_unknown_message_type_is_refused_with_the_known_types(raw):
    """GIVEN a message of a type LINE does not have WHEN pushed THEN 400 names messages[0].type."""
    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [{"type": "txt", "text": "hi"}]})

    assert status == 400
    [detail] = body["details"]
    assert detail["property"] == "messages[0].type"
    assert "text" in detail["message"] and "flex" in detail["message"]


def test_text_message_without_text_is_refused(raw):
    """GIVEN a text message with no text WHEN pushed THEN 400 names messages[0].text as required."""
    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [{"type": "text"}]})

    assert status == 400
    assert body["details"] == [{"message": "Must be specified", "property": "messages[0].text"}]


def test_undeclared_property_is_refused(raw):
    """GIVEN a text message with a property the spec does not declare WHEN pushed THEN 400 names it."""
    status, _, body = raw(
        "POST", PUSH, {"to": CITIZEN, "messages": [{"type": "text", "text": "hi", "txet": "x"}]}
    )

    assert status == 400
    assert body["details"] == [{"message": "Invalid property", "property": "messages[0].txet"}]


def test_flex_carousel_of_13_bubbles_is_refused(raw):
    """GIVEN a flex carousel of 13 bubbles WHEN pushed THEN 400 names the carousel contents."""
    bubble = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "contents": [{"type": "text", "text": "x"}]},
    }
    message = {
        "type": "flex",
        "altText": "บิลค่าน้ำ",
        "contents": {"type": "carousel", "contents": [bubble] * 13},
    }

    status, _, body = raw("POST", PUSH, {"to": CITIZEN, "messages": [message]})

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].contents.contents"


def test_flex_bubble_over_30_kb_is_refused(raw):
    """GIVEN a bubble whose JSON is over 30 KB WHEN pushed THEN 400 names the flex contents."""
    texts = [{"type": "text", "text": "ค่าน้ำประปา" * 20} for _ in range(50)]
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": texts}}

    status, _, body = raw(
        "POST", PUSH, {"to": CITIZEN, "messages": [{"type": "flex", "altText": "บิล", "contents": bubble}]}
    )

    assert status == 400
    assert body["details"][0]["property"] == "messages[0].contents"


def test_reply_token_is_single_use(line, messaging):
    """GIVEN a reply token minted for a citizen WHEN it is used twice THEN the first reply is delivered
    and the second is refused as an invalid reply token."""
    token = line.issue_reply_token(CITIZEN)
    messaging.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="รับเรื่องแล้ว")]))

    with pytest.raises(ApiException) as refused:
        messaging.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="ซ้ำ")]))

    assert refused.value.status == 400
    assert json.loads(refused.value.body) == {"message": "Invalid reply token"}
    assert [r["message"]["text"] for r in line.received(CITIZEN)] == ["รับเรื่องแล้ว"]


def test_reply_token_expires_after_60_seconds(line, messaging, clock):
    """GIVEN a reply token minted 61 s ago WHEN used, and used again THEN both are refused and nothing is delivered."""
    token = line.issue_reply_token(CITIZEN)
    clock.advance(61)

    with pytest.raises(ApiException) as refused:
        messaging.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="ช้าไป")]))

    with pytest.raises(ApiException) as retried:
        messaging.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="อีกครั้ง")]))

    assert json.loads(refused.value.body) == {"message": "Invalid reply token"}
    assert retried.value.status == 400
    assert line.received(CITIZEN) == line.received(None) == []


def test_reply_token_the_fake_never_minted_is_accepted_once(line, messaging):
    """GIVEN a token from a captured webhook WHEN used twice THEN the first reply goes through, the second not."""
    captured = "0f3779fba3b349968c5d07db31eabf65"
    messaging.reply_message(ReplyMessageRequest(reply_token=captured, messages=[TextMessage(text="ครั้งแรก")]))

    with pytest.raises(ApiException) as refused:
        messaging.reply_message(
            ReplyMessageRequest(reply_token=captured, messages=[TextMessage(text="ครั้งสอง")])
        )

    assert refused.value.status == 400
    assert [r["message"]["text"] for r in line.received(None)] == ["ครั้งแรก"]


def test_repeated_retry_key_gets_409_and_one_delivery(line, messaging):
    """GIVEN a push accepted with a retry key WHEN the same key is sent again THEN 409 carries the first
    request's id in x-line-accepted-request-id and the citizen has one message."""
    key = str(uuid.uuid4())
    first = messaging.push_message_with_http_info(text_push(), x_line_retry_key=key)

    with pytest.raises(ApiException) as conflict:
        messaging.push_message(text_push(), x_line_retry_key=key)

    assert conflict.value.status == 409
    assert conflict.value.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert json.loads(conflict.value.body)["message"] == "The retry key is already accepted"
    assert len(line.received(CITIZEN)) == 1


def test_retry_key_is_forgotten_after_24_hours(line, messaging, clock):
    """GIVEN a retry key accepted 24 h ago WHEN it is sent again THEN the push is delivered again."""
    key = str(uuid.uuid4())
    messaging.push_message(text_push(), x_line_retry_key=key)
    clock.advance(24 * 3600 + 1)

    messaging.push_message(text_push(), x_line_retry_key=key)

    assert len(line.received(CITIZEN)) == 2


def test_failed_request_does_not_consume_the_retry_key(line, messaging):
    """GIVEN a push that failed with an injected 500 WHEN retried with the same key THEN it is delivered once."""
    key = str(uuid.uuid4())
    line.inject(status=500, count=1, paths=[PUSH])
    with pytest.raises(ApiException) as failed:
        messaging.push_message(text_push(), x_line_retry_key=key)

    messaging.push_message(text_push(), x_line_retry_key=key)

    assert failed.value.status == 500
    assert len(line.received(CITIZEN)) == 1


def test_retry_key_that_is_not_a_uuid_is_refused(line, messaging):
    """GIVEN a retry key that is not a UUID WHEN pushed THEN 400 and nothing delivered."""
    with pytest.raises(ApiException) as refused:
        messaging.push_message(text_push(), x_line_retry_key="outbox-42")

    assert refused.value.status == 400
    assert line.received(CITIZEN) == []


def test_concurrent_pushes_with_one_retry_key_deliver_once(line, raw):
    """GIVEN 16 threads pushing with the same retry key at once WHEN they all finish
    THEN exactly one got 200, the rest 409, and the citizen has one message."""
    key = str(uuid.uuid4())
    statuses = []
    threads = [
        threading.Thread(
            target=lambda: statuses.append(
                raw("POST", PUSH, {"to": CITIZEN, "messages": text_messages(1)}, {"X-Line-Retry-Key": key})[0]
            )
        )
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 15
    assert len(line.received(CITIZEN)) == 1


def test_injected_429_for_two_requests_then_success(line, messaging):
    """GIVEN an injected 429 for two requests WHEN the push is tried three times
    THEN two answers are 429 with nothing delivered and the third delivers."""
    line.inject(status=429, count=2, paths=[PUSH])
    statuses = []
    for _ in range(3):
        try:
            messaging.push_message(text_push())
            statuses.append(200)
        except ApiException as error:
            statuses.append(error.status)

    assert statuses == [429, 429, 200]
    assert [r["status"] for r in line.requests()] == [429, 429, 200]
    assert len(line.received(CITIZEN)) == 1


def test_injected_latency_delays_the_answer(line, messaging):
    """GIVEN 300 ms latency injected for one request WHEN two pushes are sent
    THEN the first takes at least 300 ms and still delivers, and the fault is spent on it."""
    line.inject(latency_ms=300, count=1)

    started = time.monotonic()
    messaging.push_message(text_push())
    slow = time.monotonic() - started
    messaging.push_message(text_push())

    assert slow >= 0.3  # a lower bound only: how fast the second is depends on the machine
    assert line._take_fault("/v2/bot/message/push") is None
    assert len(line.received(CITIZEN)) == 2


def test_injected_late_answer_comes_after_the_work_is_done(line, messaging):
    """GIVEN 2 s of latency injected after the work for one push WHEN the SDK pushes with a 0.3 s read time-out
    THEN the SDK gives up waiting, yet the citizen has the message: LINE took it and answered late."""
    line.inject(latency_ms=2000, after=True, count=1, paths=[PUSH])

    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        messaging.push_message(text_push(), _request_timeout=(1, 0.3))

    [received] = line.received(CITIZEN)
    assert received["endpoint"] == "push"


def test_injected_body_answers_200_that_cannot_be_parsed_after_delivering(line, base_url):
    """GIVEN a fault of status 200 with the body "not json" for one push WHEN a push is sent
    THEN the answer is 200 with exactly that body and a request id, and the citizen has the message."""
    line.inject(status=200, body="not json", count=1, paths=[PUSH])

    answer = urllib3.PoolManager().request("POST", base_url + PUSH, json={"to": CITIZEN, "messages": text_messages(1)},
                                           headers={"Authorization": f"Bearer {TOKEN}"})

    assert (answer.status, answer.data) == (200, b"not json")
    [received] = line.received(CITIZEN)
    assert received["request_id"] == answer.headers["x-line-request-id"]


def test_control_endpoint_injects_a_late_answer_and_a_garbage_body(line, base_url, raw):
    """GIVEN {"latencyMs": 2000, "after": true, "status": 200, "body": "not json"} posted to /_fake/faults
    WHEN a push is sent with a 0.3 s read time-out THEN the client times out and the citizen has the message."""
    raw("POST", "/_fake/faults",
        {"latencyMs": 2000, "after": True, "status": 200, "body": "not json", "count": 1, "paths": [PUSH]},
        token="")

    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        urllib3.PoolManager(retries=False).request(
            "POST", base_url + PUSH, json={"to": CITIZEN, "messages": text_messages(1)},
            headers={"Authorization": f"Bearer {TOKEN}"}, timeout=urllib3.Timeout(connect=1, read=0.3))

    assert len(line.received(CITIZEN)) == 1


def test_push_to_a_blocked_citizen_is_refused(line, messaging):
    """GIVEN a citizen who blocked the account WHEN pushed to THEN 400 and nothing delivered."""
    line.block(CITIZEN)

    with pytest.raises(ApiException) as refused:
        messaging.push_message(text_push())

    assert refused.value.status == 400
    assert line.received(CITIZEN) == []


def test_push_to_a_malformed_user_id_is_refused(line, messaging):
    """GIVEN a recipient that is not a LINE id WHEN pushed to THEN 400 names the 'to' property."""
    with pytest.raises(ApiException) as refused:
        messaging.push_message(text_push(to="somchai"))

    assert refused.value.status == 400
    assert "'to'" in json.loads(refused.value.body)["message"]


def test_broadcast_reaches_followers_but_not_blocked_ones_and_multicast_skips_blocked(line, raw):
    """GIVEN two followers, one of whom blocked the account WHEN a broadcast and a multicast go to both
    THEN only the follower who did not block receives them."""
    line.set_profile(CITIZEN, "สมชาย")
    line.set_profile(OTHER_CITIZEN, "สมหญิง")
    line.block(OTHER_CITIZEN)

    broadcast, _, _ = raw("POST", "/v2/bot/message/broadcast", {"messages": text_messages(1)})
    multicast, _, _ = raw(
        "POST", "/v2/bot/message/multicast", {"to": [CITIZEN, OTHER_CITIZEN], "messages": text_messages(1)}
    )

    assert (broadcast, multicast) == (200, 200)
    assert [r["endpoint"] for r in line.received(CITIZEN)] == ["broadcast", "multicast"]
    assert line.received(OTHER_CITIZEN) == []


def test_message_content_is_served_with_its_type_and_unknown_ids_get_404(line, api_client):
    """GIVEN a photo a citizen sent WHEN its content is fetched THEN the bytes come back, and an
    unknown message id gets 404."""
    photo = b"\xff\xd8\xff\xe0 a pothole"
    line.put_content("468789577898262530", photo, "image/jpeg")
    blob = MessagingApiBlob(api_client)

    fetched = blob.get_message_content_with_http_info("468789577898262530")
    with pytest.raises(ApiException) as missing:
        blob.get_message_content("468789577898262531")

    assert bytes(fetched.data) == photo
    assert fetched.headers["Content-Type"] == "image/jpeg"
    assert missing.value.status == 404


def test_profile_defaults_to_a_thai_user_and_follows_set_profile(line, messaging):
    """GIVEN one citizen with a set profile and one without WHEN their profiles are fetched
    THEN the set one is returned as set and the other is the default Thai profile."""
    line.set_profile(CITIZEN, "สมชาย ใจดี", language="en", picture_url="https://profile.line-scdn.net/x")

    known = messaging.get_profile(CITIZEN)
    unknown = messaging.get_profile(OTHER_CITIZEN)

    assert (known.display_name, known.language, known.picture_url) == (
        "สมชาย ใจดี",
        "en",
        "https://profile.line-scdn.net/x",
    )
    assert (unknown.display_name, unknown.language, unknown.user_id) == ("ผู้ใช้ทดสอบ", "th", OTHER_CITIZEN)


def test_profile_of_a_malformed_user_id_is_404(messaging):
    """GIVEN an id that is not a LINE user id WHEN its profile is fetched THEN 404."""
    with pytest.raises(ApiException) as missing:
        messaging.get_profile("not-a-user")

    assert missing.value.status == 404


def test_loading_animation_is_accepted_for_a_user(line, messaging, raw):
    """GIVEN a citizen WHEN the loading animation starts for 5 s THEN 202; for 7 s THEN 400."""
    messaging.show_loading_animation(ShowLoadingAnimationRequest(chat_id=CITIZEN, loading_seconds=5))
    status, _, _ = raw("POST", "/v2/bot/chat/loading/start", {"chatId": CITIZEN, "loadingSeconds": 7})

    assert [r["status"] for r in line.requests()] == [202, 400]
    assert status == 400


def test_quota_consumption_counts_pushes_and_multicast_recipients_not_replies(line, messaging, raw):
    """GIVEN two pushes, a multicast to two citizens and a reply WHEN consumption is read
    THEN it is 4: one per push, one per multicast recipient, none for the reply."""
    messaging.push_message(text_push())
    messaging.push_message(text_push())
    raw("POST", "/v2/bot/message/multicast", {"to": [CITIZEN, OTHER_CITIZEN], "messages": text_messages(2)})
    token = line.issue_reply_token(CITIZEN)
    messaging.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="ตอบ")]))

    assert messaging.get_message_quota_consumption().total_usage == 4
    assert messaging.get_message_quota().type == "none"


def test_control_endpoints_mint_tokens_and_show_the_inbox(raw):
    """GIVEN a person with curl WHEN they mint a reply token, reply with it and read the inbox over HTTP
    THEN the inbox shows the reply and the request log shows it answered 200."""
    _, _, minted = raw("POST", "/_fake/reply-tokens", {"userId": CITIZEN}, token="")
    raw("POST", "/v2/bot/message/reply", {"replyToken": minted["replyToken"], "messages": text_messages(1)})

    _, _, inbox = raw("GET", f"/_fake/inbox/{CITIZEN}", token="")
    _, _, requests = raw("GET", "/_fake/requests", token="")

    assert [(r["endpoint"], r["message"]["text"]) for r in inbox] == [("reply", "ข้อความ 0")]
    assert [(r["path"], r["status"]) for r in requests] == [("/v2/bot/message/reply", 200)]


def test_control_endpoint_injects_faults_until_deleted(raw):
    """GIVEN a 503 injected over HTTP with no count WHEN pushes are sent before and after DELETE /_fake/faults
    THEN the first answers 503 and the second 200."""
    raw("POST", "/_fake/faults", {"status": 503, "paths": [PUSH]}, token="")
    before, _, _ = raw("POST", PUSH, {"to": CITIZEN, "messages": text_messages(1)})
    raw("DELETE", "/_fake/faults", token="")
    after, _, _ = raw("POST", PUSH, {"to": CITIZEN, "messages": text_messages(1)})

    assert (before, after) == (503, 200)


def test_control_endpoint_stores_content_with_its_content_type(raw):
    """GIVEN a photo posted raw to /_fake/content/{id} WHEN LINE's content endpoint is asked for it
    THEN the same bytes come back with the same Content-Type."""
    photo = b"\x89PNG\r\n\x1a\n a flooded street"
    raw("POST", "/_fake/content/468789577898262532", photo, {"Content-Type": "image/png"}, token="")

    status, headers, fetched = raw("GET", "/v2/bot/message/468789577898262532/content")

    assert (status, headers["Content-Type"], fetched) == (200, "image/png", photo)


def test_300_pushes_in_a_row_are_each_validated_and_recorded(line):
    """GIVEN a push with one Thai text WHEN it goes through the whole WSGI app 300 times THEN every one is
    accepted and recorded (its speed is a figure of make bench, not a test)."""
    client = Client(line)
    body = {"to": CITIZEN, "messages": text_messages(1)}
    headers = {"Authorization": f"Bearer {TOKEN}"}

    statuses = {client.post(PUSH, json=body, headers=headers).status_code for _ in range(300)}

    assert statuses == {200}
    assert len(line.received(CITIZEN)) == 300


def test_a_ceiling_per_endpoint_answers_429_above_it_without_doing_the_work(line, raw, clock):
    """GIVEN a push ceiling of 2 a second and a multicast ceiling of 1 WHEN 3 pushes and 2 multicasts come within
    one second (by the clock) THEN the third push and the second multicast answer 429 like LINE, deliver
    nothing and leave their retry keys unused; a second later pushes go through again."""
    line.limit(ceilings={"push": 2, "multicast": 1})
    keys = [str(uuid.uuid4()) for _ in range(3)]
    statuses = [raw("POST", "/v2/bot/message/push", {"to": CITIZEN, "messages": text_messages(1)},
                    {"X-Line-Retry-Key": key})[0] for key in keys]
    multicasts = [raw("POST", "/v2/bot/message/multicast", {"to": [OTHER_CITIZEN], "messages": text_messages(1)})[0]
                  for _ in range(2)]
    assert statuses == [200, 200, 429] and multicasts == [200, 429]
    assert len(line.received(CITIZEN)) == 2 and len(line.received(OTHER_CITIZEN)) == 1
    clock.advance(1.0)
    assert raw("POST", "/v2/bot/message/push", {"to": CITIZEN, "messages": text_messages(1)},
               {"X-Line-Retry-Key": keys[2]})[0] == 200


def test_a_limited_quota_is_reported_and_a_send_over_it_is_refused_with_lines_monthly_limit(line, raw, clock):
    """GIVEN a quota of 3 messages this month WHEN a multicast to 2 and then one to 2 more are sent THEN the quota
    reads limited/3, the second is refused 429 "monthly limit" and delivers to nobody; a new month (JST) counts
    from zero again."""
    raw("POST", "/_fake/limits", {"quota": 3})
    assert raw("GET", "/v2/bot/message/quota")[2] == {"type": "limited", "value": 3}
    first = raw("POST", "/v2/bot/message/multicast", {"to": [CITIZEN, OTHER_CITIZEN], "messages": text_messages(1)})
    second = raw("POST", "/v2/bot/message/multicast", {"to": [CITIZEN, OTHER_CITIZEN], "messages": text_messages(1)})
    assert first[0] == 200 and second[0] == 429 and "monthly limit" in second[2]["message"]
    assert raw("GET", "/v2/bot/message/quota/consumption")[2] == {"totalUsage": 2}
    clock.advance(31 * 86400)
    assert raw("POST", "/v2/bot/message/multicast", {"to": [CITIZEN, OTHER_CITIZEN],
                                                     "messages": text_messages(1)})[0] == 200
    raw("DELETE", "/_fake/limits")
    assert raw("GET", "/v2/bot/message/quota")[2] == {"type": "none"}
