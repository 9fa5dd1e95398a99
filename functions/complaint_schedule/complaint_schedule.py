"""ComplaintSchedule: every minute, overdue cases escalate, unanswered resolutions are confirmed, unsent step
pushes are sent and ended drafts are told, for each agency with its own settings."""

from aws_lambda_powertools.metrics import MetricUnit

from civic.complaints import sweep
from civic.observability import instruments

logger, metrics, tracer = instruments("complaint-schedule")


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    done = sweep.run()
    for name, count in done.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    logger.info("complaint schedule ran", extra={"done": done})
    return {"job": "sweep", "done": done}
