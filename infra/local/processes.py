"""The multi-process local stack's plumbing: child processes that report ready and die with their parent, and the
runtime the front uses to invoke a function in its own process (the sandbox, infra/local/sandbox.py).

Each child is `python -m <module> ... --ready-fd N`: it writes one JSON line (its port) on that pipe when it
serves, so the parent needs no polling and no fixed ports. Every child asks Linux to send it SIGTERM when
the parent dies (PR_SET_PDEATHSIG), so even a killed `make run` leaves nothing running.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
_PR_SET_PDEATHSIG = 1
INVOCATION_TYPE = "X-Amz-Invocation-Type"  # as Lambda's Invoke API: RequestResponse (default) or Event
FUNCTION_ERROR = "X-Amz-Function-Error"


class FunctionError(Exception):
    """The handler raised in its sandbox; the message is Lambda's errorType: errorMessage."""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass  # not Linux: stop() still ends every child it started


class Child:
    """One child process of the stack, from start to a stop that waits, then kills."""

    def __init__(self, name: str, module: str, args: list[str], env: dict[str, str]):
        self.name, self.module, self.args, self.env = name, module, args, env
        self.process: subprocess.Popen[bytes] | None = None
        self._ready_fd: int | None = None
        self.info: dict[str, Any] = {}

    def start(self) -> Child:
        read_fd, write_fd = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", self.module, *self.args, "--ready-fd", str(write_fd)],
                cwd=ROOT, env=self.env, pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent)  # noqa: PLW1509 - only a prctl call, before exec
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self._ready_fd = read_fd
        return self

    def wait_ready(self, deadline: float) -> dict[str, Any]:
        assert self.process is not None and self._ready_fd is not None
        line = b""
        try:
            while not line.endswith(b"\n"):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.process.poll() is not None:
                    raise RuntimeError(f"{self.name} did not start (exit code {self.process.poll()}); its log is above")
                readable, _, _ = select.select([self._ready_fd], [], [], min(remaining, 0.5))
                if readable:
                    chunk = os.read(self._ready_fd, 4096)
                    if not chunk:
                        raise RuntimeError(f"{self.name} exited before it served (exit code {self.process.wait()})")
                    line += chunk
        finally:
            os.close(self._ready_fd)
            self._ready_fd = None
        self.info = json.loads(line)
        return self.info

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def reap(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.05, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop on SIGTERM; killed", self.name)
            self.process.kill()
            self.process.wait()


def start_all(children: list[Child], timeout: float) -> None:
    """Start every child, then wait for all: they import side by side on the machine's cores."""
    for child in children:
        child.start()
    deadline = time.monotonic() + timeout
    try:
        for child in children:
            child.wait_ready(deadline)
    except BaseException:
        stop_all(children, 2.0)
        raise


def stop_all(children: list[Child], budget: float) -> None:
    for child in children:
        child.terminate()
    deadline = time.monotonic() + budget
    for child in children:
        child.reap(deadline)


def report_ready(ready_fd: int, **info: Any) -> None:
    """The child's side: one JSON line on the pipe the parent gave, then the pipe is closed."""
    with os.fdopen(ready_fd, "w") as pipe:
        pipe.write(json.dumps(info) + "\n")


def stop_on_signals() -> threading.Event:
    """SIGINT (Ctrl-C reaches the whole process group) and SIGTERM (the parent's stop) end a child quietly."""
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    return stopping


class _Connections(threading.local):
    """One keep-alive connection per sandbox per thread: no TCP handshake or server thread per invoke."""

    def __init__(self) -> None:
        self.by_port: dict[int, HTTPConnection] = {}


class RemoteRuntime:
    """LambdaRuntime's interface for functions that run in sandboxes: invoke over loopback HTTP."""

    def __init__(self, functions: dict[str, Any], ports: dict[str, int], timeout_margin: float = 5.0):
        self.functions = functions
        self.ports = ports
        self.timeout_margin = timeout_margin
        self._connections = _Connections()
        from .runtime import LambdaRuntime

        self._layers = LambdaRuntime(functions)  # only for sys.path: deploy steps run here (seed, rich menu)

    def open(self) -> None:
        """The layers on this process's sys.path too; each sandbox put them on its own."""
        self._layers.open()

    def close(self) -> None:
        self._layers.close()

    def warm(self) -> None:
        """Each sandbox loaded its handler before it reported ready."""

    def invoke(self, logical_id: str, event: Any, asynchronous: bool = False) -> Any:
        if logical_id not in self.functions:
            raise KeyError(f"no function {logical_id}; functions: {sorted(self.functions)}")
        headers = {"Content-Type": "application/json", INVOCATION_TYPE: "Event" if asynchronous else "RequestResponse"}
        status, answer_headers, body = self._request(
            logical_id, "POST", f"/invoke/{logical_id}", json.dumps(event).encode(), headers,
            self.functions[logical_id].timeout + self.timeout_margin)
        if answer_headers.get(FUNCTION_ERROR.lower()):
            error = json.loads(body)
            raise FunctionError(f"{logical_id}: {error.get('errorType')}: {error.get('errorMessage')}")
        if status >= 300:
            raise FunctionError(f"{logical_id}: the sandbox answered {status}: {body[:200]!r}")
        return None if asynchronous or not body else json.loads(body)

    def activity(self) -> tuple[int, int]:
        running = started = 0
        for logical_id in self.ports:
            _, _, body = self._request(logical_id, "GET", "/activity", None, {}, 10)
            counts = json.loads(body)
            running, started = running + counts["running"], started + counts["started"]
        return running, started

    def _request(self, logical_id: str, method: str, path: str, body: bytes | None, headers: dict[str, str],
                 timeout: float) -> tuple[int, dict[str, str], bytes]:
        port = self.ports[logical_id]
        for attempt in (1, 2):
            connection = self._connections.by_port.get(port)
            if connection is None:
                connection = self._connections.by_port[port] = HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.timeout = timeout
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
            except (HTTPException, ConnectionError) as error:
                # A kept-alive connection the sandbox closed: reconnect once. Not after a time-out: it may have run.
                connection.close()
                del self._connections.by_port[port]
                if attempt == 2 or not _reusable_failure(error):
                    raise
        raise AssertionError("unreachable")


def _reusable_failure(error: Exception) -> bool:
    from http.client import RemoteDisconnected

    return isinstance(error, (RemoteDisconnected, BrokenPipeError, ConnectionResetError))


def post_json(url: str, document: Any, timeout: float = 10) -> None:
    """One small POST (the S3 notifier's report to the front)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("POST", parts.path, body=json.dumps(document).encode(),
                           headers={"Content-Type": "application/json"})
        connection.getresponse().read()
    finally:
        connection.close()

