"""Handlers loaded in isolation and invoked with a Lambda-like context."""

import os
import threading
import time
import uuid


def test_two_functions_with_the_same_module_name_do_not_collide(stack):
    """GIVEN TwinAFunction and TwinBFunction, each with Handler app.handler in its own folder
    WHEN both are invoked
    THEN each runs its own module."""
    assert stack.invoke("TwinAFunction", {})["twin"] == "a"
    assert stack.invoke("TwinBFunction", {})["twin"] == "b"
    assert stack.invoke("TwinAFunction", {})["twin"] == "a"


def test_context_carries_the_functions_name_memory_request_id_and_deadline(stack):
    """GIVEN TwinAFunction with Timeout 30 and MemorySize 512
    WHEN it is invoked twice
    THEN its context looks like Lambda's, with a fresh request id each call."""
    first = stack.invoke("TwinAFunction", {})
    second = stack.invoke("TwinAFunction", {})

    assert first["function_name"] == "local-TwinAFunction"
    assert first["function_version"] == "$LATEST"
    assert first["invoked_function_arn"] == "arn:aws:lambda:ap-southeast-7:123456789012:function:local-TwinAFunction"
    assert first["memory_limit_in_mb"] == 512
    assert first["log_group_name"] == "/aws/lambda/local-TwinAFunction"
    assert "[$LATEST]" in first["log_stream_name"]
    assert 29_000 < first["remaining_ms"] <= 30_000
    assert uuid.UUID(first["aws_request_id"]) != uuid.UUID(second["aws_request_id"])


def test_function_environment_is_set_with_globals_resolved(stack):
    """GIVEN Globals give every function STAGE and RESULTS_TABLE (a !Ref), and EchoFunction adds ECHO_GREETING
    WHEN the stack has started
    THEN the process environment holds their resolved values."""
    assert os.environ["STAGE"] == "dev"
    assert os.environ["RESULTS_TABLE"] == "local-results-dev"
    assert os.environ["ECHO_GREETING"] == "hello"


def test_concurrent_invocations_run_in_instances_of_their_own_as_lambda_sandboxes_do(stack, tmp_path):
    """GIVEN TwinAFunction, whose handler keeps a value in module state while it waits
    WHEN two invocations run at the same time, each holding its own value
    THEN each reads back its own value (a second instance was loaded, not the first one shared), and a later call
    reuses an idle instance rather than load a third."""
    results = {}

    def call(value):
        results[value] = stack.invoke("TwinAFunction", {"hold": value, "folder": str(tmp_path)})["held"]

    threads = [threading.Thread(target=call, args=(value,)) for value in ("first", "second")]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"started-{value}").exists() for value in ("first", "second")):
        assert time.monotonic() < deadline, "both invocations should be running at once"
        time.sleep(0.01)
    (tmp_path / "go").touch()
    for thread in threads:
        thread.join()

    assert results == {"first": "first", "second": "second"}
    loaded = stack.instances("TwinAFunction")
    assert loaded >= 2
    stack.invoke("TwinAFunction", {})
    assert stack.instances("TwinAFunction") == loaded
