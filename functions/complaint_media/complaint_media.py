"""ComplaintMedia: the "after" photo of a case, for the citizen it is pushed to (LINE fetches image messages
by URL, and a presigned S3 link would die with this function's credentials), named by an unguessable token."""

import base64

from aws_lambda_powertools.logging import correlation_paths

from civic.complaints import public
from civic.observability import instruments

logger, metrics, tracer = instruments("complaint-media")


@metrics.log_metrics
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    parts = (event.get("pathParameters") or {}).get("proxy", "").split("/")
    photo = public.after_photo(parts[0], parts[1], parts[2].removesuffix(".jpg")) if len(parts) == 3 else None
    if photo is None:
        return {"statusCode": 404, "headers": {"content-type": "application/json"}, "body": '{"message": "Not Found"}'}
    return {"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(photo).decode(),
            "headers": {"content-type": "image/jpeg", "cache-control": "private, max-age=86400"}}
