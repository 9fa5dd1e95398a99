"""The spine's integration tests run the template's real functions, queues and tables on the local stack
(moto server in process, with the fake LINE platform), one stack per test module."""

import time

import pytest

from infra.local.devstack import dev_stack


@pytest.fixture(scope="module")
def dev():
    # Visibility scaled 180 s → 3.6 s (above a cold start) so retries and DLQ moves happen within a test.
    stack = dev_stack(env={"LINE_RETRY_BASE_S": "1"}, visibility_scale=0.02, seed=False)
    yield stack
    stack.stop()


@pytest.fixture
def line(dev):
    dev.line.clear_faults()
    yield dev.line
    dev.line.clear_faults()


def eventually(check, timeout: float = 30.0, every: float = 0.05):
    """Poll until check() is truthy (returning it) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check.__doc__ or check}")
        time.sleep(every)


def texts(line, user) -> list[str]:
    """What the citizen saw: message texts, or altText of cards."""
    return [r["message"].get("text") or r["message"].get("altText") for r in line.received(user)]
