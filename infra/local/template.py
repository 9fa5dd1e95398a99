"""Load a SAM template and resolve its intrinsic functions the way CloudFormation would, locally."""

from __future__ import annotations

import base64
import copy
import json
import logging
import re
from pathlib import Path
from typing import Any

import yaml
from samtranslator.yaml_helper import intrinsics_multi_constructor

log = logging.getLogger(__name__)

ACCOUNT_ID = "123456789012"
STACK_NAME = "local"

# Marks a value that CloudFormation drops (AWS::NoValue): the enclosing key or list item disappears.
NO_VALUE = object()

# Globals sections and the resource types they apply to (SAM's Globals semantics).
GLOBALS_FOR_TYPE = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::HttpApi": "HttpApi",
}

_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class TemplateError(Exception):
    """The template asks for something the local stack cannot do, or is inconsistent."""


class _TemplateLoader(yaml.SafeLoader):
    """A SafeLoader of our own, so the short-form tags do not leak into yaml.SafeLoader globally."""


# samtranslator's constructor turns !Ref, !GetAtt a.b, !Sub ... into their long forms, exactly as SAM does.
_TemplateLoader.add_multi_constructor("!", intrinsics_multi_constructor)


def load_template(path: str | Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM YAML (or JSON) file with short-form tags into long-form dictionaries."""
    with open(path, encoding="utf-8") as stream:
        body = yaml.load(stream, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    if not isinstance(body, dict) or "Resources" not in body:
        raise TemplateError(f"{path} is not a CloudFormation template (no Resources)")
    return body


def is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and (
        "Ref" in value or "Condition" in value or next(iter(value)).startswith("Fn::")
    )


def merge_globals(global_properties: dict[str, Any], local_properties: dict[str, Any]) -> dict[str, Any]:
    """SAM's Globals rule: maps merge (the resource wins), lists concatenate (globals first), scalars are replaced."""
    merged = copy.deepcopy(global_properties)
    for key, local in local_properties.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(local, dict) and not (is_intrinsic(current) or is_intrinsic(local)):
            merged[key] = merge_globals(current, local)
        elif isinstance(current, list) and isinstance(local, list):
            merged[key] = current + copy.deepcopy(local)
        else:
            merged[key] = copy.deepcopy(local)
    return merged


class Template:
    """A template with its parameters, conditions and Globals applied, and a registry of created resources.

    Resources register their physical values (`register`) as they are created; `resolve` then turns any
    property value into plain data. References to resources that are not created locally resolve to a
    placeholder string, so a template can mention Cognito, alarms or IAM without the local stack caring.
    """

    def __init__(self, path: str | Path, region: str, parameter_overrides: dict[str, Any] | None = None):
        self.path = Path(path).resolve()
        self.base_dir = self.path.parent
        self.region = region
        self.body = load_template(self.path)
        self.mappings: dict[str, Any] = self.body.get("Mappings", {})
        self.parameters = self._parameter_values(parameter_overrides or {})
        self._conditions: dict[str, bool] = {}
        self._refs: dict[str, Any] = {}
        self._attributes: dict[str, dict[str, Any]] = {}
        self._placeholders_logged: set[str] = set()
        self.resources = self._resources_with_globals()

    # ---- parameters, conditions, resources -------------------------------------------------------------

    def _parameter_values(self, overrides: dict[str, Any]) -> dict[str, Any]:
        declared = self.body.get("Parameters", {})
        unknown = set(overrides) - set(declared)
        if unknown:
            raise TemplateError(f"parameter overrides for undeclared parameters: {sorted(unknown)}")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                value = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no Default and no override")
            allowed = spec.get("AllowedValues")
            if allowed is not None and str(value) not in [str(a) for a in allowed]:
                raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
            pattern = spec.get("AllowedPattern")
            if pattern is not None and not re.fullmatch(pattern, str(value)):  # CloudFormation matches it whole
                raise TemplateError(f"parameter {name}={value!r} does not match {pattern!r}: "
                                    f"{spec.get('ConstraintDescription', '')}".rstrip(": "))
            param_type = spec.get("Type", "String")
            if param_type == "CommaDelimitedList" or param_type.startswith("List<"):
                values[name] = value if isinstance(value, list) else [v.strip() for v in str(value).split(",")]
            else:
                values[name] = _as_string(value)
        return values

    def _resources_with_globals(self) -> dict[str, dict[str, Any]]:
        globals_section = self.body.get("Globals", {})
        resources: dict[str, dict[str, Any]] = {}
        for logical_id, resource in self.body["Resources"].items():
            resource = copy.deepcopy(resource)
            section = GLOBALS_FOR_TYPE.get(resource.get("Type", ""))
            if section and section in globals_section:
                resource["Properties"] = merge_globals(globals_section[section], resource.get("Properties") or {})
            resource.setdefault("Properties", {})
            resources[logical_id] = resource
        return resources

    def global_properties(self, section: str) -> dict[str, Any]:
        return copy.deepcopy(self.body.get("Globals", {}).get(section, {}))

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            declared = self.body.get("Conditions", {})
            if name not in declared:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(declared[name]))
        return self._conditions[name]

    def active_resources(self, resource_type: str | None = None) -> dict[str, dict[str, Any]]:
        """Resources whose Condition holds, optionally of one type, in template order."""
        return {
            logical_id: resource
            for logical_id, resource in self.resources.items()
            if (resource_type is None or resource["Type"] == resource_type)
            and ("Condition" not in resource or self.condition(resource["Condition"]))
        }

    def references(self, value: Any) -> set[str]:
        """Logical ids a value refers to through Ref, GetAtt or Sub (for creation order)."""
        found: set[str] = set()
        if isinstance(value, dict):
            if "Ref" in value and isinstance(value["Ref"], str):
                found.add(value["Ref"])
            elif "Fn::GetAtt" in value:
                target = value["Fn::GetAtt"]
                found.add(target.split(".", 1)[0] if isinstance(target, str) else target[0])
            elif "Fn::Sub" in value:
                text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
                found.update(m.split(".", 1)[0] for m in _SUB_VARIABLE.findall(text) if not m.startswith("!"))
            for item in value.values():
                found |= self.references(item)
        elif isinstance(value, list):
            for item in value:
                found |= self.references(item)
        return found & set(self.resources)

    # ---- registry of created resources -----------------------------------------------------------------

    def register(self, logical_id: str, ref: Any, attributes: dict[str, Any] | None = None) -> None:
        self._refs[logical_id] = ref
        self._attributes[logical_id] = attributes or {}

    def physical(self, logical_id: str) -> Any:
        if logical_id not in self._refs:
            raise KeyError(f"{logical_id} is not a resource the local stack created; known: {sorted(self._refs)}")
        return self._refs[logical_id]

    def _placeholder(self, logical_id: str, attribute: str | None = None) -> str:
        if logical_id not in self._placeholders_logged:
            self._placeholders_logged.add(logical_id)
            log.debug("%s is not created locally; its references resolve to a placeholder", logical_id)
        return f"local-{logical_id}" + (f"-{attribute}" if attribute else "")

    # ---- intrinsic functions ---------------------------------------------------------------------------

    def pseudo_parameter(self, name: str) -> Any:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": STACK_NAME,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{STACK_NAME}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }[name]

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo_parameter(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self._refs:
            return self._refs[name]
        return self._placeholder(name)

    def get_att(self, logical_id: str, attribute: str) -> Any:
        attributes = self._attributes.get(logical_id)
        if attributes is None:
            return self._placeholder(logical_id, attribute)
        if attribute not in attributes:
            raise TemplateError(f"!GetAtt {logical_id}.{attribute}: not available locally (has {sorted(attributes)})")
        return attributes[attribute]

    def resolve(self, value: Any) -> Any:
        """Evaluate every intrinsic function in value; AWS::NoValue removes the key or item that holds it."""
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if is_intrinsic(value):
            (function, argument), = value.items()
            return self._intrinsic(function, argument)
        resolved = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in resolved.items() if item is not NO_VALUE}

    def _intrinsic(self, function: str, argument: Any) -> Any:  # noqa: C901 - one branch per intrinsic
        if function == "Ref":
            return self.ref(self.resolve(argument))
        if function == "Condition":
            return self.condition(argument)
        if function == "Fn::GetAtt":
            logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else self.resolve(argument)
            return self.get_att(logical_id, attribute)
        if function == "Fn::Sub":
            return self._sub(argument)
        if function == "Fn::Join":
            delimiter, items = argument
            return delimiter.join(_as_string(item) for item in self.resolve(items))
        if function == "Fn::If":
            name, when_true, when_false = argument
            return self.resolve(when_true if self.condition(name) else when_false)
        if function == "Fn::Equals":
            left, right = self.resolve(argument)
            return _as_string(left) == _as_string(right)
        if function == "Fn::Not":
            return not self.resolve(argument)[0]
        if function == "Fn::And":
            return all(self.resolve(argument))
        if function == "Fn::Or":
            return any(self.resolve(argument))
        if function == "Fn::Select":
            index, items = self.resolve(argument)
            return items[int(index)]
        if function == "Fn::Split":
            delimiter, text = self.resolve(argument)
            return text.split(delimiter)
        if function == "Fn::FindInMap":
            return self._find_in_map(argument)
        if function == "Fn::ImportValue":
            name = self.resolve(argument)
            log.info("!ImportValue %s: other stacks do not exist locally; using a placeholder", name)
            return f"local-import-{name}"
        if function == "Fn::Base64":
            return base64.b64encode(_as_string(self.resolve(argument)).encode()).decode()
        raise TemplateError(f"intrinsic function {function} is not supported locally")

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else (argument[0], self.resolve(argument[1]))

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return _as_string(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return _as_string(self.get_att(*name.split(".", 1)))
            return _as_string(self.ref(name))

        return _SUB_VARIABLE.sub(substitute, text)

    def _find_in_map(self, argument: list[Any]) -> Any:
        map_name, top_key, second_key, *default = self.resolve(argument)
        try:
            return self.mappings[map_name][top_key][second_key]
        except KeyError:
            if default:
                return default[0]["DefaultValue"]
            raise TemplateError(f"!FindInMap [{map_name}, {top_key}, {second_key}] not found") from None


def _as_string(value: Any) -> str:
    """CloudFormation hands every scalar to resources as a string; YAML booleans become true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_bool(value: Any) -> bool:
    return value is True or _as_string(value).lower() == "true"


def as_env_value(name: str, value: Any) -> str:
    if isinstance(value, (dict, list)):
        raise TemplateError(f"environment variable {name} resolved to a {type(value).__name__}, not a string")
    return _as_string(value)


def parse_json_input(where: str, text: Any) -> Any:
    """Event `Input` properties are JSON strings (CloudFormation); accept an already-parsed mapping too."""
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"{where}: Input is not valid JSON ({error})") from None
