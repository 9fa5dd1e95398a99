"""LocalStack: the template's resources, functions, routes, queue consumers and schedules on one machine.

One process (the default, what most tests use), or `processes=True` (what `make run` starts): moto's
DynamoDB, SQS and other services each in a process of their own, each template function in a sandbox process
of its own (its handler and its SQS pollers: sandbox.py), and this process the HTTP front, the schedules and
the S3 notifications. Both modes run the same code with the same semantics.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import tempfile
import threading
import time
from typing import Any, Callable, Iterable

import boto3
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from .auth import TokenAuthority
from .http_front import HttpFront, HttpServer, Route, routes_from_template
from .moto_server import MotoServer
from .pollers import SqsEventSource, SqsPoller, sqs_event_sources
from .processes import Child, RemoteRuntime, start_all, stop_all
from .resources import QueueInfo, create_resources, register_serverless_names
from .runtime import LambdaRuntime, build_function_specs, process_environment
from .s3_events import Notifier, S3Events
from .schedules import Schedule, ScheduleRunner, schedules_from_template
from .template import Template

log = logging.getLogger(__name__)

REGION = "ap-southeast-7"  # Asia Pacific (Thailand); moto and botocore both accept it
# Variables that would send clients elsewhere or fail them (a missing profile) while the stack runs.
_CLEARED_AWS_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN",
                          "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
_STOP_BUDGET_SECONDS = 1.5
_CHILD_START_SECONDS = 120  # 16 sandboxes import boto3, Powertools and their handler at once on 2 cores
# Each of these services gets a moto server process of its own; every other service shares one more.
MOTO_SPLIT = ("dynamodb", "sqs")

# moto's backends, os.environ and sys.path are process-wide, so one stack runs per process at a time.
_running_stack: LocalStack | None = None
_running_lock = threading.Lock()


class LocalStack:
    def __init__(
        self,
        template_path: str = "template.yaml",
        port: int = 3000,
        host: str = "127.0.0.1",
        parameter_overrides: dict[str, Any] | None = None,
        env_overrides: dict[str, str] | None = None,
        visibility_scale: float = 1.0,
        extra_wsgi_mounts: dict[str, Callable[..., Iterable[bytes]]] | None = None,
        middleware: Callable[[Callable[..., Iterable[bytes]]], Callable[..., Iterable[bytes]]] | None = None,
        start_pollers: bool = True,
        start_schedules: bool = True,
        processes: bool = False,
        moto_speedups: bool = True,
    ):
        self.template_path = template_path
        self.port = port
        self.host = host
        self.parameter_overrides = parameter_overrides or {}
        self.env_overrides = env_overrides or {}
        self.visibility_scale = visibility_scale
        self.extra_wsgi_mounts = extra_wsgi_mounts or {}
        self.middleware = middleware  # wraps the whole app (e.g. to let the fake LINE see webhooks)
        self.start_pollers = start_pollers
        self.start_schedules = start_schedules
        self.processes = processes  # moto per service and a sandbox process per function, or all in this one
        self.moto_speedups = moto_speedups
        self.region = REGION
        self.moto_urls: dict[str, str] = {}  # by service in multi-process mode ("other": the rest)
        self.children: list[Child] = []
        self._sandbox_dir: str | None = None
        self.url = f"http://{host}:{port}"
        self.moto_url = ""
        self.routes: list[Route] = []
        self.sqs_sources: list[SqsEventSource] = []
        self.schedules: list[Schedule] = []
        self.queues: dict[str, QueueInfo] = {}  # by ARN
        self._saved_environ: dict[str, str | None] = {}
        self._moto: MotoServer | None = None
        self._http: HttpServer | None = None
        self._app: Callable[..., Iterable[bytes]] | None = None
        self._runtime: LambdaRuntime | RemoteRuntime | None = None
        self._template: Template | None = None
        self._authority: TokenAuthority | None = None
        self._pollers: list[SqsPoller] = []
        self._schedule_runner: ScheduleRunner | None = None
        self.s3_events = S3Events()  # objects created in moto's S3 → the template's S3 subscriptions

    # ---- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> LocalStack:
        global _running_stack
        with _running_lock:
            if _running_stack is not None:
                raise RuntimeError("a LocalStack is already running in this process; stop it first")
            _running_stack = self
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        log.info("local stack on %s (moto on %s)", self.url, self.moto_url)
        return self

    def _start(self) -> None:
        if self.processes:
            self._start_processes()
            return
        self._moto = MotoServer(self.host, middleware=[lambda app: Notifier(app, self.s3_events.report)],
                                speedups=self.moto_speedups).start()
        self.moto_url = self._moto.url
        self._point_clients_at_moto({})
        self._moto.reset()

        template = self._load_template()
        functions = build_function_specs(template)
        self._set_environ(process_environment(functions, self.env_overrides))
        runtime = self._runtime = LambdaRuntime(functions)
        self._runtime.open()
        self.s3_events.configure(template, functions, self._runtime.invoke, self.region)
        self._http = HttpServer(self.host, self.port, self._serve)
        self._start_front(template, functions)

        if self.start_pollers:
            self._pollers = [SqsPoller(source, runtime, self.region, self.moto_speedups) for source in self.sqs_sources]
            for poller in self._pollers:
                poller.start()
        self._start_schedules()

    def _start_processes(self) -> None:
        """moto's servers first (resources are created in them), then the sandboxes, then the front serves."""
        self._http = HttpServer(self.host, self.port, self._serve)  # bound now: the S3 notifier reports to it
        speed = [] if self.moto_speedups else ["--no-speedups"]
        motos = {service: Child(f"moto {service}", "infra.local.moto_server", [service, *speed], dict(os.environ))
                 for service in MOTO_SPLIT}
        motos["other"] = Child("moto other", "infra.local.moto_server",
                               ["other", "--s3-report", f"{self._http.url}/_local/s3-events", *speed], dict(os.environ))
        self.children = list(motos.values())
        start_all(self.children, _CHILD_START_SECONDS)
        self.moto_urls = {service: f"http://{self.host}:{child.info['port']}" for service, child in motos.items()}
        self.moto_url = self.moto_urls["other"]
        self._point_clients_at_moto({f"AWS_ENDPOINT_URL_{service.upper()}": self.moto_urls[service]
                                     for service in MOTO_SPLIT})

        template = self._load_template()
        functions = build_function_specs(template)
        shared = process_environment(functions, self.env_overrides)  # refuses clashes, as the one-process mode does
        self._set_environ(shared)
        self.sqs_sources = sqs_event_sources(template, functions, self.queues)
        self._sandbox_dir = tempfile.mkdtemp(prefix="local-stack-")
        sandboxes = {logical_id: self._sandbox(spec, functions) for logical_id, spec in functions.items()}
        start_all(list(sandboxes.values()), _CHILD_START_SECONDS)
        self.children += sandboxes.values()
        self._runtime = RemoteRuntime(functions, {fid: child.info["port"] for fid, child in sandboxes.items()})
        self._runtime.open()
        self.s3_events.configure(template, functions, self._runtime.invoke, self.region)
        self._start_front(template, functions)
        self._start_schedules()

    def _sandbox(self, spec: Any, functions: dict[str, Any]) -> Child:
        """A function's own process: the stack's variables and only this function's (Lambda gives it no other's)."""
        others = {key for other in functions.values() for key in other.environment} - set(self.env_overrides)
        env = {key: value for key, value in os.environ.items() if key not in others} | spec.environment
        env |= {key: str(value) for key, value in self.env_overrides.items()}
        config = os.path.join(self._sandbox_dir or "", f"{spec.logical_id}.pickle")
        sources = [source for source in self.sqs_sources if source.function_id == spec.logical_id]
        with open(config, "wb") as file:
            pickle.dump({"spec": spec, "sources": sources if self.start_pollers else [], "region": self.region,
                         "fifo_long_poll": self.moto_speedups}, file)
        return Child(spec.logical_id, "infra.local.sandbox", [config], env)

    def _point_clients_at_moto(self, per_service: dict[str, str]) -> None:
        # Before any client exists: every boto3, botocore and PynamoDB client reads these when it is made.
        self._set_environ({
            "AWS_ENDPOINT_URL": self.moto_url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": self.region,
            "AWS_REGION": self.region,
            **{name: None for name in _CLEARED_AWS_VARIABLES},
            **{name: None for name in os.environ if name.startswith("AWS_ENDPOINT_URL_")},
            **per_service,
        })

    def _load_template(self) -> Template:
        template = self._template = Template(self.template_path, self.region, self.parameter_overrides)
        register_serverless_names(template)
        self.queues = create_resources(template, self.visibility_scale)
        return template

    def _start_front(self, template: Template, functions: dict[str, Any]) -> None:
        assert self._http is not None and self._runtime is not None
        self.url = self._http.url
        self._authority = TokenAuthority(issuer=f"{self.url}/local-idp")
        self.routes = routes_from_template(template, functions)
        front = HttpFront(self.routes, self._runtime, self._authority, self.fire_schedule, self.s3_events.report)
        self._app = _mount(front, self.extra_wsgi_mounts)
        if self.middleware is not None:
            self._app = self.middleware(self._app)
        self._http.start()
        self.sqs_sources = sqs_event_sources(template, functions, self.queues)

    def _start_schedules(self) -> None:
        assert self._template is not None and self._runtime is not None
        self.schedules = schedules_from_template(self._template, self._runtime.functions)
        if self.start_schedules:
            self._schedule_runner = ScheduleRunner(self.schedules, self._fire_on_time)
            self._schedule_runner.start()

    def stop(self) -> None:
        global _running_stack
        deadline = time.monotonic() + _STOP_BUDGET_SECONDS
        for poller in self._pollers:
            poller.request_stop()
        if self._schedule_runner is not None:
            self._schedule_runner.stop()
        for poller in self._pollers:
            poller.join(deadline)
        if self._http is not None:
            self._http.stop()
        if isinstance(self._runtime, LambdaRuntime):
            still_running = self._runtime.activity()[0]
            if still_running:
                log.warning("%d invocations still running at stop; a handler cannot be interrupted, and one that "
                            "goes on may reach the next stack started in this process", still_running)
            self._runtime.close()
        elif self._runtime is not None:
            self._runtime.close()
        if self._moto is not None:
            self._moto.stop()
        stop_all(self.children, _STOP_BUDGET_SECONDS + 1.0)  # sandboxes and moto's servers: SIGTERM, then SIGKILL
        self.children = []
        if self._sandbox_dir is not None:
            shutil.rmtree(self._sandbox_dir, ignore_errors=True)
            self._sandbox_dir = None
        self._restore_environ()
        self._pollers, self._schedule_runner, self._http, self._moto, self._app = [], None, None, None, None
        self._runtime, self._template, self._authority = None, None, None
        with _running_lock:
            if _running_stack is self:
                _running_stack = None

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def _serve(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert self._app is not None, "requests arrive only after start() built the app"
        return self._app(environ, start_response)

    def _set_environ(self, values: dict[str, str | None]) -> None:
        """Set (or, for None, remove) variables, remembering the first original value to restore at stop."""
        for name, value in values.items():
            self._saved_environ.setdefault(name, os.environ.get(name))
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    def _restore_environ(self) -> None:
        for name, value in self._saved_environ.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environ.clear()

    # ---- what tests and tools call ---------------------------------------------------------------------

    def resource(self, logical_id: str) -> str:
        """The physical value of a created resource, as !Ref gives it: table name, queue URL, bucket name..."""
        return self._started_template().physical(logical_id)

    def warm(self) -> None:
        """Import every function's handler now (make run does, so a person's first message is not a cold start)."""
        self._started_runtime().warm()

    def invoke(self, function_logical_id: str, event: Any) -> Any:
        return self._started_runtime().invoke(function_logical_id, event)

    def instances(self, function_logical_id: str) -> int:
        """How many instances of an in-process function are loaded (Lambda's sandboxes); single-process mode."""
        runtime = self._started_runtime()
        assert isinstance(runtime, LambdaRuntime), "a sandbox process counts its own instances"
        return runtime.instances(function_logical_id)

    def fire_schedule(self, function_logical_id: str, event_name: str | None = None) -> Any:
        """Fire a Schedule/ScheduleV2 event now (even a disabled one) and return the handler's result."""
        candidates = [s for s in self.schedules if s.function_id == function_logical_id
                      and (event_name is None or s.event_name == event_name)]
        if len(candidates) != 1:
            known = sorted(f"{s.function_id}/{s.event_name}" for s in self.schedules)
            raise KeyError(f"{function_logical_id}/{event_name or '?'} does not name one schedule; known: {known}")
        schedule = candidates[0]
        log.info("firing %s.%s now", schedule.function_id, schedule.event_name)
        return self._started_runtime().invoke(schedule.function_id, schedule.payload(time.time(), self.region))

    def _fire_on_time(self, schedule: Schedule, at: float) -> None:
        """Scheduled invocations are asynchronous on AWS: run each on its own thread so the clock keeps time."""
        def run() -> None:
            log.info("schedule %s.%s (%s)", schedule.function_id, schedule.event_name, schedule.expression)
            try:
                self._started_runtime().invoke(schedule.function_id, schedule.payload(at, self.region))
            except Exception:
                log.exception("schedule %s.%s: the handler raised", schedule.function_id, schedule.event_name)

        threading.Thread(target=run, name=f"schedule-{schedule.function_id}", daemon=True).start()

    def drain(self, timeout: float = 30.0) -> None:
        """Block until every polled queue is empty (visible, in flight, delayed) and no invocation runs."""
        runtime = self._started_runtime()
        sqs = boto3.client("sqs")
        queues = {source.queue.url: source.queue.name for source in self.sqs_sources}
        deadline = time.monotonic() + timeout
        while True:
            before = runtime.activity()
            busy = [name for url, name in queues.items() if _queue_depth(sqs, url) > 0]
            busy += ["S3 events"] if self.s3_events.pending else []
            after = runtime.activity()
            # Unchanged activity with nothing running means no handler sent a message while we looked.
            if not busy and before == after and before[0] == 0:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(f"not drained after {timeout}s: queues {busy or 'empty'}, "
                                   f"{after[0]} invocations running")
            time.sleep(0.05)

    def issue_token(self, agency_id: str, role: str, sub: str = "local-user", expires_in: int = 3600) -> str:
        if self._authority is None:
            raise RuntimeError("start() the stack first")
        return self._authority.issue(agency_id, role, sub=sub, expires_in=expires_in)

    def _started_template(self) -> Template:
        if self._template is None:
            raise RuntimeError("start() the stack first")
        return self._template

    def _started_runtime(self) -> LambdaRuntime | RemoteRuntime:
        if self._runtime is None:
            raise RuntimeError("start() the stack first")
        return self._runtime


def _queue_depth(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
             "ApproximateNumberOfMessagesDelayed"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes.get(name, 0)) for name in names)


def _mount(app: Callable[..., Iterable[bytes]],
           mounts: dict[str, Callable[..., Iterable[bytes]]]) -> Callable[..., Iterable[bytes]]:
    """Extra WSGI apps take their prefix first (prefix moved from PATH_INFO to SCRIPT_NAME)."""
    if not mounts:
        return app
    return DispatcherMiddleware(app, {prefix.rstrip("/"): mounted for prefix, mounted in mounts.items()})
