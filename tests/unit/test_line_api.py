"""civic.line_api's reading of LINE's answers and of the network, against real sockets on loopback
(RELIABILITY rows 46, 47) and its rule for where the channel token may go."""

import socket
import threading

import pytest
from werkzeug.serving import make_server

from civic import channel, line_api
from infra.local.fake_line import FakeLine

TOKEN = "unit-channel-access-token"
CITIZEN = "U" + "4af4980629" * 3 + "ab"
TEXT = [{"type": "text", "text": "แจ้งเตือน: พรุ่งนี้ 09:00 น."}]


@pytest.fixture(autouse=True)
def token(monkeypatch):
    reads = []
    monkeypatch.setattr(channel, "access_token", lambda: reads.append(1) or TOKEN)
    monkeypatch.setenv("LINE_READ_TIMEOUT_S", "0.5")
    return reads


def _endpoint(monkeypatch, url: str) -> None:
    monkeypatch.setenv("LINE_API_ENDPOINT", url)


@pytest.fixture
def fake_line(monkeypatch):
    line = FakeLine(TOKEN)
    server = make_server("127.0.0.1", 0, line, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    _endpoint(monkeypatch, f"http://127.0.0.1:{server.server_port}")
    yield line
    server.shutdown()
    thread.join()


@pytest.fixture
def silent_server(monkeypatch):
    """A server that reads each request, then answers nothing: it either hangs up or keeps silent."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    behaviour = {"hang_up": False}
    held = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.recv(65536)
            if behaviour["hang_up"]:
                conn.close()
            else:
                held.append(conn)  # kept open and silent until the test ends

    threading.Thread(target=serve, daemon=True).start()
    _endpoint(monkeypatch, f"http://127.0.0.1:{listener.getsockname()[1]}")
    yield behaviour
    listener.close()
    for conn in held:
        conn.close()


def test_a_refused_connection_is_retryable_and_known_never_to_have_reached_line(monkeypatch):
    """GIVEN nothing listens at LINE's address WHEN a reply is sent THEN the answer is retryable and not
    unanswered: the request certainly never reached LINE, so a stale token may fall back to a push."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _endpoint(monkeypatch, f"http://127.0.0.1:{port}")

    answer = line_api.reply("0f3779fba3b349968c5d07db31eab56f", TEXT)

    assert (answer.outcome, answer.unanswered) == ("retryable", False)
    assert "NewConnectionError" in answer.error


def test_a_read_time_out_after_the_request_was_sent_is_unanswered(silent_server):
    """GIVEN LINE reads the request and keeps silent past the read time-out WHEN a reply is sent THEN the answer
    is retryable and unanswered: LINE may have taken it and used the token."""
    answer = line_api.reply("0f3779fba3b349968c5d07db31eab56f", TEXT)

    assert (answer.outcome, answer.unanswered) == ("retryable", True)
    assert "ReadTimeoutError" in answer.error


def test_a_connection_dropped_after_the_request_was_sent_is_unanswered(silent_server):
    """GIVEN LINE reads the request and hangs up without an answer WHEN a reply is sent THEN the answer is
    retryable and unanswered."""
    silent_server["hang_up"] = True

    answer = line_api.reply("0f3779fba3b349968c5d07db31eab56f", TEXT)

    assert (answer.outcome, answer.unanswered) == ("retryable", True)


def test_a_push_answered_200_with_a_body_that_is_not_json_is_delivered_with_its_request_id(fake_line):
    """GIVEN LINE delivers a push and answers 200 with a body that is not JSON WHEN the push is sent THEN it is
    delivered, with the x-line-request-id LINE gave, and the citizen has the message (row 47)."""
    fake_line.inject(status=200, body="not json", count=1)

    answer = line_api.push(CITIZEN, TEXT, "E1.0")

    assert (answer.outcome, answer.http_status) == ("delivered", 200)
    assert answer.request_id == fake_line.requests()[0]["request_id"]
    assert len(fake_line.received(CITIZEN)) == 1


def test_a_non_2xx_still_raises_through_the_raw_answer_and_is_classified(fake_line):
    """GIVEN LINE answers 429 WHEN a push is sent with the raw answer THEN it is retryable with LINE's request id,
    as when the SDK parsed the body."""
    fake_line.inject(status=429, count=1)

    answer = line_api.push(CITIZEN, TEXT, "E1.0")

    assert (answer.outcome, answer.http_status) == ("retryable", 429)
    assert answer.request_id == fake_line.requests()[0]["request_id"]


def test_a_profile_answered_200_with_a_body_that_is_not_json_is_none(fake_line):
    """GIVEN LINE answers a profile request 200 with a body that is not JSON WHEN the profile is read THEN it is
    None, as for a citizen LINE will not describe, rather than an error."""
    fake_line.inject(status=200, body="not json", count=1)

    assert line_api.profile(CITIZEN) is None


@pytest.mark.parametrize("url", ["https://api.line.me", "https://line.example.org/proxy",
                                 "http://127.0.0.1:3000/_line", "http://localhost:8080", "http://localhost/_line"])
def test_https_and_plain_http_to_this_machine_are_safe_endpoints(url):
    """GIVEN an https endpoint, or plain http to 127.0.0.1/localhost WHEN checked THEN the token may go there."""
    assert line_api.safe_endpoint(url)


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.8:3000/_line", "http://127.0.0.1.nip.io/",
                                 "http://localhost@example.com/", "ftp://api.line.me", "https://", "api.line.me"])
