"""The public routes of complaints, as a Powertools router: Open311 GeoReport v2 under /open311/v2/ and open
data under /open-data/complaints/. No token: a POST needs the agency's Open311 api_key instead.

Every document ends in its format (`services.json`, `requests/CP-6912-0042.xml`); errors come in the
standard's error format, in the format asked (JSON when the format itself is wrong).
"""

import json
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from civic import thai
from civic.complaints import open311, public, staff
from civic.complaints.open311 import Open311Error

router = APIGatewayHttpRouter()
ROOTS = {"discovery": "discovery", "services": "services", "requests": "service_requests"}


def _split(document: str) -> tuple[str, str]:
    name, dot, fmt = document.rpartition(".")
    if not dot or fmt not in open311.FORMATS:
        raise Open311Error(400, "add the format to the path: .json or .xml")
    return name, fmt


def _answer(fmt: str, root: str, value, status: int = 200) -> Response:
    content_type, body = open311.render(fmt, root, value)
    return Response(status_code=status, content_type=content_type, body=body,
                    headers={"Access-Control-Allow-Origin": "*"})


def _params() -> dict:
    event = router.current_event
    params = dict(event.query_string_parameters or {})
    if event.http_method == "POST" and event.body:
        body = event.decoded_body
        if "json" in (event.headers.get("content-type") or ""):
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                raise Open311Error(400, "the body is not JSON") from exc
            params.update({k: str(v) for k, v in (parsed if isinstance(parsed, dict) else {}).items()})
        else:
            params.update(dict(parse_qsl(body, keep_blank_values=True, max_num_fields=100)))
    return params


def _base_url() -> str:
    event = router.current_event
    return f"https://{event.request_context.domain_name}" if event.request_context.domain_name else ""


def _fmt_of(path: str) -> str:
    fmt = path.rpartition(".")[2]
    return fmt if fmt in open311.FORMATS else "json"


@router.exception_handler(Open311Error)
def _refused(exc: Open311Error) -> Response:
    return _answer(_fmt_of(router.current_event.path), "errors", open311.errors(exc.status, exc.description), exc.status)


@router.get("/open311/v2/<document>")
def document(document: str) -> Response:
    name, fmt = _split(document)
    params = _params()
    agency = public.jurisdiction(params)
    if name == "discovery":
        return _answer(fmt, "discovery", public.discovery(agency, _base_url()))
    if name == "services":
        return _answer(fmt, "services", public.services(agency))
    if name == "requests":
        return _answer(fmt, "service_requests", public.requests(agency, params, thai.now()))
    raise Open311Error(404, f"no such resource: {name}")


@router.post("/open311/v2/<document>")
def post(document: str) -> Response:
    name, fmt = _split(document)
    if name != "requests":
        raise Open311Error(404, f"no such resource: {name}")
    params = _params()
    return _answer(fmt, "service_requests", public.post_request(public.jurisdiction(params), params, thai.now()), 201)


@router.get("/open311/v2/<collection>/<item>")
def one(collection: str, item: str) -> Response:
    name, fmt = _split(item)
    agency = public.jurisdiction(_params())
    if collection == "services":
        return _answer(fmt, "service_definition", public.service_definition(agency, name))
    if collection == "requests":
        return _answer(fmt, "service_requests", public.request(agency, name))
    if collection == "tokens":
        return _answer(fmt, "service_requests", public.token(agency, name))
    raise Open311Error(404, f"no such resource: {collection}")


@router.get("/open-data/complaints/<document>")
def open_data(document: str) -> Response:
    """cases.json, cases.csv (no personal data; descriptions scrubbed) and figures.json of an agency (from its
    counters, with the names of the agency, its categories and areas in Thai and English)."""
    params = _params()
    agency = public.jurisdiction(params)
    if document == "figures.json":
        return Response(200, "application/json; charset=utf-8", json.dumps(
            {"agency": agency, "names": public.names(agency), **staff.figures_of(agency)}, ensure_ascii=False),
            {"Access-Control-Allow-Origin": "*"})
    if document not in ("cases.json", "cases.csv"):
        raise Open311Error(404, "open data: cases.json, cases.csv or figures.json")
    rows = public.open_data(agency, params, thai.now())
    if document == "cases.csv":
        return Response(200, "text/csv; charset=utf-8", public.open_data_csv(rows),
                        {"Access-Control-Allow-Origin": "*",
                         "Content-Disposition": f'attachment; filename="{agency}-complaints.csv"'})
    return Response(200, "application/json; charset=utf-8", json.dumps(rows, ensure_ascii=False),
                    {"Access-Control-Allow-Origin": "*"})
