"""S3 event notifications for the local stack: an object created in a bucket invokes the functions the template
subscribes to it, asynchronously, with S3's event payload, as AWS does.

Where subscriptions come from: a function's `Events` of `Type: S3` (Bucket, Events, Filter.S3Key.Rules with
prefix/suffix), and a bucket's `NotificationConfiguration.LambdaConfigurations` (Event, Filter, Function).
What counts as created: PutObject, CopyObject, POST (browser form) and CompleteMultipartUpload answered 2xx by
moto's server, path-style or virtual-host style, signed in the header or presigned (a PUT to a presigned
URL from the agency API is what staff do). Event names are `ObjectCreated:Put|Copy|Post|CompleteMultipartUpload`.
How it is delivered: on a thread of its own (S3 does not wait), with Lambda's asynchronous retries — two more
tries after ASYNC_RETRY_S (AWS waits about one and two minutes; here seconds, so tests see them) — and then,
if the function names a `DeadLetterQueue` of type SQS, the event goes there with Lambda's attributes.

The parts are separate so the hook can move with the local stack's processes: `Notifier` is a WSGI middleware
for moto's server that only reports (bucket, key, event name); `S3Events` turns reports into invocations
through any `invoke(function_id, event)`.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable
from urllib.parse import parse_qs, quote_plus, unquote

import boto3

log = logging.getLogger(__name__)

ASYNC_RETRY_S = (1.0, 2.0)  # after the first and the second failed try
_S3_SCOPE = re.compile(r"/s3/aws4_request")
_SUBRESOURCES = {"acl", "tagging", "uploads", "partNumber", "retention", "legal-hold", "restore", "select",
                 "torrent", "versioning", "policy", "cors", "lifecycle", "notification", "website", "encryption",
                 "ownershipControls", "publicAccessBlock", "object-lock", "attributes"}


@dataclass(frozen=True)
class Subscription:
    function_id: str
    bucket_id: str          # the bucket's logical id
    events: tuple[str, ...]  # e.g. ("s3:ObjectCreated:*",)
    prefix: str = ""
    suffix: str = ""
    configuration_id: str = ""

    def matches(self, event_name: str, key: str) -> bool:
        wanted = any(fnmatch.fnmatchcase(f"s3:{event_name}", pattern) for pattern in self.events)
        return wanted and key.startswith(self.prefix) and key.endswith(self.suffix)


def _rules(filter_: dict | None) -> tuple[str, str]:
    rules = ((filter_ or {}).get("S3Key") or {}).get("Rules") or []
    found = {str(rule.get("Name", "")).lower(): str(rule.get("Value", "")) for rule in rules}
    return found.get("prefix", ""), found.get("suffix", "")


def subscriptions(template, functions: dict) -> list[Subscription]:
    """Every S3 subscription of the template (functions' S3 events and buckets' Lambda configurations)."""
    found = []
    for spec in functions.values():
        for name, event in spec.events.items():
            if event.get("Type") != "S3":
                continue
            props = event.get("Properties") or {}
            bucket = props.get("Bucket")
            bucket_id = bucket.get("Ref") if isinstance(bucket, dict) else None
            if bucket_id is None:
                log.warning("%s.%s: Bucket must be !Ref to a bucket of this template (SAM requires it)",
                            spec.logical_id, name)
                continue
            events = props.get("Events")
            prefix, suffix = _rules(template.resolve(props.get("Filter")))
            found.append(Subscription(spec.logical_id, bucket_id,
                                      tuple(events if isinstance(events, list) else [events]), prefix, suffix,
                                      f"{spec.logical_id}{name}"))
    by_arn = {spec.arn: spec.logical_id for spec in functions.values()}
    for bucket_id, resource in template.active_resources("AWS::S3::Bucket").items():
        config = template.resolve((resource.get("Properties") or {}).get("NotificationConfiguration") or {})
        for lambda_config in config.get("LambdaConfigurations", []):
            function_id = by_arn.get(lambda_config.get("Function"))
            if function_id is None:
                log.warning("bucket %s notifies %s, which is not a function of this template", bucket_id,
                            lambda_config.get("Function"))
                continue
            prefix, suffix = _rules(lambda_config.get("Filter"))
            found.append(Subscription(function_id, bucket_id, (lambda_config["Event"],), prefix, suffix,
                                      lambda_config.get("Id", f"{bucket_id}{function_id}")))
    return found


def event_payload(region: str, bucket: str, key: str, event_name: str, size: int, etag: str,
                  configuration_id: str, source_ip: str = "127.0.0.1") -> dict:
    """S3's event for one object (event version 2.1); the key URL-encoded as S3 writes it."""
    now = datetime.now(timezone.utc)
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": region,
        "eventTime": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "eventName": event_name, "userIdentity": {"principalId": "AWS:LOCAL"},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                             "x-amz-id-2": uuid.uuid4().hex},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": configuration_id,
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"}, "arn": f"arn:aws:s3:::{bucket}"},
               "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag.strip('"'),
                          "sequencer": f"{time.time_ns():X}"}}}]}


# ---------------------------------------------------------------- moto's side: what was created

