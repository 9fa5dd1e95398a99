"""BillWork: the bill fan-out's pieces from the work queue (file segments, import chunks, notify chunks, notice
pages, reminder pages), each bounded, each enqueueing the next."""

import json

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from civic import fifo
from civic.bills import work
from civic.observability import instruments

logger, metrics, tracer = instruments("bill-work")


def record_handler(record: SQSRecord) -> str:
    stage = work.handle(json.loads(record.body))
    metrics.add_metric(name="BillPieces", unit=MetricUnit.Count, value=1)
    return stage


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return fifo.process(event, record_handler, context)
