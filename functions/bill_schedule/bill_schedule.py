"""BillSchedule: every morning the due-date reminders start; every minute scheduled notices whose time came go."""

from civic.bills import sweep
from civic.observability import instruments

logger, metrics, tracer = instruments("bill-schedule")
JOBS = {"remind": sweep.remind_all, "notices": sweep.notices_due}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    job = (event or {}).get("job", "notices")
    done = JOBS[job]()
    logger.info("bill schedule ran", extra={"job": job, "done": done})
    return {"job": job, "done": done}