def created(environ: dict, status: int) -> tuple[str, str, str] | None:
    """(bucket, key, event name) when this request, answered `status`, created an object in S3."""
    if not 200 <= status < 300:
        return None
    method = environ.get("REQUEST_METHOD")
    signed = environ.get("HTTP_AUTHORIZATION", "") + environ.get("QUERY_STRING", "")
    if method not in ("PUT", "POST") or not _S3_SCOPE.search(unquote(signed)):
        return None
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    host = environ.get("HTTP_HOST", "").split(":")[0]
    # WSGI gives the path percent-decoded, as the raw bytes in latin-1: S3 keys are UTF-8
    path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
    virtual = host.count(".") >= 1 and not re.fullmatch(r"[\d.]+", host) and ".s3." in f".{host}"
    bucket, _, key = (host.split(".s3.")[0], "", path.lstrip("/")) if virtual else path.lstrip("/").partition("/")
    if not bucket or not key:
        return None
    if method == "POST":
        if "uploadId" in query:
            return bucket, key, "ObjectCreated:CompleteMultipartUpload"
        return None
    if _SUBRESOURCES & set(query) or "uploadId" in query:
        return None  # a part, a tag, an ACL: no object created
    copied = "HTTP_X_AMZ_COPY_SOURCE" in environ
    return bucket, key, "ObjectCreated:Copy" if copied else "ObjectCreated:Put"


class Notifier:
    """WSGI middleware for moto's server: after each request that created an object, `report(bucket, key,
    event name)`. The answer goes back to the client first, untouched."""

    def __init__(self, app: Callable[..., Iterable[bytes]], report: Callable[[str, str, str], None]):
        self.app, self.report = app, report

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen = {}

        def remember(status: str, headers, *args):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, *args)

        body = self.app(environ, remember)
        found = created(environ, seen.get("status", 500))
        if found:
            try:
                self.report(*found)
            except Exception:
                log.exception("S3 notification for %s/%s not reported", found[0], found[1])
        return body


# ---------------------------------------------------------------- the stack's side: invoke as Lambda would

class S3Events:
    """Turns reported objects into asynchronous invocations of the subscribed functions."""

    def __init__(self):
        self._subscriptions: list[Subscription] = []
        self._bucket_ids: dict[str, str] = {}
        self._dead_letters: dict[str, str] = {}
        self._invoke: Callable[[str, Any], Any] | None = None
        self._region = "us-east-1"
        self._lock = threading.Lock()
        self._pending = 0

    def configure(self, template, functions: dict, invoke: Callable[[str, Any], Any], region: str) -> None:
        """Once the template's buckets exist and its functions can run."""
        subs = subscriptions(template, functions)
        names = {logical_id: template.physical(logical_id) for logical_id in {s.bucket_id for s in subs}}
        dead = {}
        for logical_id, resource in template.active_resources("AWS::Serverless::Function").items():
            target = (template.resolve((resource.get("Properties") or {}).get("DeadLetterQueue") or {}) or {})
            if target.get("Type") == "SQS" and target.get("TargetArn"):
                dead[logical_id] = target["TargetArn"]
        with self._lock:
            self._subscriptions, self._bucket_ids = subs, {name: lid for lid, name in names.items()}
            self._dead_letters, self._invoke, self._region = dead, invoke, region
        for sub in subs:
            log.info("S3 %s %s (prefix %r, suffix %r) → %s", names[sub.bucket_id], ",".join(sub.events), sub.prefix,
                     sub.suffix, sub.function_id)

    @property
    def pending(self) -> int:
        with self._lock:
            return self._pending

    def report(self, bucket: str, key: str, event_name: str) -> None:
        with self._lock:
            bucket_id, invoke = self._bucket_ids.get(bucket), self._invoke
            targets = [s for s in self._subscriptions if s.bucket_id == bucket_id and s.matches(event_name, key)]
            self._pending += len(targets) if invoke else 0
        if invoke is None:
            return
        for sub in targets:
            threading.Thread(target=self._deliver, args=(sub, bucket, key, event_name), daemon=True,
                             name=f"s3-event-{sub.function_id}").start()

    def _deliver(self, sub: Subscription, bucket: str, key: str, event_name: str) -> None:
        try:
            head = boto3.client("s3").head_object(Bucket=bucket, Key=key)
            event = event_payload(self._region, bucket, key, event_name, int(head["ContentLength"]), head["ETag"],
                                  sub.configuration_id)
            for attempt in range(len(ASYNC_RETRY_S) + 1):
                try:
                    self._invoke(sub.function_id, event)
                    return
                except Exception as exc:
                    log.exception("S3 event → %s failed (try %d of %d)", sub.function_id, attempt + 1,
                                  len(ASYNC_RETRY_S) + 1)
                    if attempt < len(ASYNC_RETRY_S):
                        time.sleep(ASYNC_RETRY_S[attempt])
                    else:
                        self._dead_letter(sub.function_id, event, exc)
        except Exception:
            log.exception("S3 event for %s/%s could not be delivered", bucket, key)
        finally:
            with self._lock:
                self._pending -= 1

    def _dead_letter(self, function_id: str, event: dict, error: Exception) -> None:
        arn = self._dead_letters.get(function_id)
        if arn is None:
            log.error("S3 event → %s dropped after %d tries (no DeadLetterQueue)", function_id,
                      len(ASYNC_RETRY_S) + 1)
            return
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event), MessageAttributes={
            "RequestID": {"DataType": "String", "StringValue": uuid.uuid4().hex},
            "ErrorCode": {"DataType": "Number", "StringValue": "200"},
            "ErrorMessage": {"DataType": "String", "StringValue": str(error)[:1000] or type(error).__name__}})
