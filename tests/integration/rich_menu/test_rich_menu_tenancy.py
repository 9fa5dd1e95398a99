"""Agencies never cross in the rich menu (DESIGN decision 8; RELIABILITY row 45): two agencies of one deployment
configure their menus with the same entry ids; the deployment's channel shows its own agency's choice only, the
other agency's items are untouched, and every item is keyed under its agency."""

import json

import boto3

from civic.rich_menu import publisher
from civic.tables import rich_menus
from tests.moto_stack import table_name
from tests.tenancy import crossings


def _items() -> list[str]:
    scanned = boto3.client("dynamodb").scan(TableName=table_name("RichMenusTable"))["Items"]
    return sorted(json.dumps(i, sort_keys=True) for i in scanned)


def test_the_channel_shows_its_own_agencys_choice_and_the_others_items_stay(line):
    """GIVEN demo-municipality hiding "my data" and other-city hiding "book a queue", with the same entry ids WHEN the
    deployment (demo-municipality's channel) publishes THEN the menu has no "my data" area and does have "book a
    queue"; other-city's configuration is unchanged and has no published record; crossings == []."""
    rich_menus.save_config("demo-municipality", [], ["citizen.mydata"], at=1)
    rich_menus.save_config("other-city", [], ["booking.start"], at=1)
    other_before = rich_menus.config("other-city").to_simple_dict()

    publisher.publish()

    data = [a["action"]["data"] for a in line.default_rich_menu()["areas"]]
    assert "1/bk/start" in data and "1/ct/mydata" not in data
    assert rich_menus.config("other-city").to_simple_dict() == other_before
    assert rich_menus.published("other-city") is None
    assert crossings(table_name) == []
    assert all('"demo-municipality#' in i or '"other-city#' in i for i in _items())
