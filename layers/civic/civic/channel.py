"""The LINE channel's credentials, from Secrets Manager at run time, cached a few minutes.

Rotation needs no redeploy: after `max_age` the next call reads the new value, and a caller that sees
a signature or token rejected asks for a fresh read at once (at most once per LINE_SECRET_REFRESH_GAP_S (30 s), so a flood
of forged requests cannot turn into a flood of Secrets Manager calls).
"""

import os
import time
from functools import cache

from civic.aws import client
from civic.settings import settings

_last_forced = 0.0


@cache
def _provider(endpoint: str | None):
    from aws_lambda_powertools.utilities.parameters import SecretsProvider  # lazy: pulls in boto3

    return SecretsProvider(boto3_client=client("secretsmanager"))


def _secret(force: bool = False) -> dict:
    value = _provider(os.environ.get("AWS_ENDPOINT_URL")).get(
        settings().line_secret_name, transform="json", max_age=settings().secret_max_age_s, force_fetch=force
    )
    if not isinstance(value, dict):
        raise RuntimeError("the LINE channel secret must be a JSON object")
    return value


def channel_secret() -> str:
    return _secret()["channelSecret"]


def access_token() -> str:
    return _secret()["channelAccessToken"]


def refresh() -> bool:
    """Re-read the secret now if we have not just done so; True when a fresh read happened."""
    global _last_forced
    now = time.monotonic()
    if now - _last_forced < float(os.environ.get("LINE_SECRET_REFRESH_GAP_S", "30")):
        return False
    _last_forced = now
    _secret(force=True)
    return True
