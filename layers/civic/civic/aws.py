"""boto3 clients made once per process, on first use (boto3 costs ~0.25 s to import; the intake defers it)."""

from functools import cache


@cache
def client(service: str):
    import boto3
    from botocore.config import Config

    # Standard retry mode backs off with jitter on throttling (DynamoDB, SQS) before we ever see an error.
    return boto3.client(service, config=Config(retries={"mode": "standard", "max_attempts": 5},
                                                connect_timeout=2, read_timeout=5))
