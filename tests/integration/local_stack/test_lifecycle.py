"""Starting and stopping stacks of their own: environment checks, restoration, prompt shutdown."""

import os
import time
import urllib.error
import urllib.request

import pytest

from infra.local import LocalStack
from infra.local.runtime import EnvironmentClash

from .conftest import FIXTURES, TEMPLATE

CLASH = FIXTURES / "env_clash.yaml"


def test_environment_clash_is_refused_at_start():
    """GIVEN two functions that give SHARED_SETTING different values (and AGREED_SETTING the same one)
    WHEN the stack starts
    THEN it refuses, naming the variable and both functions, and not the variable they agree on."""
    with pytest.raises(EnvironmentClash) as refused:
        LocalStack(str(CLASH), port=0).start()

    message = str(refused.value)
    assert "SHARED_SETTING is 'one' in TwinAFunction but 'two' in TwinBFunction" in message
    assert "AGREED_SETTING" not in message


def test_env_override_settles_a_clash_and_reaches_every_function():
    """GIVEN the same clash and env_overrides={"SHARED_SETTING": "override"}
    WHEN the stack starts
    THEN it runs, and the process environment holds the override."""
    with LocalStack(str(CLASH), port=0, env_overrides={"SHARED_SETTING": "override"}):
        assert os.environ["SHARED_SETTING"] == "override"
        assert os.environ["AGREED_SETTING"] == "same"


def test_stop_restores_the_environment_it_changed():
    """GIVEN the process environment before a stack starts
    WHEN a stack starts and stops
    THEN AWS_ENDPOINT_URL and the functions' variables were set while it ran and are as before afterwards."""
    before = {name: os.environ.get(name) for name in ("AWS_ENDPOINT_URL", "ECHO_GREETING")}
    with LocalStack(str(TEMPLATE), port=0) as stack:
        assert os.environ["AWS_ENDPOINT_URL"] == stack.moto_url
        assert os.environ["ECHO_GREETING"] == "hello"

    assert {name: os.environ.get(name) for name in before} == before


def test_stop_is_prompt_with_pollers_and_schedules_running():
    """GIVEN a running stack whose pollers are long-polling and whose schedule runner is waiting
    WHEN it stops
    THEN everything is down within 2 s and the HTTP port no longer answers."""
    stack = LocalStack(str(TEMPLATE), port=0).start()
    url = stack.url
    time.sleep(0.3)  # let every poller enter a long poll

    began = time.monotonic()
    stack.stop()

    assert time.monotonic() - began < 2.0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/_local/health", timeout=1)


def test_a_second_stack_in_the_same_process_is_refused():
    """GIVEN a running stack (moto, os.environ and sys.path are process-wide)
    WHEN another stack starts in the same process
    THEN it is refused, and the first keeps running."""
    with LocalStack(str(TEMPLATE), port=0) as first:
        with pytest.raises(RuntimeError, match="already running"):
            LocalStack(str(TEMPLATE), port=0).start()
        assert first.invoke("TwinBFunction", {}) == {"twin": "b"}
