"""CitizenBasics: follow, unfollow, consent, help and "my data", from the citizen FIFO queue."""

import json

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from civic import citizen_service
from civic.settings import settings

logger = Logger(service="citizen-basics")
metrics = Metrics(namespace="LineCivicDesk", service="citizen-basics")
tracer = Tracer(service="citizen-basics")
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
# One effect per webhookEventId, for a week: a retried record replays the recorded outcome.
idempotency = IdempotencyConfig(event_key_jmespath="event.webhookEventId", expires_after_seconds=7 * 86400)
store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)


@idempotent_function(data_keyword_argument="envelope", config=idempotency, persistence_store=store)
def handle(envelope: dict) -> list[str]:
    return citizen_service.handle(envelope)


@tracer.capture_method
def record_handler(record: SQSRecord) -> list[str]:
    envelope = json.loads(record.body)
    logger.set_correlation_id(envelope["event"].get("webhookEventId"))
    return handle(envelope=envelope)


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
