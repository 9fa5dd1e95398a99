"""The Docker-free local runtime: runs template.yaml's functions, routes, queues and schedules against moto.

`from infra.local import LocalStack` loads the stack on first use, so importing a light sibling module
(webhook_client, seed) does not pay for moto's import.
"""

__all__ = ["REGION", "LocalStack"]


def __getattr__(name: str):
    if name in __all__:
        from . import stack

        return getattr(stack, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
