"""Open311: GeoReport v2 under /open311/v2/ and complaint open data under /open-data/complaints/, public
(no token; posting needs an agency's api_key). Nothing personal is served (civic.complaints.public)."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from civic.complaints import public_api
from civic.observability import instruments

logger, metrics, tracer = instruments("open311")
app = APIGatewayHttpResolver()
app.include_router(public_api.router)


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    answer = app.resolve(event, context)
    metrics.add_metric(name=f"Open311{answer['statusCode'] // 100}xx", unit=MetricUnit.Count, value=1)
    return answer
