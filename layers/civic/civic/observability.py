"""Powertools Logger, Metrics and Tracer for a function: one call, module-level singletons in handlers."""

from aws_lambda_powertools import Logger, Metrics, Tracer

NAMESPACE = "LineCivicDesk"


def instruments(service: str) -> tuple[Logger, Metrics, Tracer]:
    return Logger(service=service), Metrics(namespace=NAMESPACE, service=service), Tracer(service=service)
