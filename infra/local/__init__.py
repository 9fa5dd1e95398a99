"""The Docker-free local runtime: runs template.yaml's functions, routes, queues and schedules against moto."""

from .stack import REGION, LocalStack

__all__ = ["REGION", "LocalStack"]
