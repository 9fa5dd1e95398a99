"""Complaint integration tests on moto (in process): the template's tables, bucket and queues, the demo
agencies seeded, the real ComplaintUpdates handler driven with LINE's event shapes as SQS records, the real
AgencyApi and Open311 handlers driven with API Gateway's payload. LINE's content endpoint is the only thing
stood in for (a dict of message id → bytes); the local-stack tests use the fake LINE platform instead."""

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import boto3
import pytest

from civic import line_api, outbox
from civic.thai import BANGKOK
from infra.local.demo import complaint as demo
from tests import images
from tests.integration.booking.conftest import Chat, LambdaContext, event, load_handler
from tests.moto_stack import REGION, RESOURCES, moto_stack

AGENCY, OTHER = demo.AGENCY_ID, demo.OTHER_ID
NORTH = (13.7563, 100.5018)      # inside the demo municipality's north zone
FAR_AWAY = (13.90, 100.90)       # outside every area of the demo municipality


def image_event(user_id: str, message_id: str | None = None) -> dict:
    return event("message", user_id, message={"id": message_id or str(uuid.uuid4().int)[:18], "type": "image",
                                              "quoteToken": uuid.uuid4().hex, "contentProvider": {"type": "line"}})


def location_event(user_id: str, lat: float, lng: float, address: str = "ถนนตัวอย่าง แขวงพระบรมมหาราชวัง") -> dict:
    return event("message", user_id, message={"id": str(uuid.uuid4().int)[:18], "type": "location", "title": "จุดเกิดเหตุ",
                                              "address": address, "latitude": lat, "longitude": lng})


def text_with_id(user_id: str, said: str, message_id: str) -> dict:
    return event("message", user_id, message={"id": message_id, "type": "text", "text": said,
                                              "quoteToken": uuid.uuid4().hex})


@dataclass
class Desk(Chat):
    """The complaint worker and what LINE's content endpoint holds."""

    content: dict = field(default_factory=dict)

    def photo(self, user_id: str, data: bytes, message_id: str | None = None) -> list[dict]:
        message_id = message_id or str(uuid.uuid4().int)[:18]
        self.content[message_id] = data
        return self.ask(image_event(user_id, message_id))

    def place(self, user_id: str, lat: float, lng: float) -> list[dict]:
        return self.ask(location_event(user_id, lat, lng))

    def report(self, user_id: str, category: str = "road", words: str = "ถนนเป็นหลุมลึก รถจักรยานยนต์ล้ม",
               at: tuple[float, float] = NORTH, photo: bytes | None = None) -> list[dict]:
        """From the category list through words, a photo and the place to the review card."""
        self.tap(user_id, "1/cp/start")
        self.tap(user_id, f"1/cp/cat?c={category}")
        self.say(user_id, words)
        if photo is not None:
            self.photo(user_id, photo)
        return self.place(user_id, *at)

    def file(self, user_id: str, **report) -> list[dict]:
        """A whole report, sent: the receipt."""
        review = self.report(user_id, **report)
        return self.tap(user_id, send_button(review))


def send_button(messages) -> str:
    from tests.integration.booking.conftest import postbacks

    return [d for d in postbacks(messages) if d.startswith("1/cp/send?")][0]


def fake_content(store: dict):
    def content(message_id: str, max_bytes: int | None = None):
        found = store.get(message_id)
        if isinstance(found, Exception):
            raise found
        if found is None:
            return None
        if max_bytes is not None and len(found) > max_bytes:
            raise line_api.ContentTooLarge(f"{len(found)} bytes")
        return found, "image/jpeg"
    return content


# What a test changes; the agencies' setup (seeded once per module) it only reads.
CHANGED_TABLES = ("ComplaintCasesTable", "ComplaintDraftsTable", "ComplaintFiguresTable", "ConversationsTable",
                  "CitizensTable", "DeliveriesTable", "IdempotencyTable")


@pytest.fixture(scope="module")
def complaint_world():
    """moto with the template's resources and the demo agencies, once per module (seeding costs more than the
    tables); each test then starts from empty cases, drafts, figures, chats, outbox and photos."""
    with moto_stack() as names:
        demo.seed()
        yield names


