"""BillQr: the Thai QR picture of one bill, public (LINE fetches it to show the card) behind an unguessable
token; gone once the bill is paid."""

import base64
import re

from civic.bills import thaiqr
from civic.observability import instruments
from civic.tables import bills

logger, metrics, tracer = instruments("bill-qr")
TOKEN = re.compile(r"^([0-9a-f]{32})\.png$")
AGENCY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@logger.inject_lambda_context
def lambda_handler(event: dict, context) -> dict:
    params = event.get("pathParameters") or {}
    agency, token = params.get("agency", ""), TOKEN.match(params.get("token", ""))
    payload = bills.qr_payload(agency, token[1]) if AGENCY.match(agency) and token else None
    if payload is None:
        return {"statusCode": 404, "headers": {"content-type": "text/plain"}, "body": "not found"}
    return {"statusCode": 200, "isBase64Encoded": True, "body": base64.b64encode(thaiqr.png(payload)).decode(),
            "headers": {"content-type": "image/png", "cache-control": "private, max-age=86400"}}
