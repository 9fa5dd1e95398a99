"""`python -m infra.local`: the local stack in the foreground on $PORT (default 3000), until Ctrl-C or SIGTERM.

By default what AWS runs apart runs apart here: moto's DynamoDB, SQS and other services, and each function
(its handler and its SQS pollers), each in a process of its own. `--single` runs it all in this process."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from .devstack import DevStack, dev_stack
from .stack import LocalStack


def banner(stack: LocalStack) -> str:
    if stack.processes:
        motos = ", ".join(f"{service} {url}" for service, url in stack.moto_urls.items())
        where = f"{len(stack.children)} processes: moto's {motos}; a sandbox per function"
    else:
        where = f"one process; moto on {stack.moto_url}"
    lines = [f"Local stack on {stack.url}  (region {stack.region}; {where})", "", "Routes:"]
    for route in stack.routes:
        auth = f"  [JWT {route.authorizer.name}]" if route.authorizer else ""
        lines.append(f"  {route.route_key:<50} → {route.function_id} on {route.api_id}{auth}")
    lines.append("Queues:")
    for source in stack.sqs_sources:
        queue = source.queue
        lines.append(f"  {queue.logical_id} ({queue.name})".ljust(52) + f" → {source.function_id} "
                     f"(batch {source.batch_size}, visibility {queue.visibility_timeout} s)")
    lines.append("Schedules:")
    for schedule in stack.schedules:
        state = "" if schedule.enabled else "  (disabled)"
        lines.append(f"  {schedule.function_id}.{schedule.event_name}  {schedule.expression}{state}  fire now: "
                     f"curl -X POST {stack.url}/_local/schedules/{schedule.function_id}/{schedule.event_name}")
    lines += [
        "Webhook: POST {0}/line/webhook   (channel secret: $LINE_CHANNEL_SECRET or the local default)".format(stack.url),
        "Be a citizen: make chat      What LINE received: curl {0}/_line/_fake/inbox/<userId>".format(stack.url),
    ]
    if "/simulator" in stack.extra_wsgi_mounts:
        lines.append(f"Chat simulator (LINE in your browser, with the rich menu): {stack.url}/simulator/")
    lines += [
        f"Staff console: {stack.url}/console/",
        f"Public dashboard: {stack.url}/dashboard/",
        "Agency API token:",
        f"  curl '{stack.url}/_local/token?agency=<agency id>&role=<officer|supervisor|admin>'",
        "Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", action="store_true", help="everything in one process (as most tests run it)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)  # it logs every client's endpoint at INFO
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    dev: DevStack = dev_stack(port=int(os.environ.get("PORT", "3000")), processes=not args.single)
    try:
        print(banner(dev.stack), flush=True)
        if dev.line is None:
            print(f"LINE requests go to {os.environ['LINE_API_ENDPOINT']} (LINE_API_ENDPOINT)", flush=True)
        stopping.wait()
    finally:
        dev.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
