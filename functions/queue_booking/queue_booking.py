"""QueueBooking: citizens book, change and keep appointments in the chat, from the booking FIFO queue."""

import json

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from civic.booking import desk
from civic.settings import settings

logger = Logger(service="queue-booking")
metrics = Metrics(namespace="LineCivicDesk", service="queue-booking")
tracer = Tracer(service="queue-booking")
processor = SqsFifoPartialProcessor(skip_group_on_error=True)
# One outcome per webhookEventId; past the window, the booking's own key still makes a retry a replay.
idempotency = IdempotencyConfig(event_key_jmespath="event.webhookEventId", expires_after_seconds=7 * 86400)
store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)
# What a launch day looks like from the outside: seats taken, "full" answers, "busy, try again" answers.
OUTCOMES = {"booking-confirmed": "BookingsConfirmed", "booking-full": "BookingsFull", "booking-busy": "BookingsBusy"}


@idempotent_function(data_keyword_argument="envelope", config=idempotency, persistence_store=store)
def handle(envelope: dict) -> list[str]:
    return desk.handle(envelope)


@tracer.capture_method
def record_handler(record: SQSRecord) -> list[str]:
    envelope = json.loads(record.body)
    logger.set_correlation_id(envelope["event"].get("webhookEventId"))
    purposes = handle(envelope=envelope)
    for purpose, metric in OUTCOMES.items():
        metrics.add_metric(name=metric, unit=MetricUnit.Count, value=purposes.count(purpose))
    return purposes


@metrics.log_metrics
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    idempotency.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
