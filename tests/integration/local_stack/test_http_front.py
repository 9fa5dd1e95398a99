"""HttpApi routes served with API Gateway's payload format 2.0 and its response rules."""

import base64
import json

from .conftest import http


def echoed_event(answer):
    return answer.json()["event"]


def test_route_passes_a_payload_2_0_event_with_path_query_headers_and_cookies(stack):
    """GIVEN the route POST /items/{itemId}
    WHEN a JSON body is posted with a repeated query parameter, a repeated header and cookies
    THEN the handler receives the 2.0 event: route key, raw path and query, joined values, lower-case
    headers without the cookie header, cookies, path parameters, the text body and the request context."""
    answer = http("POST", f"{stack.url}/items/42?lang=th&tag=a&tag=b", body=b'{"name": "\xe0\xb8\x81"}',
                  headers=[("Content-Type", "application/json"), ("X-Trace", "one"), ("X-Trace", "two"),
                           ("Cookie", "session=abc; theme=dark"), ("User-Agent", "pytest")])
    event = echoed_event(answer)

    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /items/{itemId}"
    assert event["rawPath"] == "/items/42"
    assert event["rawQueryString"] == "lang=th&tag=a&tag=b"
    assert event["queryStringParameters"] == {"lang": "th", "tag": "a,b"}
    assert event["pathParameters"] == {"itemId": "42"}
    assert event["cookies"] == ["session=abc", "theme=dark"]
    assert event["headers"]["x-trace"] == "one,two"
    assert event["headers"]["content-type"] == "application/json"
    assert "cookie" not in event["headers"]
    assert event["body"] == '{"name": "ก"}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["http"] == {"method": "POST", "path": "/items/42", "protocol": "HTTP/1.1",
                               "sourceIp": "127.0.0.1", "userAgent": "pytest"}
    assert context["routeKey"] == "POST /items/{itemId}"
    assert context["stage"] == "$default"
    assert context["accountId"] == "123456789012"
    assert context["apiId"] == "ServerlessHttpApi"
    assert isinstance(context["timeEpoch"], int)
    assert "authorizer" not in context


def test_binary_body_is_base64_encoded(stack):
    """GIVEN a request whose content type is not text
    WHEN it reaches the handler
    THEN the body is base64 and isBase64Encoded is true."""
    image = bytes(range(256))
    event = echoed_event(http("POST", f"{stack.url}/items/7", body=image, headers={"Content-Type": "image/jpeg"}))

    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == image


def test_greedy_path_parameter_takes_the_rest_of_the_path_for_any_method(stack):
    """GIVEN the route ANY /files/{proxy+}
    WHEN DELETE /files/a/b/c.txt is called
    THEN proxy holds a/b/c.txt."""
    event = echoed_event(http("DELETE", f"{stack.url}/files/a/b/c.txt"))

    assert event["routeKey"] == "ANY /files/{proxy+}"
    assert event["pathParameters"] == {"proxy": "a/b/c.txt"}
    assert "body" not in event


def test_response_with_status_code_maps_status_headers_and_cookies(stack):
    """GIVEN the handler returns statusCode 201, a header and two cookies
    WHEN the route is called
    THEN the client gets 201, the header, one Set-Cookie per cookie and a default JSON content type."""
    answer = http("POST", f"{stack.url}/items/1", body=b"{}", headers={"Content-Type": "application/json"})

    assert answer.status == 201
    assert answer.headers["x-handled-by"] == "local-EchoFunction"
    assert answer.headers.get_all("Set-Cookie") == ["session=abc; Path=/", "theme=dark"]
    assert answer.headers["Content-Type"] == "application/json"


def test_base64_response_is_decoded_for_the_client(stack):
    """GIVEN the handler returns a base64 PNG with isBase64Encoded true
    WHEN the route is called
    THEN the client gets the bytes."""
    answer = http("GET", f"{stack.url}/shapes/png")

    assert answer.body == b"\x89PNG\r\n\x1a\n"
    assert answer.headers["Content-Type"] == "image/png"


def test_response_without_status_code_is_a_200_json_body(stack):
    """GIVEN the handler returns a dict without statusCode, or a string
    WHEN the route is called
    THEN API Gateway's inference applies: 200, application/json, the dict serialised or the string as is."""
    as_dict = http("GET", f"{stack.url}/shapes/dict")
    as_string = http("GET", f"{stack.url}/shapes/string")

    assert (as_dict.status, as_dict.headers["Content-Type"], as_dict.json()) == (200, "application/json",
                                                                                  {"shape": "dict"})
    assert (as_string.status, as_string.body) == (200, b"plain string")


def test_handler_error_is_a_500(stack):
    """GIVEN the handler raises
    WHEN the route is called
    THEN the client gets API Gateway's 500 body."""
    answer = http("GET", f"{stack.url}/shapes/boom")

    assert (answer.status, answer.json()) == (500, {"message": "Internal Server Error"})


def test_unknown_route_is_a_404(stack):
    """GIVEN no route GET /items/{itemId} (only POST) and no route /nowhere
    WHEN they are called
    THEN both answer 404 Not Found as API Gateway does."""
    for method, path in (("GET", "/items/1"), ("GET", "/nowhere")):
        answer = http(method, f"{stack.url}{path}")
        assert (answer.status, answer.json()) == (404, {"message": "Not Found"})


def test_body_over_10_mb_is_refused_with_413(stack):
    """GIVEN API Gateway's 10 MB payload limit
    WHEN 10 MB + 1 byte is posted
    THEN the answer is 413."""
    answer = http("POST", f"{stack.url}/items/big", body=b"x" * (10 * 1024 * 1024 + 1),
                  headers={"Content-Type": "text/plain"})

    assert answer.status == 413


def test_extra_wsgi_mount_takes_its_prefix(stack):
    """GIVEN an extra WSGI app mounted at /_mounted
    WHEN /_mounted/v2/bot/message/push is called
    THEN that app answers, with the prefix moved to SCRIPT_NAME."""
    answer = http("POST", f"{stack.url}/_mounted/v2/bot/message/push", body=b"{}")

    assert answer.json() == {"script_name": "/_mounted", "path_info": "/v2/bot/message/push"}


def test_health_and_schedule_helpers(stack):
    """GIVEN the local helper endpoints
    WHEN /_local/health is read and a schedule is fired over HTTP
    THEN health is ok and the schedule's handler result comes back."""
    health = http("GET", f"{stack.url}/_local/health")
    fired = http("POST", f"{stack.url}/_local/schedules/ScheduledFunction/Nightly")

    assert health.json() == {"status": "ok"}
    assert fired.json()["result"] == {"received": {"job": "nightly-report"}}


def test_unknown_schedule_helper_is_a_404(stack):
    """GIVEN no schedule called Weekly
    WHEN it is fired over HTTP
    THEN the answer is 404 and lists the known schedules."""
    answer = http("POST", f"{stack.url}/_local/schedules/ScheduledFunction/Weekly")

    assert answer.status == 404
    assert "ScheduledFunction/Nightly" in json.dumps(answer.json())
