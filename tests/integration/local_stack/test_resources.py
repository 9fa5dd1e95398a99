"""Tables, queues, buckets and secrets created in moto from the fixture template itself."""

import json

import boto3
import pytest


def test_table_has_the_templates_keys_indexes_and_ttl(stack):
    """GIVEN ResultsTable with a composite key, a GSI, PAY_PER_REQUEST and a TTL attribute
    WHEN the stack has started
    THEN moto holds a table of that name and shape with TTL enabled."""
    dynamodb = boto3.client("dynamodb")
    name = stack.resource("ResultsTable")
    table = dynamodb.describe_table(TableName=name)["Table"]

    assert name == "local-results-dev"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"},
                                  {"AttributeName": "sk", "KeyType": "RANGE"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["byKind"]
    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_table_without_a_name_gets_local_and_its_logical_id(stack):
    """GIVEN SeatsTable has no TableName
    WHEN the stack has started
    THEN it is called local-SeatsTable, provisioned as the template says."""
    table = boto3.client("dynamodb").describe_table(TableName="local-SeatsTable")["Table"]

    assert stack.resource("SeatsTable") == "local-SeatsTable"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 5


def test_queue_has_scaled_visibility_and_a_redrive_policy_to_its_dead_letter_queue(stack):
    """GIVEN WorkQueue (visibility 40 s, maxReceiveCount 2 into WorkDeadLetterQueue) and visibility_scale 0.05
    WHEN the stack has started
    THEN both queues exist, the visibility is 2 s and the redrive policy points at the DLQ's ARN."""
    sqs = boto3.client("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=stack.resource("WorkQueue"), AttributeNames=["All"])["Attributes"]
    dead_letter_arn = sqs.get_queue_attributes(
        QueueUrl=stack.resource("WorkDeadLetterQueue"), AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    assert attributes["VisibilityTimeout"] == "2"
    assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": dead_letter_arn, "maxReceiveCount": 2}


def test_fifo_queue_keeps_its_fifo_attributes(stack):
    """GIVEN SerialQueue declared FIFO with content-based deduplication and an explicit name
    WHEN the stack has started
    THEN the queue is FIFO, deduplicates by content and keeps its name."""
    url = stack.resource("SerialQueue")
    attributes = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]

    assert url.endswith("/serial.fifo")
    assert attributes["FifoQueue"] == "true"
    assert attributes["ContentBasedDeduplication"] == "true"


def test_bucket_and_secret_exist(stack):
    """GIVEN MediaBucket and ChannelSecret
    WHEN the stack has started
    THEN the bucket exists with a lower-case local name and the secret holds the template's string."""
    buckets = [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]]
    secret = boto3.client("secretsmanager").get_secret_value(SecretId="local/line-channel")

    assert stack.resource("MediaBucket") == "local-mediabucket"
    assert "local-mediabucket" in buckets
    assert json.loads(secret["SecretString"]) == {"channelSecret": "fixture-secret"}


def test_resources_whose_condition_is_false_are_not_created(stack):
    """GIVEN ProdOnlyQueue has Condition IsProd and the stage is dev
    WHEN the stack has started
    THEN no such queue exists and resource() says it was not created."""
    urls = boto3.client("sqs").list_queues().get("QueueUrls", [])

    assert not any("ProdOnlyQueue" in url for url in urls)
    with pytest.raises(KeyError, match="ProdOnlyQueue"):
        stack.resource("ProdOnlyQueue")


def test_pynamodb_models_reach_moto_through_aws_endpoint_url(stack):
    """GIVEN a PynamoDB 6 model with no Meta.host
    WHEN it saves and reads an item
    THEN the item is in the stack's moto table (PynamoDB honours AWS_ENDPOINT_URL)."""
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.models import Model

    class Result(Model):
        class Meta:
            table_name = stack.resource("ResultsTable")

        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        kind = UnicodeAttribute()

    Result(pk="pynamodb", sk="1", kind="probe").save()

    item = boto3.client("dynamodb").get_item(TableName=stack.resource("ResultsTable"),
                                             Key={"pk": {"S": "pynamodb"}, "sk": {"S": "1"}})["Item"]
    assert item["kind"] == {"S": "probe"}
