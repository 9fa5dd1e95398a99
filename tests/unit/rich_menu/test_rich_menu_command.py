"""`python -m infra.rich_menu`: preview the menu offline; publish or remove it on an AWS stack by invoking the stack's
RichMenuFunction (botocore's Stubber stands in for CloudFormation and Lambda: the requests are checked, none sent)."""

import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from PIL import Image

from civic import domains
from infra.rich_menu.__main__ import main


def test_preview_draws_the_chosen_entries_without_line_or_aws(tmp_path, capsys):
    """GIVEN an order and every entry hidden but two WHEN previewed THEN a PNG of LINE's half size for the two
    entries left, and the printed menu object starts with the entry put first."""
    kept = {"citizen.mydata", "booking.start"}
    hidden = [f"{domain}.{entry.action}" for domain, entry in domains.menu() if f"{domain}.{entry.action}" not in kept]
    assert main(["preview", "--out", str(tmp_path / "menu.png"), "--order", "citizen.mydata",
                 "--hide", ",".join(hidden)]) == 0
    shown = json.loads(capsys.readouterr().out)
    with Image.open(tmp_path / "menu.png") as image:
        assert image.size == (2500, 843)
    assert [a["action"]["data"] for a in shown["menu"]["areas"]] == ["1/ct/mydata", "1/bk/start"]


class _Session:
    """A boto3 session whose clients are stubbed: each expects exactly the calls the test adds."""

    def __init__(self):
        self.clients = {name: boto3.client(name, region_name="ap-southeast-7") for name in ("cloudformation", "lambda")}
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, name):
        return self.clients[name]


def _payload(value: dict) -> StreamingBody:
    raw = json.dumps(value).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


@pytest.mark.parametrize("argv,payload", [(["publish", "--stack", "civic", "--force"], {"action": "publish",
                                                                                        "force": True}),
                                          (["remove", "--stack", "civic"], {"action": "remove"})])
def test_publish_and_remove_invoke_the_stacks_function(argv, payload, capsys):
    """GIVEN a deployed stack WHEN publish --force (or remove) is run THEN the stack's RichMenuFunction is found by
    its logical id and invoked synchronously with that action, and its answer is printed."""
    session = _Session()
    session.stubs["cloudformation"].add_response(
        "describe_stack_resource", {"StackResourceDetail": {
            "LogicalResourceId": "RichMenuFunction", "PhysicalResourceId": "civic-RichMenuFunction-abc",
            "ResourceType": "AWS::Lambda::Function", "LastUpdatedTimestamp": "2026-12-01T00:00:00Z",
            "ResourceStatus": "UPDATE_COMPLETE"}},
        {"StackName": "civic", "LogicalResourceId": "RichMenuFunction"})
    session.stubs["lambda"].add_response(
        "invoke", {"StatusCode": 200, "Payload": _payload({"status": "published", "richMenuId": "richmenu-1"})},
        {"FunctionName": "civic-RichMenuFunction-abc", "InvocationType": "RequestResponse",
         "Payload": json.dumps(payload).encode()})
    with session.stubs["cloudformation"], session.stubs["lambda"]:
        assert main(argv, session=session) == 0
    assert json.loads(capsys.readouterr().out)["richMenuId"] == "richmenu-1"


def test_a_function_error_is_reported_and_exits_non_zero():
    """GIVEN the function fails (LINE refused) WHEN publish is run THEN it exits with the function's error."""
    session = _Session()
    session.stubs["cloudformation"].add_response("describe_stack_resource", {"StackResourceDetail": {
        "LogicalResourceId": "RichMenuFunction", "PhysicalResourceId": "fn", "ResourceType": "AWS::Lambda::Function",
        "LastUpdatedTimestamp": "2026-12-01T00:00:00Z", "ResourceStatus": "CREATE_COMPLETE"}})
    session.stubs["lambda"].add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": _payload(
        {"errorType": "PublishError", "errorMessage": "rich menu validate: LINE answered 400"})})
    with session.stubs["cloudformation"], session.stubs["lambda"], pytest.raises(SystemExit) as failed:
        main(["publish", "--stack", "civic"], session=session)
    assert "PublishError: rich menu validate: LINE answered 400" in str(failed.value)
