"""Load each function's handler in isolation and invoke it in this process, with a Lambda-like context."""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from .template import Template, TemplateError, as_env_value

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY_SIZE = 128


class EnvironmentClash(TemplateError):
    """Two functions give one environment variable different values; they share os.environ here."""


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    name: str
    arn: str
    code_dir: Path
    handler: str
    timeout: int
    memory_size: int
    environment: dict[str, str]
    layer_dirs: tuple[Path, ...]
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # as written; each consumer resolves its own


def build_function_specs(template: Template) -> dict[str, FunctionSpec]:
    layer_dirs = _layer_dirs(template)
    specs: dict[str, FunctionSpec] = {}
    for logical_id, resource in template.active_resources("AWS::Serverless::Function").items():
        raw = resource["Properties"]
        props = template.resolve({key: raw[key] for key in (
            "PackageType", "CodeUri", "Handler", "Timeout", "MemorySize", "Environment", "Layers") if key in raw})
        if props.get("PackageType", "Zip") != "Zip" or not isinstance(props.get("CodeUri"), str):
            raise TemplateError(f"{logical_id}: the local stack runs Zip functions with CodeUri set to a folder")
        code_dir = (template.base_dir / props["CodeUri"]).resolve()
        if not code_dir.is_dir():
            raise TemplateError(f"{logical_id}: CodeUri {code_dir} is not a folder")
        layers: list[Path] = []
        for layer in props.get("Layers", []):
            if layer in layer_dirs:
                layers.extend(layer_dirs[layer])
            else:
                log.info("%s: layer %s is not in the template; its packages must be installed locally",
                         logical_id, layer)
        variables = (props.get("Environment") or {}).get("Variables") or {}
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=template.physical(logical_id),
            arn=template.get_att(logical_id, "Arn"),
            code_dir=code_dir,
            handler=props["Handler"],
            timeout=int(props.get("Timeout", DEFAULT_TIMEOUT)),
            memory_size=int(props.get("MemorySize", DEFAULT_MEMORY_SIZE)),
            environment={key: as_env_value(key, value) for key, value in variables.items()},
            layer_dirs=tuple(layers),
            events=raw.get("Events") or {},
        )
    return specs


def _layer_dirs(template: Template) -> dict[str, list[Path]]:
    """Layer ARN (its Ref) → the folders Lambda would put on sys.path: <ContentUri> as SAM builds it, and python/."""
    found: dict[str, list[Path]] = {}
    for logical_id, resource in template.active_resources("AWS::Serverless::LayerVersion").items():
        content = template.resolve(resource["Properties"].get("ContentUri"))
        if not isinstance(content, str):
            raise TemplateError(f"{logical_id}: the local stack needs ContentUri to be a folder")
        root = (template.base_dir / content).resolve()
        found[template.physical(logical_id)] = [path for path in (root, root / "python") if path.is_dir()]
    return found


def process_environment(functions: dict[str, FunctionSpec], overrides: dict[str, str]) -> dict[str, str]:
    """The union of every function's variables (they share os.environ here), then the overrides."""
    merged: dict[str, str] = {}
    owner: dict[str, str] = {}
    clashes = []
    for spec in functions.values():
        for key, value in spec.environment.items():
            if key in overrides:
                continue
            if key in merged and merged[key] != value:
                clashes.append(f"{key} is {merged[key]!r} in {owner[key]} but {value!r} in {spec.logical_id}")
            else:
                merged[key], owner[key] = value, spec.logical_id
    if clashes:
        raise EnvironmentClash(
            "functions run in one process locally, so an environment variable can have only one value: "
            + "; ".join(clashes)
        )
    return merged | {key: str(value) for key, value in overrides.items()}


