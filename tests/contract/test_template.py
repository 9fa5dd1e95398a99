"""The template checked like code: each rule here is one a misconfiguration would break (RELIABILITY row 42)."""

import fnmatch
import re

import pytest
from cfnlint.decode import decode

from tests.conftest import ROOT

TEMPLATE, _ = decode(str(ROOT / "template.yaml"))
RESOURCES = TEMPLATE["Resources"]
GLOBAL_TIMEOUT = TEMPLATE["Globals"]["Function"]["Timeout"]


def of_type(kind: str) -> dict:
    return {name: r for name, r in RESOURCES.items() if r["Type"] == kind}


FUNCTIONS = of_type("AWS::Serverless::Function")
QUEUES = of_type("AWS::SQS::Queue")
TABLES = of_type("AWS::DynamoDB::Table")


def _function_dlqs() -> set[str]:
    """Queues that take a function's failed asynchronous invocations (S3 events): Lambda's own DLQ."""
    return {f["Properties"]["DeadLetterQueue"]["TargetArn"]["Fn::GetAtt"][0]
            for f in FUNCTIONS.values() if "DeadLetterQueue" in f["Properties"]}


def _dlq_names() -> set[str]:
    return {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
            for q in QUEUES.values() if "RedrivePolicy" in q["Properties"]} | _function_dlqs()


def _sqs_sources():
    for fname, function in FUNCTIONS.items():
        for ename, event in function["Properties"].get("Events", {}).items():
            if event["Type"] == "SQS":
                yield fname, function, event["Properties"]


@pytest.mark.parametrize("name", sorted(set(QUEUES) - _dlq_names()))
def test_every_work_queue_has_a_dead_letter_queue_after_at_least_five_receives(name):
    """GIVEN a queue that is not itself a DLQ WHEN read THEN it redrives to a DLQ after ≥ 5 receives."""
    policy = QUEUES[name]["Properties"].get("RedrivePolicy")
    assert policy, f"{name} has no DLQ"
    assert policy["maxReceiveCount"] >= 5


@pytest.mark.parametrize("name", sorted(_dlq_names()))
def test_every_dead_letter_queue_has_an_alarm_on_its_depth(name):
    """GIVEN a DLQ WHEN read THEN an alarm watches its visible messages and notifies the alarm topic."""
    alarms = [a for a in of_type("AWS::CloudWatch::Alarm").values()
              if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
              and a["Properties"]["Dimensions"][0]["Value"] == {"Fn::GetAtt": [name, "QueueName"]}]
    assert alarms and alarms[0]["Properties"]["AlarmActions"]


