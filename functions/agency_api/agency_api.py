"""AgencyApi: JSON under /agency/ for staff (JWT verified by API Gateway), and its OpenAPI document."""

import json

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from civic import webhook
from civic.agency import (bill_routes, booking_routes, chat_routes, complaint_routes, faq_routes, figure_routes,
                          identity, profile_routes, rich_menu_routes)
from civic.observability import instruments

logger, metrics, tracer = instruments("agency-api")
app = APIGatewayHttpResolver(enable_validation=True)
for domain_routes in (booking_routes, complaint_routes, bill_routes, chat_routes, faq_routes, profile_routes,
                      rich_menu_routes, figure_routes):
    app.include_router(domain_routes.router)
app.configure_openapi(
    title="LINE civic desk — agency API", version="1",
    summary="Staff of one agency run its services. A bearer JWT (Cognito ID token) carries the agency and role.",
    security_schemes={"staffJwt": HTTPBearer(bearerFormat="JWT")}, security=[{"staffJwt": []}],
)


class Me(BaseModel):
    subject: str
    agency_id: str
    role: str


def _error(status: int, message: str) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body={"message": message})


@app.exception_handler(RequestValidationError)
def _invalid(exc: RequestValidationError) -> Response:
    # Staff get every reason, field by field (Powertools' default answer omits the messages).
    detail = [{"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": error.get("type")}
              for error in exc.errors()]
    return Response(status_code=422, content_type=content_types.APPLICATION_JSON,
                    body={"message": "; ".join(f"{'.'.join(map(str, d['loc'][1:]))}: {d['msg']}" for d in detail),
                          "detail": detail})


@app.exception_handler(identity.Unauthorized)
def _unauthorized(exc: identity.Unauthorized) -> Response:
    logger.warning("agency API call without identity", extra={"path": app.current_event.path})
    return _error(401, "Unauthorized")


@app.exception_handler(identity.Forbidden)
def _forbidden(exc: identity.Forbidden) -> Response:
    logger.warning("agency API call forbidden", extra={"path": app.current_event.path, "reason": str(exc)})
    return _error(403, "Forbidden")


def staff() -> identity.Staff:
    return identity.from_event(app.current_event.raw_event)


@app.get("/agency/me", summary="Who am I: the agency and role in my token")
def me() -> Me:
    caller = staff()
    return Me(subject=caller.subject, agency_id=caller.agency_id, role=caller.role)


@app.get("/agency/openapi.json", include_in_schema=False)
def openapi():
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON,
                    body=app.get_openapi_json_schema())


def _unreadable(event: dict) -> dict | None:
    """A JSON body nested deeper than any of our models (it would exhaust the parser's recursion): a 400
    with the reason, before the resolver parses it."""
    content_type = next((v for k, v in (event.get("headers") or {}).items() if k.lower() == "content-type"), "")
    body = event.get("body")
    if not body or event.get("isBase64Encoded") or "json" not in content_type.lower():
        return None
    try:
        if webhook.depth_within(json.loads(body), webhook.MAX_DEPTH):
            return None
    except RecursionError:
        pass
    except ValueError:
        return None  # not JSON at all: the resolver's validation answers that
    return {"statusCode": 400, "headers": {"content-type": "application/json"},
            "body": json.dumps({"message": f"body nests deeper than {webhook.MAX_DEPTH} levels"})}


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    answer = _unreadable(event) or app.resolve(event, context)
    # Staff traffic by outcome: a rise in 4xx is someone probing (RELIABILITY row 41).
    metrics.add_metric(name=f"AgencyApi{answer['statusCode'] // 100}xx", unit=MetricUnit.Count, value=1)
    return answer