class LambdaContext:
    """The attributes and method of the Python runtime's context object that handlers and Powertools use."""

    def __init__(self, spec: FunctionSpec):
        self.function_name = spec.name
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec.arn
        self.memory_limit_in_mb = spec.memory_size
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{spec.name}"
        self.log_stream_name = f"{datetime.now(timezone.utc):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = time.monotonic() + spec.timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class LambdaRuntime:
    """Runs handlers on the caller's thread, one invocation per loaded instance at a time, as Lambda runs one per
    sandbox: a second concurrent invocation loads a second instance (a cold start) rather than share the first's
    module state (a Powertools resolver keeps the current event on its app). Idle instances are reused."""

    def __init__(self, functions: dict[str, FunctionSpec]):
        self.functions = functions
        self._idle: dict[str, list[Callable[[Any, LambdaContext], Any]]] = {}
        self._instances: dict[str, int] = {}
        self._module_names: list[str] = []
        self._layer_paths: list[str] = []
        # sys.path is process-wide: one cold start at a time, so one function's folder never serves another's import.
        self._load_lock = threading.Lock()
        self._activity_lock = threading.Lock()
        self._running = 0
        self._started = 0

    def open(self) -> None:
        """Put every layer on sys.path, as Lambda puts /opt/python there for the function's lifetime."""
        for spec in self.functions.values():
            for path in map(str, spec.layer_dirs):
                if path not in sys.path and path not in self._layer_paths:
                    sys.path.append(path)
                    self._layer_paths.append(path)

    def close(self) -> None:
        for path in self._layer_paths:
            if path in sys.path:
                sys.path.remove(path)
        for name in self._module_names:
            sys.modules.pop(name, None)
        self._layer_paths.clear()
        self._module_names.clear()
        self._idle.clear()
        self._instances.clear()

    def activity(self) -> tuple[int, int]:
        """(invocations running now, invocations started so far): lets drain() see work it did not watch start."""
        with self._activity_lock:
            return self._running, self._started

    def invoke(self, logical_id: str, event: Any) -> Any:
        if logical_id not in self.functions:
            raise KeyError(f"no function {logical_id}; functions: {sorted(self.functions)}")
        spec = self.functions[logical_id]
        with self._activity_lock:
            self._running += 1
            self._started += 1
        try:
            handler = self._take(spec)
            began = time.monotonic()
            try:
                return handler(event, LambdaContext(spec))
            finally:
                elapsed = time.monotonic() - began
                with self._activity_lock:
                    self._idle[logical_id].append(handler)
                if elapsed > spec.timeout:
                    log.warning("%s ran %.1fs, over its Timeout of %ss: Lambda would have stopped it",
                                logical_id, elapsed, spec.timeout)
        finally:
            with self._activity_lock:
                self._running -= 1

    def warm(self) -> None:
        """Load one instance of every handler now, as provisioned concurrency would: the first event pays no
        import."""
        for spec in self.functions.values():
            with self._activity_lock:
                ready = bool(self._idle.get(spec.logical_id))
            if not ready:
                handler = self._take(spec)
                with self._activity_lock:
                    self._idle[spec.logical_id].append(handler)

    def instances(self, logical_id: str) -> int:
        """How many instances of the function have been loaded (its sandboxes, in Lambda's terms)."""
        with self._activity_lock:
            return self._instances.get(logical_id, 0)

    def _take(self, spec: FunctionSpec) -> Callable[[Any, LambdaContext], Any]:
        """An idle instance of the function, or a new one when every loaded instance is busy."""
        with self._activity_lock:
            idle = self._idle.setdefault(spec.logical_id, [])
            if idle:
                return idle.pop()
        with self._load_lock:
            handler = self._load(spec, self._instances.get(spec.logical_id, 0))
            with self._activity_lock:
                self._instances[spec.logical_id] = self._instances.get(spec.logical_id, 0) + 1
        return handler

    def _load(self, spec: FunctionSpec, instance: int) -> Callable[[Any, LambdaContext], Any]:
        module_path, _, attribute = spec.handler.rpartition(".")
        source = spec.code_dir.joinpath(*module_path.split(".")).with_suffix(".py")
        if not module_path or not source.is_file():
            raise TemplateError(f"{spec.logical_id}: Handler {spec.handler!r} needs {source}")
        # A name of its own per function and instance, so two functions' app.py never meet in sys.modules and two
        # instances of one function keep their module state apart.
        module_name = f"lambda_{spec.logical_id}__{module_path.replace('.', '_')}"
        module_name += f"__{instance}" if instance else ""
        began = time.monotonic()
        module_spec = importlib.util.spec_from_file_location(module_name, source)
        assert module_spec is not None and module_spec.loader is not None
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[module_name] = module
        sys.path.insert(0, str(spec.code_dir))
        try:
            module_spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        finally:
            sys.path.remove(str(spec.code_dir))
        self._module_names.append(module_name)
        log.info("cold start %s (%s) in %.0f ms", spec.logical_id, spec.handler, (time.monotonic() - began) * 1000)
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise TemplateError(f"{spec.logical_id}: {source} has no function {attribute}")
        return handler
