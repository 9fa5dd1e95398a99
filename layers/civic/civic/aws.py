"""boto3 clients made once per process and endpoint, on first use (boto3 costs ~0.25 s to import; the intake
defers it). Keyed on AWS_ENDPOINT_URL because the local stack and the tests may move endpoints in one process;
on Lambda it never changes."""

import os
from functools import cache


def client(service: str):
    return _client(service, os.environ.get("AWS_ENDPOINT_URL"))


@cache
def _client(service: str, endpoint: str | None):
    import boto3
    from botocore.config import Config

    # Standard retry mode backs off with jitter on throttling (DynamoDB, SQS) before we ever see an error.
    return boto3.client(service, config=Config(retries={"mode": "standard", "max_attempts": 5},
                                                connect_timeout=2, read_timeout=5))
