"""moto in server mode, with DynamoDB requests made atomic as they are on AWS: in this process (MotoServer), or in a
process of its own (`python -m infra.local.moto_server`, what the multi-process stack starts per service)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import urllib.parse
import urllib.request
from typing import Any, Callable, Iterable

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server

log = logging.getLogger(__name__)

DYNAMODB_TARGET_PREFIX = "DynamoDB_20120810."


class SerialDynamoDb:
    """WSGI middleware that runs one DynamoDB request at a time.

    moto answers requests on threads and checks a ConditionExpression and writes the item without a lock,
    so two concurrent conditional writes can both pass. Reads are serialised too: moto updates items in
    place, so a concurrent read could see half an update (or a scan could iterate a table being resized).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith(DYNAMODB_TARGET_PREFIX):
            return self.app(environ, start_response)
        with self.lock:
            # Consume the response inside the lock, in case the app writes while producing the body.
            body = self.app(environ, start_response)
            try:
                return list(body)
            finally:
                if hasattr(body, "close"):
                    body.close()


class RequestCount:
    """WSGI middleware that counts the AWS requests this server answers, by operation, and serves the counts at
    GET /_local/requests: the bench's per-bill request figures, whichever process (a sandbox, the front, a test)
    made the request."""

    PATH = "/_local/requests"

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == self.PATH:
            with self.lock:
                body = json.dumps(self.counts).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        operation = self.operation(environ)
        if operation:
            with self.lock:
                self.counts[operation] = self.counts.get(operation, 0) + 1
        return self.app(environ, start_response)

    @staticmethod
    def operation(environ: dict[str, Any]) -> str:
        """DynamoDB and SQS (JSON protocol) name it in X-Amz-Target; S3 and the query protocols by method/Action."""
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return ""
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            return target.rsplit(".", 1)[-1]
        action = urllib.parse.parse_qs(environ.get("QUERY_STRING", "")).get("Action")
        return action[0] if action else f"S3 {environ.get('REQUEST_METHOD', '')}"


def requests_counted(urls: Iterable[str]) -> dict[str, int]:
    """The operations counted so far by the moto servers at these URLs, summed."""
    total: dict[str, int] = {}
    for url in urls:
        with urllib.request.urlopen(f"{url}{RequestCount.PATH}", timeout=10) as response:  # noqa: S310 - loopback
            for operation, count in json.loads(response.read()).items():
                total[operation] = total.get(operation, 0) + count
    return total


class _QuietMotoRequestHandler(MotoRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's signature
        log.log(logging.WARNING if type == "error" else logging.DEBUG, message.rstrip(), *args)


class MotoServer:
    """moto's server app on loopback, on a free port, in a daemon thread."""

    def __init__(self, host: str = "127.0.0.1",
                 middleware: Iterable[Callable[[Callable[..., Iterable[bytes]]], Callable[..., Iterable[bytes]]]] = (),
                 speedups: bool = True):
        self.host = host
        self.speedups = speedups  # infra/local/moto_speedups.py: same answers, less CPU
        self.middleware = tuple(middleware)  # wraps moto's app, outermost last (e.g. S3 event notifications)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("moto server is not running")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> MotoServer:
        from . import moto_speedups

        moto_speedups.fix()  # moto's own race (a message lost), whatever the speed-ups
        if self.speedups:
            moto_speedups.apply()
        app = SerialDynamoDb(DomainDispatcherApplication(create_backend_app))
        for wrap in self.middleware:
            app = wrap(app)
        app = RequestCount(app)
        self._server = make_server(self.host, 0, app, threaded=True, request_handler=_QuietMotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="moto-server", daemon=True)
        self._thread.start()
        return self

    def reset(self) -> None:
        """Forget every resource: moto's backends are process-wide and may hold a previous stack's state."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback URL we built
            response.read()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._server = self._thread = None


def main(argv: list[str] | None = None) -> int:
    """moto for one service of the multi-process stack (the port says which; moto serves any)."""
    from .processes import post_json, report_ready, stop_on_signals
    from .s3_events import Notifier

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("service", help="what this server is for, in its log lines: dynamodb, sqs, other")
    parser.add_argument("--ready-fd", type=int, required=True)
    parser.add_argument("--s3-report", help="POST each created S3 object here (the front's /_local/s3-events)")
    parser.add_argument("--no-speedups", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format=f"%(asctime)s %(levelname)s [moto {args.service}] %(name)s: %(message)s")
    stopping = stop_on_signals()
    middleware = []
    if args.s3_report:
        def report(bucket: str, key: str, event_name: str) -> None:
            post_json(args.s3_report, {"bucket": bucket, "key": key, "event": event_name})

        middleware.append(lambda app: Notifier(app, report))
    server = MotoServer(middleware=middleware, speedups=not args.no_speedups).start()
    report_ready(args.ready_fd, port=int(server.url.rsplit(":", 1)[1]))
    stopping.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
