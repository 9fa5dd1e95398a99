"""A domain's conversation worker: webhook events from its FIFO queue, one effect per webhookEventId.

Every domain worker (citizen basics, queue booking, …) is this plus its own `handle(envelope)`:
Powertools' FIFO partial-batch processor (a failed record holds back the rest of its chat's records, which
civic.fifo then settles so they are never dead-lettered untried),
idempotency keyed on the webhookEventId for a week (a retried record replays the recorded outcome), and
Logger/Metrics/Tracer with the webhookEventId as correlation id.
"""

import json
import time
from collections.abc import Callable

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)

from civic import fifo
from civic.observability import instruments
from civic.settings import settings

IDEMPOTENCY_SECONDS = 7 * 86400
SLOW_MS = 1000  # an event that already waited this long in the queue gets the typing dots first


class ConversationWorker:
    def __init__(self, service: str, handle: Callable[[dict], list[str]], metrics_by_purpose: dict | None = None):
        """handle(envelope) applies one event and returns the purposes of what it sent (e.g. "welcome");
        metrics_by_purpose names the purposes worth a CloudWatch metric."""
        self.logger, self.metrics, self.tracer = instruments(service)
        self.idempotency = IdempotencyConfig(event_key_jmespath="event.webhookEventId",
                                             expires_after_seconds=IDEMPOTENCY_SECONDS)
        store = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)

        def apply(envelope: dict) -> list[str]:
            return handle(envelope)

        self._handle = idempotent_function(data_keyword_argument="envelope", config=self.idempotency,
                                           persistence_store=store)(apply)
        self.metrics_by_purpose = metrics_by_purpose or {}
        self.lambda_handler = self.metrics.log_metrics(self.logger.inject_lambda_context(
            self.tracer.capture_lambda_handler(self._lambda_handler)))

    def record_handler(self, record: SQSRecord) -> list[str]:
        envelope = json.loads(record.body)
        self.logger.set_correlation_id(envelope["event"].get("webhookEventId"))
        self._show_loading_if_late(envelope)
        purposes = self._handle(envelope=envelope)
        for purpose, metric in self.metrics_by_purpose.items():
            self.metrics.add_metric(name=metric, unit=MetricUnit.Count, value=purposes.count(purpose))
        return purposes

    def _show_loading_if_late(self, envelope: dict) -> None:
        """Under a rush the answer is late: show the citizen the loading animation while they wait."""
        event = envelope["event"]
        source = event.get("source") or {}
        waited = time.time() * 1000 - envelope.get("receivedAt", time.time() * 1000)
        if waited > SLOW_MS and source.get("type") == "user" and event.get("replyToken"):
            from civic import line_api  # the LINE SDK only where it is needed

            line_api.show_loading(source["userId"], 5)

    def _lambda_handler(self, event: dict, context) -> dict:
        self.idempotency.register_lambda_context(context)
        return fifo.process(event, self.record_handler, context)
