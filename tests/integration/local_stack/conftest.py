"""A local stack over the fixture template, and small helpers to talk to it."""

import json
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from infra.local import LocalStack

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "template.yaml"


def mounted_app(environ, start_response):
    """Stands in for the fake LINE platform: says where the stack mounted it."""
    body = json.dumps({"script_name": environ["SCRIPT_NAME"], "path_info": environ["PATH_INFO"]}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@pytest.fixture(scope="module")
def stack():
    # Visibility time-outs shrink twentyfold (20 s → 1 s), so retries and dead-lettering take seconds.
    with LocalStack(str(TEMPLATE), port=0, visibility_scale=0.05,
                    extra_wsgi_mounts={"/_mounted": mounted_app}) as running:
        yield running


@dataclass
class Answer:
    status: int
    headers: object
    body: bytes

    def json(self):
        return json.loads(self.body)


def http(method, url, body=None, headers=None) -> Answer:
    """One request; headers as a dict or as (name, value) pairs, so a header can be repeated."""
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""))
        for name, value in headers.items() if isinstance(headers, dict) else headers or []:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def rows(stack, partition_key):
    table = boto3.resource("dynamodb").Table(stack.resource("ResultsTable"))
    return table.query(KeyConditionExpression=Key("pk").eq(partition_key))["Items"]
