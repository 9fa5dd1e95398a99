"""The multi-process local stack (what `make run` starts): moto per service and a sandbox process per function,
with the same routes, queues, S3 notifications and schedules as the one-process mode, and nothing left running."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import boto3
import pytest

from infra.local import LocalStack

from .conftest import TEMPLATE, http, rows


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended, only not yet reaped
    except FileNotFoundError:
        return False


def _environ(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/environ", "rb") as file:
        pairs = [entry.decode().partition("=") for entry in file.read().split(b"\0") if entry]
    return {name: value for name, _, value in pairs}


def _wait(check, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while not (value := check()):
        assert time.monotonic() < deadline, f"not true within {timeout}s"
        time.sleep(0.05)
    return value


@pytest.fixture(scope="module")
def apart():
    with LocalStack(str(TEMPLATE), port=0, visibility_scale=0.05, processes=True) as running:
        yield running


def _child(stack, name: str):
    return next(child for child in stack.children if child.name == name)


def test_each_function_and_each_split_service_runs_in_a_process_of_its_own(apart):
    """GIVEN the stack with processes=True WHEN it has started THEN moto's DynamoDB, SQS and the other services
    answer on three ports, and every function of the template has a live process of its own."""
    assert set(apart.moto_urls) == {"dynamodb", "sqs", "other"} and len(set(apart.moto_urls.values())) == 3
    sandboxes = {child.name: child.pid for child in apart.children if not child.name.startswith("moto")}
    assert set(sandboxes) == set(apart._started_runtime().functions)
    assert all(_alive(pid) and pid != os.getpid() for pid in sandboxes.values())


def test_a_sandbox_sees_its_own_functions_variables_only(apart):
    """GIVEN EchoFunction declares ECHO_GREETING and WorkerFunction does not WHEN their processes run THEN only the
    echo sandbox has it, both have the template's globals, and each reaches DynamoDB and SQS at their own moto."""
    echo, worker = _environ(_child(apart, "EchoFunction").pid), _environ(_child(apart, "WorkerFunction").pid)
    assert echo["ECHO_GREETING"] == "hello" and "ECHO_GREETING" not in worker
    assert echo["RESULTS_TABLE"] == worker["RESULTS_TABLE"] == apart.resource("ResultsTable")
    assert worker["AWS_ENDPOINT_URL_DYNAMODB"] == apart.moto_urls["dynamodb"]
    assert worker["AWS_ENDPOINT_URL_SQS"] == apart.moto_urls["sqs"]


def test_a_route_is_answered_by_its_function_in_its_sandbox(apart):
    """GIVEN the echo route WHEN it is called THEN the answer is the handler's, built in its sandbox (its
    environment, its layer), with the status, headers and cookies API Gateway would pass on."""
    answer = http("POST", f"{apart.url}/items/42", b'{"n": 1}', {"Content-Type": "application/json"})
    assert answer.status == 201 and answer.headers["x-handled-by"] == "local-EchoFunction"
    body = answer.json()
    assert body["greeting"] == "hello" and body["event"]["pathParameters"] == {"itemId": "42"}


def test_a_handler_that_raises_in_its_sandbox_gives_500(apart):
    """GIVEN a route whose handler raises WHEN it is called THEN API Gateway's 500, and the stack keeps serving."""
    assert http("GET", f"{apart.url}/shapes/boom").status == 500
    assert http("GET", f"{apart.url}/shapes/dict").json() == {"shape": "dict"}


def test_a_queue_message_is_consumed_by_the_pollers_in_the_functions_sandbox(apart):
    """GIVEN WorkQueue's consumer runs in WorkerFunction's sandbox WHEN items are sent THEN each is recorded once,
    and drain() sees the work end across processes."""
    url = apart.resource("WorkQueue")
    sqs = boto3.client("sqs")
    for n in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"run": "apart", "id": n}))
    apart.drain(timeout=30)
    assert sorted(int(row["sk"]) for row in rows(apart, "work#apart")) == [0, 1, 2, 3, 4]


def test_an_upload_reaches_the_subscribed_function_across_processes(apart):
    """GIVEN moto's S3 in a process of its own WHEN a CSV is put where UploadedFunction subscribes THEN the function
    receives S3's event for it."""
    boto3.client("s3").put_object(Bucket=apart.resource("UploadsBucket"), Key="incoming/apart.csv", Body=b"a,b\n")
    (item,) = _wait(lambda: [r for r in rows(apart, "s3-event") if r["sk"].startswith("incoming/apart.csv")])
    assert json.loads(item["event"])["s3"]["object"]["key"] == "incoming/apart.csv"


def test_a_schedule_fired_by_hand_runs_in_the_functions_sandbox(apart):
    """GIVEN ScheduledFunction's nightly ScheduleV2 WHEN it is fired through /_local/schedules THEN its result comes
    back from its sandbox with the template's Input."""
    answer = http("POST", f"{apart.url}/_local/schedules/ScheduledFunction/Nightly")
    assert answer.status == 200 and answer.json()["function"] == "ScheduledFunction"
    assert "nightly-report" in json.dumps(answer.json()["result"])


def test_an_asynchronous_invoke_answers_202_and_runs(apart):
    """GIVEN /_local/invoke (Lambda's Invoke for other processes) WHEN UploadedFunction is invoked as an Event
    THEN 202 at once, and the function runs with that event."""
    event = {"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"},
                                                                    "object": {"key": "incoming/invoked.csv"}}}]}
    answer = http("POST", f"{apart.url}/_local/invoke/UploadedFunction", json.dumps(event).encode(),
                  {"X-Amz-Invocation-Type": "Event"})
    assert answer.status == 202
    _wait(lambda: [r for r in rows(apart, "s3-event") if r["sk"].startswith("incoming/invoked.csv")])


def _stack_in_a_process(then: str) -> tuple[subprocess.Popen, list[int]]:
    """A process of its own runs a multi-process stack (this one has a stack already); its children's pids."""
    script = textwrap.dedent(f"""
        import sys, time
        from infra.local import LocalStack
        stack = LocalStack({str(TEMPLATE)!r}, port=0, processes=True).start()
        print(" ".join(str(child.pid) for child in stack.children), flush=True)
        {then}
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=str(TEMPLATE.parents[4]))
    pids = [int(pid) for pid in parent.stdout.readline().split()]
    assert pids and all(_alive(pid) for pid in pids)
    return parent, pids


def test_stop_leaves_no_process_behind():
    """GIVEN a multi-process stack WHEN it stops THEN every process it started has ended."""
    parent, pids = _stack_in_a_process("stack.stop()")
    assert parent.wait(timeout=30) == 0
    assert not [pid for pid in pids if _alive(pid)]


def test_a_killed_parent_takes_its_children_with_it():
    """GIVEN a process running a multi-process stack WHEN it is killed (SIGKILL: no clean-up runs) THEN its moto
    servers and sandboxes end too."""
    parent, pids = _stack_in_a_process("time.sleep(600)")
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    _wait(lambda: not [pid for pid in pids if _alive(pid)], timeout=15)
