"""RichMenu: publishes the agency's rich menu to its LINE channel, on every deploy (the RichMenu custom resource)
and when invoked ({"action": "publish", "force": true} or {"action": "remove"})."""

from aws_lambda_powertools.metrics import MetricUnit

from civic.observability import instruments
from civic.rich_menu import deploy

logger, metrics, tracer = instruments("rich-menu")


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    if "RequestType" in event:
        done = deploy.custom_resource(event)
        metrics.add_metric(name="RichMenuPublishFailed", unit=MetricUnit.Count, value=int(done["failed"]))
        return done
    return deploy.invoked(event)
