"""Open311 GeoReport v2, pure: the standard's shapes in JSON and XML, its error format, and what a case may
show — no names, LINE ids or phone numbers; descriptions scrubbed (civic.complaints.rules.scrub).

JSON answers are the standard's top-level lists (services, service_requests, errors) or objects
(discovery, service_definition). XML has the standard's element names: <services><service>,
<service_definition>, <service_requests><request>, <discovery> … <endpoints><endpoint>, and
<errors><error><code/><description/></error></errors>, with an XML declaration naming UTF-8.
"""

from datetime import datetime, timezone
from xml.etree import ElementTree

from civic.complaints import rules
from civic.thai import BANGKOK

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00+07:00"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_REQUESTS = 1000
DEFAULT_DAYS = 90
DESCRIPTION_MAX = 4000
# Plural root → the element each of its items is written as.
ITEM_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "endpoints": "endpoint",
             "formats": "format", "attributes": "attribute", "values": "value", "keywords": "keyword"}


class Open311Error(Exception):
    """An answer in the standard's error format: [{"code": …, "description": …}] with that HTTP status."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def w3c(epoch: float | None) -> str | None:
    """2026-12-03T16:30:00+07:00 (W3C date-time with the Bangkok offset)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, timezone.utc).astimezone(BANGKOK).isoformat(timespec="seconds")


def parse_w3c(text: str, name: str) -> float:
    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise Open311Error(400, f"{name} is not a W3C date-time (e.g. 2026-12-01T00:00:00+07:00)") from exc
    return (at if at.tzinfo else at.replace(tzinfo=BANGKOK)).timestamp()


# ---------------------------------------------------------------- documents

def discovery(base_url: str, contact: str) -> dict:
    return {"changeset": CHANGESET, "contact": contact or "",
            "key_service": "API keys for posting requests are issued by each agency's administrator",
            "endpoints": [{"specification": SPECIFICATION, "url": f"{base_url}/open311/v2", "changeset": CHANGESET,
                           "type": "production", "formats": ["text/xml", "application/json"]}]}


def service(category, department_name: str) -> dict:
    return {"service_code": category.code, "service_name": category.name_th, "description": category.hint_th or "",
            "metadata": False, "type": "realtime", "keywords": ["urgent"] if category.urgent else [],
            "group": department_name}


def definition(category) -> dict:
    """No extra attributes: the description, the place and the photo are all we ask."""
    return {"service_code": category.code, "attributes": []}


def request(case, service_name: str, agency_responsible: str) -> dict:
    """One case as a service request, with nothing personal in it."""
    place = case.address or case.landmark
    notice = {"outside_areas": "outside every service area: with central triage",
              "unknown_category": "unknown service: with central triage"}.get(case.triage_reason or "", "")
    return {
        "service_request_id": case.ref,
        "status": rules.open311_status(case.status),
        "status_notes": case.status.replace("_", " "),
        "service_name": service_name,
        "service_code": case.category or "unknown",
        "description": rules.scrub(case.description),
        "agency_responsible": agency_responsible,
        "service_notice": notice,
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.due_at),
        "address": rules.scrub(place) if place else "",
        "address_id": "",
        "zipcode": "",
        "lat": round(case.lat, 5) if case.lat is not None else None,
        "long": round(case.lng, 5) if case.lng is not None else None,
        "media_url": "",
    }


def created(case, notice: str) -> list[dict]:
    return [{"service_request_id": case.ref, "token": case.token, "service_notice": notice, "account_id": None}]


def token(case, token_value: str) -> list[dict]:
    return [{"service_request_id": case.ref, "token": token_value}]


def errors(status: int, description: str) -> list[dict]:
    return [{"code": status, "description": description}]


# ---------------------------------------------------------------- formats

def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ElementTree.Element, tag: str, value) -> None:
    node = ElementTree.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, inner in value.items():
            _element(node, key, inner)
    elif isinstance(value, list):
        for inner in value:
            _element(node, ITEM_TAGS.get(tag, "item"), inner)
    else:
        node.text = _text(value)


def to_xml(root: str, value) -> str:
    """The standard's XML: a list under a plural root (its items named by ITEM_TAGS), an object's fields
    as elements; empty values as empty elements."""
    top = ElementTree.Element(root)
    if isinstance(value, list):
        for item in value:
            _element(top, ITEM_TAGS[root], item)
    else:
        for key, inner in value.items():
            _element(top, key, inner)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(top, encoding="unicode")


def render(fmt: str, root: str, value) -> tuple[str, str]:
    """(content type, body) of a document in the asked format."""
    if fmt == "xml":
        return FORMATS["xml"], to_xml(root, value)
    import json

    return FORMATS["json"], json.dumps(value, ensure_ascii=False)
