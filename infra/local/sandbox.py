"""One template function in a process of its own, as Lambda runs each function in a sandbox of its own: its
handler (loaded before it reports ready), its SQS event sources' pollers, and an invoke endpoint for the front's
routes, the schedules and S3 events. Its environment is its own function's, not the union of all functions'.

`python -m infra.local.sandbox <config.pickle> --ready-fd N` (the local stack starts it; see processes.py).
  POST /invoke/<FunctionLogicalId>   the event as JSON; X-Amz-Invocation-Type: Event answers 202 at once
  GET  /activity                     {"running": n, "started": n}, for the stack's drain()
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import pickle
import sys
import threading
import time
from typing import Any, Callable, Iterable

from .http_front import HttpServer
from .pollers import SqsPoller
from .processes import FUNCTION_ERROR, INVOCATION_TYPE, report_ready, stop_on_signals
from .runtime import LambdaRuntime

log = logging.getLogger(__name__)
_STOP_BUDGET_SECONDS = 1.5


class SandboxApp:
    def __init__(self, runtime: LambdaRuntime):
        self.runtime = runtime

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD")
        if method == "GET" and path == "/activity":
            running, started = self.runtime.activity()
            return _answer(start_response, "200 OK", {"running": running, "started": started})
        function_id = path.removeprefix("/invoke/")
        if method != "POST" or function_id not in self.runtime.functions:
            return _answer(start_response, "404 Not Found", {"message": f"no {method} {path} here"})
        length = int(environ.get("CONTENT_LENGTH") or 0)
        event = json.loads(environ["wsgi.input"].read(length) or b"null")
        if environ.get("HTTP_" + INVOCATION_TYPE.upper().replace("-", "_")) == "Event":
            threading.Thread(target=self._invoke_quietly, args=(function_id, event), daemon=True,
                             name=f"event-{function_id}").start()
            return _answer(start_response, "202 Accepted", None)
        try:
            result = self.runtime.invoke(function_id, event)
            body = json.dumps(result)
        except Exception as error:
            log.exception("%s raised", function_id)
            return _answer(start_response, "200 OK", {"errorType": type(error).__name__, "errorMessage": str(error)},
                           [(FUNCTION_ERROR, "Unhandled")])
        return _answer(start_response, "200 OK", body)

    def _invoke_quietly(self, function_id: str, event: Any) -> None:
        try:
            self.runtime.invoke(function_id, event)
        except Exception:
            log.exception("%s raised (asynchronous invoke)", function_id)


def _answer(start_response: Callable[..., Any], status: str, document: Any,
            headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = b"" if document is None else (document if isinstance(document, str) else json.dumps(document)).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                            *(headers or [])])
    return [body]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config")
    parser.add_argument("--ready-fd", type=int, required=True)
    args = parser.parse_args(argv)
    with open(args.config, "rb") as file:
        config = pickle.load(file)  # noqa: S301 - written by our parent for us, in its private folder
    spec, sources, region = config["spec"], config["sources"], config["region"]
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format=f"%(asctime)s %(levelname)s [{spec.logical_id}] %(name)s: %(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    stopping = stop_on_signals()
    runtime = LambdaRuntime({spec.logical_id: spec})
    runtime.open()
    runtime.warm()
    server = HttpServer("127.0.0.1", 0, SandboxApp(runtime))
    server.start()
    pollers = [SqsPoller(source, runtime, region, config["fifo_long_poll"]) for source in sources]
    for poller in pollers:
        poller.start()
    report_ready(args.ready_fd, port=int(server.url.rsplit(":", 1)[1]))
    stopping.wait()
    deadline = time.monotonic() + _STOP_BUDGET_SECONDS
    for poller in pollers:
        poller.request_stop()
    for poller in pollers:
        poller.join(deadline)
    server.stop()
    if runtime.activity()[0]:
        log.warning("%s: invocations still running at stop", spec.logical_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
