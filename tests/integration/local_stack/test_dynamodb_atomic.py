"""DynamoDB conditional writes are atomic per item, as on AWS (moto alone does not lock an item)."""

import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import moto.dynamodb.models
import pytest
from botocore.config import Config


@pytest.fixture
def slow_condition_checks(monkeypatch):
    """Widen moto's window between checking a condition and writing the item, so a missing lock shows."""
    parser_for = moto.dynamodb.models.create_condition_expression_parser

    class SlowCondition:
        def __init__(self, condition):
            self.condition = condition

        def expr(self, item):
            holds = self.condition.expr(item)
            time.sleep(0.005)
            return holds

    class SlowParser:
        def __init__(self, *args):
            self.parser = parser_for(*args)

        def parse(self):
            return SlowCondition(self.parser.parse())

    monkeypatch.setattr(moto.dynamodb.models, "create_condition_expression_parser", SlowParser)


def test_concurrent_conditional_updates_never_oversell(stack, slow_condition_checks):
    """GIVEN a slot with 10 seats, and moto slowed between checking the condition and writing
    WHEN 200 threads at once each take a seat with ConditionExpression seats > 0
    THEN exactly 10 succeed and the slot ends with 0 seats."""
    dynamodb = boto3.client("dynamodb", config=Config(max_pool_connections=200, retries={"max_attempts": 10}))
    table = stack.resource("SeatsTable")
    dynamodb.put_item(TableName=table, Item={"slot_id": {"S": "slot-race"}, "seats": {"N": "10"}})

    def take_seat(_):
        try:
            dynamodb.update_item(
                TableName=table, Key={"slot_id": {"S": "slot-race"}},
                UpdateExpression="SET seats = seats - :one", ConditionExpression="seats > :zero",
                ExpressionAttributeValues={":one": {"N": "1"}, ":zero": {"N": "0"}})
            return True
        except dynamodb.exceptions.ConditionalCheckFailedException:
            return False

    with ThreadPoolExecutor(max_workers=200) as pool:
        taken = list(pool.map(take_seat, range(200)))

    seats = dynamodb.get_item(TableName=table, Key={"slot_id": {"S": "slot-race"}})["Item"]["seats"]["N"]
    assert taken.count(True) == 10
    assert seats == "0"
