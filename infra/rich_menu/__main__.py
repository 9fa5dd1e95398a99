"""`python -m infra.rich_menu`: the rich menu from a terminal.

  preview [--out menu.png] [--order ids] [--hide ids]
      Draw the menu for the registry's entries (and an order or hidden entries, as an agency would choose them)
      without LINE or AWS: writes the image and prints the LINE rich-menu object. Entry ids: `<domain>.<action>`.
  publish --stack NAME [--region R] [--force]
      Publish again on AWS, after the agency's configuration changed: invokes the stack's RichMenuFunction
      (what the RichMenu custom resource runs on every deploy) and prints what it did.
  remove --stack NAME [--region R]
      Take the menu off the channel.

The local stack publishes at start-up by itself (infra/local/devstack.py).
"""

import argparse
import json
import sys
from pathlib import Path

FUNCTION = "RichMenuFunction"


def preview(out: Path, order: list[str], hidden: list[str]) -> dict:
    from civic.rich_menu import drawing, menu

    entries = menu.resolve(order, hidden)
    if not entries:
        raise SystemExit("nothing to show: every entry is hidden")
    size, bounds = menu.grid(len(entries))
    image, content_type = drawing.encode(drawing.draw(entries, size, bounds))
    out = out.with_suffix(".png" if content_type == "image/png" else ".jpg")
    out.write_bytes(image)
    return {"image": str(out), "bytes": len(image), "menu": menu.request(entries)}


def invoke(stack: str, region: str | None, payload: dict, session=None) -> dict:
    """Invoke the stack's RichMenuFunction synchronously; its answer, or SystemExit with the function's error."""
    import boto3

    session = session or boto3.session.Session(region_name=region)
    function = session.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=FUNCTION)["StackResourceDetail"]["PhysicalResourceId"]
    answer = session.client("lambda").invoke(FunctionName=function, InvocationType="RequestResponse",
                                             Payload=json.dumps(payload).encode())
    result = json.loads(answer["Payload"].read() or b"null")
    if answer.get("FunctionError"):
        raise SystemExit(f"{function} failed: {result.get('errorType')}: {result.get('errorMessage')}")
    return result


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None, session=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.rich_menu", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    draw = commands.add_parser("preview", help="draw the menu offline")
    draw.add_argument("--out", type=Path, default=Path("rich-menu.png"))
    draw.add_argument("--order", type=_ids, default=[], help="entry ids first, in this order (comma-separated)")
    draw.add_argument("--hide", type=_ids, default=[], help="entry ids not shown (comma-separated)")
    for name in ("publish", "remove"):
        command = commands.add_parser(name, help=f"{name} on the AWS stack")
        command.add_argument("--stack", required=True)
        command.add_argument("--region")
        if name == "publish":
            command.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    args = parser.parse_args(argv)
    if args.command == "preview":
        result = preview(args.out, args.order, args.hide)
    else:
        payload = {"action": args.command, **({"force": True} if getattr(args, "force", False) else {})}
        result = invoke(args.stack, args.region, payload, session)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
