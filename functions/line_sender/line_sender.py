"""LineSender: the one door to LINE's send endpoints. Consumes the outbox queue (FIFO per recipient)."""

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from civic import fifo, privacy, sender
from civic.aws import client
from civic.observability import instruments
from civic.outbox import Outbound
from civic.settings import settings

logger, metrics, tracer = instruments("line-sender")


@tracer.capture_method
def record_handler(record: SQSRecord) -> str:
    message = Outbound.from_json(record.body)
    logger.set_correlation_id(message.meta.get("webhookEventId") or message.id)
    logger.append_keys(message_id=message.id, purpose=message.purpose)
    try:
        outcome = sender.deliver(message)
    except sender.RetryLater as retry:
        # Back off this message only; the rest of the batch goes on.
        client("sqs").change_message_visibility(QueueUrl=settings().outbox_queue_url,
                                                ReceiptHandle=record.receipt_handle, VisibilityTimeout=retry.delay_s)
        metrics.add_metric(name="LineSendRetried", unit=MetricUnit.Count, value=1)
        logger.warning("LINE asked us to retry", extra={"status": retry.answer.http_status, "delay_s": retry.delay_s})
        raise
    metrics.add_metric(name=f"LineSend{outcome.capitalize()}", unit=MetricUnit.Count, value=1)
    if outcome == "undeliverable":
        recipient = message.to if isinstance(message.to, str) else "multicast"
        logger.warning("LINE refused a message", extra={"recipient": privacy.pseudonym(recipient)})
    return outcome


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    # A failed message holds back the rest of its group in the batch, keeping their order; civic.fifo makes
    # sure those are tried before any reaches the DLQ.
    return fifo.process(event, record_handler, context)
