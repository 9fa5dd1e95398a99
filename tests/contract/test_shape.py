"""The rules that keep the layer in shape as domains are added: one module per table, tenancy declared,
every queue read by someone, and the function that erases a citizen allowed to touch everything it erases."""

import importlib
import pkgutil
from pathlib import Path

import pytest

from civic import domains, tables
from tests.contract.test_template import FUNCTIONS, QUEUES, TABLES, TEMPLATE, _dlq_names, _function_dlqs, of_type


def _table_modules() -> dict[str, object]:
    found = {}
    for info in pkgutil.iter_modules(tables.__path__):
        module = importlib.import_module(f"civic.tables.{info.name}")
        if hasattr(module, "TABLE"):
            assert module.TABLE not in found, f"{module.TABLE} is modelled twice"
            found[module.TABLE] = module
    return found


def test_every_table_is_modelled_by_exactly_one_module():
    """GIVEN the template's tables WHEN compared with civic/tables THEN each has one module declaring it (or is
    listed as unmodelled, with the reason), and no module declares a table the template lacks."""
    modelled = set(_table_modules())
    assert modelled.isdisjoint(tables.UNMODELLED)
    assert modelled | set(tables.UNMODELLED) == set(TABLES)


@pytest.mark.parametrize("table,module", sorted(_table_modules().items()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_table_module_declares_whom_its_items_belong_to(table, module):
    """GIVEN a table module WHEN read THEN OWNER is agency, citizen or deployment (civic/tables/__init__.py)."""
    assert module.OWNER in ("agency", "citizen", "deployment")


def _consumed_queues() -> set[str]:
    return {event["Properties"]["Queue"]["Fn::GetAtt"][0] for f in FUNCTIONS.values()
            for event in f["Properties"].get("Events", {}).values() if event["Type"] == "SQS"}


@pytest.mark.parametrize("name", sorted(QUEUES))
def test_every_queue_has_a_consumer_or_is_the_dead_letter_queue_of_one(name):
    """GIVEN a queue of the template WHEN read THEN a function consumes it, or it is the DLQ of a consumed
    queue: nothing is routed to a queue nobody reads (a citizen would hear nothing)."""
    consumed = _consumed_queues()
    dlq_of_consumed = {QUEUES[q]["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                       for q in consumed if "RedrivePolicy" in QUEUES[q]["Properties"]}
    assert name in consumed | dlq_of_consumed | _function_dlqs()


def test_every_domain_of_the_registry_has_a_consumed_queue_in_the_template():
    """GIVEN the registry WHEN each domain's queue variable is looked up in Globals THEN it names a queue that a
    function consumes, and the intake may send to it."""
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    intake = [s for p in FUNCTIONS["WebhookIntakeFunction"]["Properties"]["Policies"] if isinstance(p, dict)
              for s in p.get("Statement", []) if "sqs:SendMessage" in s["Action"]]
    sendable = {r["Fn::GetAtt"][0] for s in intake for r in s["Resource"]}
    for domain in domains.DOMAINS:
        queue = variables[domain.queue_env]["Ref"]
        assert queue in _consumed_queues(), domain.name
        assert queue in sendable, domain.name


def _policy_targets(function: dict) -> set[str]:
    """Logical ids a function's SAM policy templates (CRUD) or statements give it write access to."""
    found = set()
    for policy in function["Properties"]["Policies"]:
        if not isinstance(policy, dict):
            continue
        for name, value in policy.items():
            if name in ("DynamoDBCrudPolicy", "S3CrudPolicy"):
                target = value.get("TableName") or value.get("BucketName")
                found.add(target["Ref"])
    return found


def test_the_function_that_erases_a_citizen_may_change_everything_it_erases():
    """GIVEN the citizen basics (which runs "delete my data") WHEN its policies are read THEN it has CRUD on
    every table and bucket a holder of the registry covers: the local stack does not emulate IAM, so only this
    test would catch an erase that fails on AWS (row 37)."""
    covered = {resource for resources in domains.holders().values() for resource in resources}
    missing = covered - _policy_targets(FUNCTIONS["CitizenBasicsFunction"])
    assert not missing


def test_dead_letter_queues_are_not_consumed_by_workers():
    """GIVEN the DLQs WHEN compared with the event sources THEN none is consumed (they wait for a human)."""
    assert not _dlq_names() & _consumed_queues()


def test_buckets_are_private_and_encrypted():
    """GIVEN every bucket WHEN read THEN public access is blocked and objects are encrypted at rest."""
    for name, bucket in of_type("AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert all(props["PublicAccessBlockConfiguration"].values()), name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"], name


def _statement_actions_on(function: dict, queue: str) -> set[str]:
    found = set()
    for policy in function["Properties"]["Policies"]:
        if not isinstance(policy, dict):
            continue
        if policy.get("SQSSendMessagePolicy", {}).get("QueueName") == {"Fn::GetAtt": [queue, "QueueName"]}:
            found |= {"sqs:SendMessage", "sqs:GetQueueUrl"}
        for statement in policy.get("Statement", []):
            resources = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if {"Fn::GetAtt": [queue, "Arn"]} in resources:
                found |= set(statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]])
    return found


@pytest.mark.parametrize("function,queue", sorted(
    (name, event["Properties"]["Queue"]["Fn::GetAtt"][0]) for name, f in FUNCTIONS.items()
    for event in f["Properties"].get("Events", {}).values()
    if event["Type"] == "SQS" and QUEUES[event["Properties"]["Queue"]["Fn::GetAtt"][0]]["Properties"].get("FifoQueue")))
def test_every_fifo_consumer_may_put_a_record_back_on_its_own_queue(function, queue):
    """GIVEN a function consuming a FIFO queue WHEN its policies are read THEN it may look the queue up and send to
    it: civic.fifo puts a record that waited behind failures back as a fresh message (RELIABILITY row 53), and
    on AWS, unlike locally, a missing permission would fail that record."""
    assert {"sqs:SendMessage", "sqs:GetQueueUrl"} <= _statement_actions_on(FUNCTIONS[function], queue)


def _reads_line_secret(function: dict) -> bool:
    for policy in function["Properties"]["Policies"]:
        for statement in policy.get("Statement", []) if isinstance(policy, dict) else []:
            resource = statement["Resource"]
            if "secretsmanager:GetSecretValue" in statement["Action"] and "LineSecretName" in str(resource):
                return True
    return False


def _worker_functions() -> list[str]:
    """The functions whose code builds a civic.worker.Worker: it shows LINE's loading animation when an answer is late."""
    found = []
    for name, function in FUNCTIONS.items():
        code = Path(function["Properties"]["CodeUri"])
        if any("Worker(" in source.read_text(encoding="utf-8") for source in code.glob("*.py")):
            found.append(name)
    return sorted(found)


@pytest.mark.parametrize("function", _worker_functions())
def test_every_worker_may_read_the_line_channel_secret(function):
    """GIVEN a function built on civic.worker WHEN its policies are read THEN it may read the LINE channel secret:
    under a rush the worker calls LINE's loading animation, and on AWS, unlike locally, it would be refused."""
    assert _reads_line_secret(FUNCTIONS[function]), function
