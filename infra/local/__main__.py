"""`python -m infra.local`: the local stack in the foreground on $PORT (default 3000), until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Mapping

from .stack import LocalStack

# Settings a developer may give in the environment that reach every function as they are (DESIGN contracts).
PASSED_TO_FUNCTIONS = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_API_ENDPOINT")


def build_stack(env: Mapping[str, str]) -> LocalStack:
    """The one place that decides what `make run` runs: mount the fake LINE platform here (extra_wsgi_mounts)."""
    return LocalStack(
        template_path=env.get("TEMPLATE", "template.yaml"),
        port=int(env.get("PORT", "3000")),
        env_overrides={name: env[name] for name in PASSED_TO_FUNCTIONS if name in env},
    )


def banner(stack: LocalStack) -> str:
    lines = [f"Local stack on {stack.url}  (region {stack.region}; moto on {stack.moto_url})", "", "Routes:"]
    for route in stack.routes:
        auth = f"  [JWT {route.authorizer.name}]" if route.authorizer else ""
        lines.append(f"  {route.route_key:<50} → {route.function_id}{auth}")
    lines.append("Queues:")
    for source in stack.sqs_sources:
        lines.append(f"  {source.queue.name:<50} → {source.function_id} (batch {source.batch_size})")
    lines.append("Schedules:")
    for schedule in stack.schedules:
        state = "" if schedule.enabled else "  (disabled)"
        lines.append(f"  {schedule.function_id}.{schedule.event_name:<30} {schedule.expression}{state}  fire now: "
                     f"curl -X POST {stack.url}/_local/schedules/{schedule.function_id}/{schedule.event_name}")
    lines += [
        "Agency API token:",
        f"  curl '{stack.url}/_local/token?agency=<agency id>&role=<officer|supervisor|admin>'",
        "Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def main() -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    with build_stack(os.environ) as stack:
        # Demo data is seeded here, once the stack is up.
        print(banner(stack), flush=True)
        stopping.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