@pytest.mark.parametrize("fname,function,source", list(_sqs_sources()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_sqs_source_reports_partial_batch_failures(fname, function, source):
    """GIVEN an SQS event source WHEN read THEN it reports batch item failures (one poison record fails alone)."""
    assert source.get("FunctionResponseTypes") == ["ReportBatchItemFailures"]


@pytest.mark.parametrize("fname,function,source", list(_sqs_sources()), ids=lambda v: v if isinstance(v, str) else "")
def test_visibility_is_at_least_six_times_the_consumer_time_out(fname, function, source):
    """GIVEN a queue and its consumer WHEN read THEN visibility ≥ 6 × the function's time-out (AWS's advice)."""
    queue = source["Queue"]["Fn::GetAtt"][0]
    timeout = function["Properties"].get("Timeout", GLOBAL_TIMEOUT)
    assert QUEUES[queue]["Properties"]["VisibilityTimeout"] >= 6 * timeout


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_table_has_point_in_time_recovery_and_encryption(name):
    """GIVEN a table WHEN read THEN PITR and SSE are on."""
    props = TABLES[name]["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True


def test_transient_tables_expire_their_items():
    """GIVEN the tables holding dedupe records, idempotency records, profiles and delivery logs THEN TTL is on."""
    for name in ("WebhookEventsTable", "IdempotencyTable", "CitizensTable", "DeliveriesTable"):
        assert TABLES[name]["Properties"]["TimeToLiveSpecification"]["Enabled"] is True


READS_NOTHING = {"ConsoleFunction"}  # static files of its own folder: SAM's basic execution role is all it needs


def test_every_function_has_its_own_role():
    """GIVEN the functions WHEN read THEN none names a shared Role: SAM makes one per function from Policies."""
    for name, function in FUNCTIONS.items():
        assert "Role" not in function["Properties"], f"{name} uses a shared role"
        if name not in READS_NOTHING:
            assert function["Properties"].get("Policies"), f"{name} has no policies of its own"


def _statements(function: dict) -> list[dict]:
    return [s for p in function["Properties"].get("Policies", []) if isinstance(p, dict) for s in p.get("Statement", [])]


def test_no_policy_grants_wildcard_actions_or_resources():
    """GIVEN every inline policy WHEN read THEN no "*" action or resource (least privilege)."""
    for name, function in FUNCTIONS.items():
        for statement in _statements(function):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert all("*" not in a for a in actions), name
            assert statement["Resource"] != "*", name


def test_the_intake_may_only_read_its_dedupe_table_and_send_to_domain_queues():
    """GIVEN the webhook intake WHEN its policy is read THEN only its table, the domain queues and the secret."""
    actions = {a for s in _statements(FUNCTIONS["WebhookIntakeFunction"]) for a in s["Action"]}
    assert actions == {"dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "sqs:SendMessage",
                       "secretsmanager:GetSecretValue"}


# A LINE channel secret is 32 hex digits; a long-lived access token is ~170 base64 characters.
SECRET_LIKE = re.compile(r"\b[0-9a-f]{32}\b|[A-Za-z0-9+/]{100,}=*")


def test_no_secret_is_written_into_the_template():
    """GIVEN the template text WHEN searched THEN no credential-looking values, and the secret is a name only."""
    text = (ROOT / "template.yaml").read_text()
    assert not SECRET_LIKE.search(text)
    for function in FUNCTIONS.values():
        for key in function["Properties"].get("Environment", {}).get("Variables", {}):
            assert "TOKEN" not in key and key != "LINE_CHANNEL_SECRET"
    assert "LINE_CHANNEL_ACCESS_TOKEN" not in TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]


PUBLIC_ROUTES = {
    "/line/webhook": "WebhookIntakeFunction",                  # LINE signs it; the intake checks the HMAC
    "/agency/openapi.json": "AgencyApiFunction",               # the API's own description
    "/open311/v2/{proxy+}": "Open311Function",                 # GeoReport v2: public by the standard; POST needs a key
    "/open-data/complaints/{proxy+}": "Open311Function",       # open data, nothing personal
    "/media/complaint/{proxy+}": "ComplaintMediaFunction",     # an "after" photo, by unguessable token, for LINE
    "/bills/qr/{agency}/{token}": "BillQrFunction",            # a bill's Thai QR picture, by unguessable token
    "/console": "ConsoleFunction",                             # the staff console's static files; data needs a token
    "/console/{proxy+}": "ConsoleFunction",
    "/dashboard": "ConsoleFunction",                           # the public dashboard's static files
    "/dashboard/{proxy+}": "ConsoleFunction",
}


def _public_routes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, function in FUNCTIONS.items():
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "HttpApi" and event["Properties"].get("Auth", {}).get("Authorizer") == "NONE":
                found.setdefault(event["Properties"]["Path"], set()).add(name)
    return found


def test_the_webhook_is_public_and_every_other_route_needs_a_staff_token():
    """GIVEN the HTTP routes WHEN read THEN only the webhook, the OpenAPI document and the public complaint routes
    (Open311, open data, "after" photos) skip the JWT authorizer, each served by its own function."""
    assert RESOURCES["Api"]["Properties"]["Auth"]["DefaultAuthorizer"] == "StaffJwt"
    assert _public_routes() == {path: {function} for path, function in PUBLIC_ROUTES.items()}


def test_the_console_function_reads_nothing():
    """GIVEN the function serving the console's static files WHEN its policies are read THEN it has none: it
    serves its own folder and a config made of environment variables, never data."""
    assert not FUNCTIONS["ConsoleFunction"]["Properties"].get("Policies")


@pytest.mark.parametrize("name", ["Open311Function", "ComplaintMediaFunction", "BillQrFunction"])
def test_public_functions_reach_no_citizen_record(name):
    """GIVEN a function serving a public route WHEN its policies are read THEN it touches neither the citizens,
    the chats' conversations, the drafts, the deliveries nor the exports, and holds no LINE secret: a flaw in a
    public route cannot read a citizen's profile or a draft."""
    touched = {value[key]["Ref"] for policy in FUNCTIONS[name]["Properties"]["Policies"] if isinstance(policy, dict)
               for value in policy.values() if isinstance(value, dict)
               for key in ("TableName", "BucketName") if key in value}
    assert touched.isdisjoint({"CitizensTable", "ConversationsTable", "ComplaintDraftsTable", "DeliveriesTable",
                               "ExportsBucket", "IdempotencyTable"})
    assert not [s for s in _statements(FUNCTIONS[name]) if "secretsmanager:GetSecretValue" in s["Action"]]


def test_functions_run_python_3_13_on_arm64_with_the_shared_layer():
    """GIVEN Globals WHEN read THEN python3.13, arm64, active tracing, the civic layer built by SAM."""
    function = TEMPLATE["Globals"]["Function"]
    assert function["Runtime"] == "python3.13" and function["Architectures"] == ["arm64"]
    assert function["Tracing"] == "Active"
    assert RESOURCES["CivicLayer"]["Metadata"]["BuildMethod"] == "python3.13"


def test_handlers_exist_with_unique_module_names():
    """GIVEN each function's CodeUri and Handler WHEN resolved THEN the module file exists and names differ."""
    modules = []
    for function in FUNCTIONS.values():
        module = function["Properties"]["Handler"].rsplit(".", 1)[0]
        assert (ROOT / function["Properties"]["CodeUri"] / f"{module}.py").exists()
        modules.append(module)
    assert len(modules) == len(set(modules))


def test_every_table_and_bucket_is_covered_by_the_citizens_rights_or_holds_nothing_personal():
    """GIVEN the template's tables and buckets WHEN compared with the registry's holders THEN each is erased and
    exported by a holder or is listed as holding nothing personal, and nothing is listed that the template
    lacks (row 37)."""
    from civic import domains, privacy

    covered = {resource for resources in domains.holders().values() for resource in resources}
    assert covered.isdisjoint(privacy.NOT_PERSONAL)
    assert covered | set(privacy.NOT_PERSONAL) == set(TABLES) | set(of_type("AWS::S3::Bucket"))


def test_a_flood_is_throttled_at_the_edge():
    """GIVEN the HTTP API WHEN read THEN every route has a rate and burst limit, the webhook its own (row 41)."""
    api = RESOURCES["Api"]["Properties"]
    assert api["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    assert api["DefaultRouteSettings"]["ThrottlingBurstLimit"] > 0
    assert api["RouteSettings"]["POST /line/webhook"]["ThrottlingBurstLimit"] > 0


def test_work_queues_are_high_throughput_fifo_per_chat():
    """GIVEN each FIFO work queue WHEN read THEN dedupe and throughput are per message group (per chat)."""
    for name in set(QUEUES) - _dlq_names():
        props = QUEUES[name]["Properties"]
        assert props["FifoQueue"] is True
        assert props["DeduplicationScope"] == "messageGroup" and props["FifoThroughputLimit"] == "perMessageGroupId"


LINE_ENDPOINT = TEMPLATE["Parameters"]["LineApiEndpoint"]


@pytest.mark.parametrize("url", ["", "https://api.line.me", "http://localhost:8080/_line", "http://127.0.0.1/_line"])
def test_line_endpoint_allows_line_itself_https_and_plain_http_on_loopback(url):
    """GIVEN LineApiEndpoint's AllowedPattern WHEN matched whole, as CloudFormation does THEN empty (LINE),
    https and loopback http are accepted."""
    assert re.fullmatch(LINE_ENDPOINT["AllowedPattern"], url)


def test_line_endpoint_accepts_the_local_stacks_fake_line():
    """GIVEN LineApiEndpoint's AllowedPattern WHEN the local stack's value for its fake LINE is matched
    THEN it is accepted, and the local stack's own parameter check agrees with the runtime rule."""
    from civic.line_api import safe_endpoint
    from infra.local.devstack import fake_line_endpoint

    assert re.fullmatch(LINE_ENDPOINT["AllowedPattern"], fake_line_endpoint(3000))
    assert safe_endpoint(fake_line_endpoint(3000))


@pytest.mark.parametrize("url", ["http://example.com", "http://10.0.0.8:3000/_line", "http://localhost.example.com/",
                                 "http://127.0.0.1@example.com/", "ftp://api.line.me", "https://"])
def test_line_endpoint_refuses_plain_http_off_this_machine(url):
    """GIVEN LineApiEndpoint's AllowedPattern WHEN plain http to another host, or no https, is matched
    THEN it is refused with a description saying what is allowed (the token would travel in clear)."""
    assert not re.fullmatch(LINE_ENDPOINT["AllowedPattern"], url)
    assert "https" in LINE_ENDPOINT["ConstraintDescription"]


ALARMS = of_type("AWS::CloudWatch::Alarm")
KEYS = of_type("AWS::KMS::Key")
ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def _alarm_topics() -> set[str]:
    return {action["Ref"] for alarm in ALARMS.values() for kind in ALARM_ACTIONS
            for action in alarm["Properties"].get(kind, []) if isinstance(action, dict) and "Ref" in action}


def _key_of(topic: str) -> str | None:
    """The template's KMS key that encrypts a topic (by !Ref or !GetAtt .Arn), or None."""
    key = RESOURCES[topic]["Properties"].get("KmsMasterKeyId")
    if not isinstance(key, dict):  # absent, or a literal such as alias/aws/sns
        return None
    name = key.get("Ref") or key.get("Fn::GetAtt", [None])[0]
    return name if name in KEYS else None


def _grants(statement: dict, principal: tuple[str, str], action: str) -> bool:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    principals = statement["Principal"].get(principal[0], [])
    principals = principals if isinstance(principals, list) else [principals]
    return (statement["Effect"] == "Allow" and principal[1] in principals
            and any(fnmatch.fnmatchcase(action, pattern) for pattern in actions))


def test_every_alarm_notifies_the_alarm_topic():
    """GIVEN every CloudWatch alarm WHEN its actions are read THEN it has alarm actions and every action of any
    kind goes to AlarmTopic, the topic that reaches the configured address (row 49)."""
    assert ALARMS
    for name, alarm in ALARMS.items():
        assert alarm["Properties"].get("AlarmActions"), f"{name} notifies no one"
        for kind in ALARM_ACTIONS:
            assert all(a == {"Ref": "AlarmTopic"} for a in alarm["Properties"].get(kind, [])), name


def test_the_alarm_topic_is_encrypted_with_a_key_whose_policy_lets_cloudwatch_publish():
    """GIVEN each topic an alarm notifies WHEN its encryption is read THEN its KmsMasterKeyId is a key of this
    template whose policy lets cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*, for this account
    only; an AWS-managed key such as alias/aws/sns would silently drop every alarm (row 49)."""
    for topic in _alarm_topics():
        key = _key_of(topic)
        assert key, f"{topic} is not encrypted with a key of this template"
        statements = KEYS[key]["Properties"]["KeyPolicy"]["Statement"]
        cloudwatch = ("Service", "cloudwatch.amazonaws.com")
        for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"):
            granting = [s for s in statements if _grants(s, cloudwatch, action)]
            assert granting, f"{key} does not let CloudWatch {action}"
            assert all(s["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
                       for s in granting)


def test_the_alarm_key_rotates_and_the_account_administers_it():
    """GIVEN the key of each alarm topic WHEN read THEN rotation is on and the account root may administer it
    (without that statement nobody could ever change or delete the key)."""
    for topic in _alarm_topics():
        key = KEYS[_key_of(topic)]["Properties"]
        assert key["EnableKeyRotation"] is True
        root = ("AWS", {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"})
        assert any(_grants(s, root, "kms:PutKeyPolicy") for s in key["KeyPolicy"]["Statement"])


def test_every_staff_member_signs_in_with_a_totp_second_factor():
    """GIVEN the staff user pool WHEN read THEN MFA is required (ON, quoted: YAML would read a bare ON as true)
    for every user, by TOTP app only: Cognito cannot require it per group and every role reads personal data."""
    pools = of_type("AWS::Cognito::UserPool")
    assert pools
    for name, pool in pools.items():
        assert pool["Properties"]["MfaConfiguration"] == "ON", name
        assert pool["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"], name


LAMBDA_ASYNC_MAX_AGE_S = 6 * 3600
SQS_DEFAULT_RETENTION_S = 345_600  # what AWS keeps when a queue sets no MessageRetentionPeriod (4 days)


def _retention(name: str) -> int:
    return int(QUEUES[name]["Properties"].get("MessageRetentionPeriod", SQS_DEFAULT_RETENTION_S))


@pytest.mark.parametrize("name", sorted(QUEUES))
def test_every_queue_says_how_long_it_keeps_messages(name):
    """GIVEN any SQS queue of the template WHEN read THEN it sets MessageRetentionPeriod explicitly, so how long
    an unprocessed event or message survives is a decision in the template, not a default."""
    assert "MessageRetentionPeriod" in QUEUES[name]["Properties"], f"{name} keeps messages for AWS's default"


@pytest.mark.parametrize("name", sorted(_dlq_names()))
def test_every_dead_letter_queue_keeps_messages_longer_than_every_queue_that_redrives_into_it(name):
    """GIVEN a DLQ and the queues whose RedrivePolicy targets it WHEN their retention is compared THEN the DLQ
    keeps messages longer than each: a standard queue's message keeps its first enqueue time in the DLQ, so a
    shorter DLQ would drop it early (FIFO resets that time; the rule holds for every queue)."""
    sources = [q for q, queue in QUEUES.items()
               if queue["Properties"].get("RedrivePolicy", {}).get("deadLetterTargetArn") == {"Fn::GetAtt": [name, "Arn"]}]
    if name in _function_dlqs():
        assert _retention(name) > LAMBDA_ASYNC_MAX_AGE_S  # Lambda keeps an async event at most 6 hours
        return
    assert sources
    for source in sources:
        assert _retention(name) > _retention(source), f"{name} keeps messages no longer than {source}"