def _start_afresh(names: dict) -> None:
    dynamodb, s3 = boto3.client("dynamodb", region_name=REGION), boto3.client("s3", region_name=REGION)
    for logical_id in CHANGED_TABLES:
        schema = RESOURCES[logical_id]["Properties"]["KeySchema"]
        keys = [k["AttributeName"] for k in schema]
        for page in dynamodb.get_paginator("scan").paginate(TableName=names[logical_id]):
            for item in page["Items"]:
                dynamodb.delete_item(TableName=names[logical_id], Key={k: item[k] for k in keys})
    bucket = names["ComplaintMediaBucket"]
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"])
    sqs = boto3.client("sqs", region_name=REGION)  # PurgeQueue is once a minute: receive and delete instead
    while batch := sqs.receive_message(QueueUrl=names["OutboxQueue"], MaxNumberOfMessages=10).get("Messages", []):
        sqs.delete_message_batch(QueueUrl=names["OutboxQueue"], Entries=[
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(batch)])


@pytest.fixture
def desk(complaint_world, monkeypatch):
    _start_afresh(complaint_world)
    store: dict = {}
    monkeypatch.setattr(line_api, "content", fake_content(store))
    monkeypatch.setattr(line_api, "show_loading", lambda *a, **k: None)
    sqs = boto3.client("sqs", region_name=REGION)
    yield Desk(load_handler("complaint_updates", "complaint_updates"), sqs, complaint_world["OutboxQueue"], content=store)


# ---------------------------------------------------------------- the agency API and Open311, as API Gateway calls them

def http_event(method: str, path: str, route_key: str, body=None, claims: dict | None = None, query: dict | None = None,
               content_type: str = "application/json", proxy_prefix: str = "") -> dict:
    raw_body = body if isinstance(body, str) or body is None else json.dumps(body)
    encoded = content_type == "application/x-www-form-urlencoded" and raw_body is not None
    context = {"accountId": "123456789012", "apiId": "local", "domainName": "api.example.test",
               "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1",
                        "userAgent": "pytest"}, "requestId": "r", "routeKey": route_key, "stage": "$default"}
    if claims is not None:
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {"version": "2.0", "routeKey": route_key, "rawPath": path,
            "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
            "headers": {"content-type": content_type, "x-forwarded-proto": "https"},
            "queryStringParameters": query or None, "requestContext": context,
            "pathParameters": {"proxy": path.removeprefix(proxy_prefix)},
            "body": base64.b64encode(raw_body.encode()).decode() if encoded else raw_body, "isBase64Encoded": encoded}


def staff_call(method: str, path: str, agency: str = AGENCY, role: str = "officer", body=None, query=None,
               subject: str | None = None) -> tuple[int, dict | list | str]:
    claims = {"sub": subject or f"{role}-of-{agency}", "custom:agency_id": agency, "cognito:groups": f"[{role}]"}
    answer = load_handler("agency_api", "agency_api").lambda_handler(
        http_event(method, path, "ANY /agency/{proxy+}", body, claims, query, proxy_prefix="/agency/"), LambdaContext())
    try:
        return answer["statusCode"], json.loads(answer["body"] or "null")
    except ValueError:
        return answer["statusCode"], answer["body"]


def open311_call(method: str, path: str, query: dict | None = None, form: dict | None = None) -> tuple[int, str, str]:
    from urllib.parse import urlencode

    route = "GET /open-data/complaints/{proxy+}" if path.startswith("/open-data") else f"{method} /open311/v2/{{proxy+}}"
    body = urlencode(form) if form is not None else None
    answer = load_handler("open311", "open311").lambda_handler(
        http_event(method, path, route, body, None, query, content_type="application/x-www-form-urlencoded",
                   proxy_prefix="/open-data/complaints/" if path.startswith("/open-data") else "/open311/v2/"),
        LambdaContext())
    return answer["statusCode"], answer["headers"].get("Content-Type", ""), answer["body"]


def pushes(desk: Desk, to: str | None = None, purpose: str | None = None) -> list[outbox.Outbound]:
    found = [o for o in desk.drain() if o.reply_token is None]
    return [o for o in found if (to is None or o.to == to) and (purpose is None or o.purpose == purpose)]


def later(days: float = 0, hours: float = 0) -> datetime:
    return datetime.now(BANGKOK) + timedelta(days=days, hours=hours)


def after_photo_b64() -> str:
    return base64.b64encode(images.jpeg(colour=(40, 160, 60))).decode()
