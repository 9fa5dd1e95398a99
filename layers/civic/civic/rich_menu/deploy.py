"""The rich menu on AWS: the `RichMenu` custom resource publishes it on every deploy, and the same function can be
invoked to publish again (`python -m infra.rich_menu publish --stack <name>`, after the agency's configuration
changed).

Why a custom resource rather than a command to remember after `sam deploy`: the deploy is then the whole job, and
the resource's properties (the layer version, the agency, the channel's secret) change exactly when the menu
may have to: a new registry entry, a catalogue label or a new drawing all ship as a new layer version.
Publishing is idempotent (civic.rich_menu.publisher), so CloudFormation's and Lambda's retries are harmless.

The resource never fails the stack: a LINE that is down, or a wrong channel token, must not roll back a deploy
of the webhook (and a rollback would run this again, where failing leaves the stack stuck in
UPDATE_ROLLBACK_FAILED). It answers SUCCESS with `Outcome` saying what happened ("published <id>",
"unchanged <id>", "failed: <reason>"), shown as the stack's `RichMenu` output at the end of `sam deploy`;
a failure is also logged and counted (metric RichMenuPublishFailed, with an alarm).
On Delete (the stack goes) it takes the menu off the channel.
"""

import json
import urllib.request

from aws_lambda_powertools import Logger

from civic.rich_menu import publisher
from civic.settings import settings

logger = Logger(child=True)
OUTCOME_MAX = 400  # CloudFormation's reason and attributes stay short; the log has the rest


def _outcome(outcome: publisher.Outcome) -> dict:
    return {"status": outcome.status, "richMenuId": outcome.rich_menu_id, "entries": list(outcome.entries),
            "deleted": list(outcome.deleted)}


def invoked(event: dict) -> dict:
    """A direct invocation: {"action": "publish" | "remove", "force": bool}. Raises PublishError on a refusal."""
    action = event.get("action", "publish")
    if action == "remove":
        return _outcome(publisher.remove())
    if action != "publish":
        raise ValueError(f"unknown action {action!r}: publish or remove")
    return _outcome(publisher.publish(force=bool(event.get("force"))))


def physical_id() -> str:
    return f"rich-menu-{settings().agency_id}"


def respond(event: dict, status: str, data: dict, reason: str) -> None:
    """Answer CloudFormation at the presigned ResponseURL (an empty Content-Type, as the URL was signed)."""
    body = json.dumps({"Status": status, "Reason": reason[:OUTCOME_MAX], "PhysicalResourceId": physical_id(),
                       "StackId": event["StackId"], "RequestId": event["RequestId"],
                       "LogicalResourceId": event["LogicalResourceId"], "Data": data}).encode()
    request = urllib.request.Request(event["ResponseURL"], data=body, method="PUT",
                                     headers={"Content-Type": "", "Content-Length": str(len(body))})
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (CloudFormation's https URL)
        answer.read()


def custom_resource(event: dict) -> dict:
    """Create/Update publish, Delete removes; always answered SUCCESS, with what happened. Returns the Data sent."""
    kind = event["RequestType"]
    failed = False
    try:
        if kind == "Delete":
            if event.get("PhysicalResourceId") != physical_id():
                # Another agency's resource being replaced: this channel now shows the new agency's menu.
                outcome = publisher.Outcome("unchanged", None, (), ())
            else:
                outcome = publisher.remove()
        else:
            outcome = publisher.publish()
        said = f"{outcome.status} {outcome.rich_menu_id or ''}".strip()
    except Exception as error:  # anything at all must still be answered, or CloudFormation waits for ServiceTimeout
        logger.exception("the rich menu was not published on this deploy")
        failed, said = True, f"failed: {type(error).__name__}: {error}"
    data = {"Outcome": said[:OUTCOME_MAX]}
    respond(event, "SUCCESS", data, said)
    return {**data, "failed": failed}
