"""BookingSchedule: every minute, offers that ran out pass on, reminders go out, missed bookings become
no-shows; every night, each calendar opens its next day. The schedule's input names the job."""

from aws_lambda_powertools.metrics import MetricUnit

from civic.booking import sweep
from civic.observability import instruments

logger, metrics, tracer = instruments("booking-schedule")
JOBS = {"sweep": sweep.run, "publish": sweep.publish_all}


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    job = (event or {}).get("job", "sweep")
    done = JOBS[job]()
    for name, count in done.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)
    logger.info("booking schedule ran", extra={"job": job, "done": done})
    return {"job": job, "done": done}