def test_plain_http_off_this_machine_and_other_schemes_are_not_safe_endpoints(url):
    """GIVEN plain http to another host, a host that only starts like loopback, or no https WHEN checked
    THEN the token may not go there."""
    assert not line_api.safe_endpoint(url)


def test_the_channel_token_is_not_even_read_for_a_plain_http_endpoint_off_this_machine(monkeypatch, token):
    """GIVEN LINE_API_ENDPOINT=http://example.com WHEN a push is sent THEN it is refused before the channel token
    is read, so the token never travels in clear."""
    _endpoint(monkeypatch, "http://example.com")

    with pytest.raises(line_api.InsecureEndpoint):
        line_api.push(CITIZEN, TEXT, "E1.0")

    assert token == []


def test_a_tls_failure_the_sdk_reports_as_status_0_is_retryable_not_refused():
    """GIVEN the SDK's ApiException with status 0 (how it wraps a failed TLS handshake) WHEN classified THEN
    retryable and not unanswered (the handshake fails before a request is sent), never "rejected" — which would
    mark the citizen undeliverable for a network fault."""
    from linebot.v3.messaging import ApiException

    answer = line_api._classify(ApiException(status=0, reason="SSLError: certificate verify failed"))
    assert (answer.outcome, answer.http_status, answer.unanswered) == ("retryable", None, False)


def test_a_429_for_the_months_quota_is_refused_not_retried_and_the_quota_is_read(fake_line):
    """GIVEN LINE's quota of 1 message, already used WHEN a push is sent THEN its 429 "monthly limit" is a
    refusal (retrying cannot help this month), and quota() / consumption() read LINE's numbers."""
    fake_line.limit(quota=1)
    assert line_api.push(CITIZEN, TEXT, "quota-1").outcome == "delivered"
    answer = line_api.push(CITIZEN, TEXT, "quota-2")
    assert (answer.outcome, answer.http_status) == ("rejected", 429) and answer.error.startswith("quota:")
    assert (line_api.quota(), line_api.consumption()) == (1, 1)


def test_a_rate_429_stays_retryable():
    """GIVEN LINE's rate-limit 429 WHEN classified THEN retryable (the same request will go through later)."""
    from linebot.v3.messaging import ApiException

    error = ApiException(status=429, reason="Too Many Requests")
    error.body = b'{"message":"The API rate limit has been exceeded. Try again later."}'
    assert line_api._classify(error).outcome == "retryable"
