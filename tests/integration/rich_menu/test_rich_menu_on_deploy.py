"""The rich menu on AWS (civic.rich_menu.deploy through functions/rich_menu): CloudFormation's RichMenu custom
resource publishes on Create/Update and removes on Delete, always answering SUCCESS at the ResponseURL with what
happened; a direct invocation publishes again. Against the fake LINE, with the tables in moto."""

import json
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from civic.rich_menu import deploy
from tests.integration.booking.conftest import LambdaContext, load_handler
from tests.integration.rich_menu.conftest import calls


@pytest.fixture
def cloudformation():
    """Where CloudFormation's presigned ResponseURL points: a loopback server keeping each answer it is sent."""
    answers = []

    def app(environ, start_response):
        request = Request(environ)
        answers.append({"method": request.method, "content_type": request.headers.get("Content-Type"),
                        "body": json.loads(request.get_data())})
        return Response("")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/response", answers
    server.shutdown()
    thread.join()


def _event(url: str, kind: str, physical: str | None = None) -> dict:
    event = {"RequestType": kind, "ResponseURL": f"{url}?X-Amz-Signature=abc", "StackId": "arn:aws:cloudformation:"
             "ap-southeast-7:123456789012:stack/civic/1", "RequestId": f"req-{kind}", "ResourceType": "Custom::RichMenu",
             "LogicalResourceId": "RichMenu", "ResourceProperties": {"AgencyId": "demo-municipality"}}
    if physical:
        event["PhysicalResourceId"] = physical
    return event


def test_a_deploy_publishes_the_menu_and_tells_cloudformation(line, cloudformation):
    """GIVEN a new stack WHEN CloudFormation creates the RichMenu resource THEN the menu is the channel's default,
    and CloudFormation is answered once by PUT with an empty Content-Type: SUCCESS, the stable physical id, and
    Outcome naming the published menu."""
    url, answers = cloudformation
    done = deploy.custom_resource(_event(url, "Create"))

    (answer,) = answers
    assert (answer["method"], answer["content_type"]) == ("PUT", "")
    body = answer["body"]
    assert (body["Status"], body["PhysicalResourceId"], body["RequestId"]) == (
        "SUCCESS", "rich-menu-demo-municipality", "req-Create")
    assert body["Data"]["Outcome"] == f"published {line.default_rich_menu()['richMenuId']}" and not done["failed"]


def test_a_deploy_that_changes_nothing_leaves_the_menu(line, cloudformation):
    """GIVEN a published menu WHEN CloudFormation updates the resource with nothing drawn differently THEN
    "unchanged", and no menu is created."""
    url, answers = cloudformation
    deploy.custom_resource(_event(url, "Create"))
    deploy.custom_resource(_event(url, "Update", "rich-menu-demo-municipality"))
    assert answers[1]["body"]["Data"]["Outcome"].startswith("unchanged ")
    assert calls(line).count("POST /v2/bot/richmenu") == 1


def test_deleting_the_stack_takes_the_menu_off_the_channel(line, cloudformation):
    """GIVEN a published menu WHEN CloudFormation deletes the resource THEN no default and no menu of ours, and
    SUCCESS."""
    url, answers = cloudformation
    deploy.custom_resource(_event(url, "Create"))
    deploy.custom_resource(_event(url, "Delete", "rich-menu-demo-municipality"))
    assert line.default_rich_menu() is None and line.rich_menus() == []
    assert answers[-1]["body"]["Status"] == "SUCCESS" and answers[-1]["body"]["Data"]["Outcome"] == "removed"


def test_replacing_another_agencys_resource_does_not_remove_this_channels_menu(line, cloudformation):
    """GIVEN the menu published for demo-municipality WHEN CloudFormation deletes a resource of another agency (the
    AgencyId parameter changed, so the old resource goes) THEN this channel's menu stays."""
    url, _ = cloudformation
    deploy.custom_resource(_event(url, "Create"))
    deploy.custom_resource(_event(url, "Delete", "rich-menu-old-agency"))
    assert line.default_rich_menu() is not None


def test_a_line_that_refuses_does_not_fail_the_deploy_but_says_why(line, cloudformation):
    """GIVEN LINE answering 401 to everything (a wrong channel token) WHEN CloudFormation creates the resource THEN
    it is still answered SUCCESS (a rollback would run this again and could not succeed either), with Outcome
    "failed: …" giving LINE's reason, and the handler counts it (RichMenuPublishFailed)."""
    url, answers = cloudformation
    line.inject(status=401)

    done = load_handler("rich_menu", "rich_menu_publisher").lambda_handler(_event(url, "Create"), LambdaContext())

    assert done["failed"] is True
    body = answers[0]["body"]
    assert body["Status"] == "SUCCESS" and body["Data"]["Outcome"].startswith("failed: PublishError")
    assert "401" in body["Data"]["Outcome"]


def test_an_invocation_republishes_on_demand(line):
    """GIVEN a published menu WHEN the function is invoked with {"action": "publish", "force": true}, then
    {"action": "remove"} THEN a new menu replaces the old one, then none is left."""
    handler = load_handler("rich_menu", "rich_menu_publisher").lambda_handler
    first = handler({"action": "publish"}, LambdaContext())
    again = handler({"action": "publish", "force": True}, LambdaContext())
    assert again["status"] == "published" and again["deleted"] == [first["richMenuId"]]
    assert handler({"action": "remove"}, LambdaContext())["status"] == "removed" and line.rich_menus() == []


def test_an_unknown_action_is_refused(line):
    """GIVEN an invocation naming no known action WHEN handled THEN ValueError naming the choices; LINE untouched."""
    with pytest.raises(ValueError, match="publish or remove"):
        deploy.invoked({"action": "redraw"})
    assert line.requests() == []
