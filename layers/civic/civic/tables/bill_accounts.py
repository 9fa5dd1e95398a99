"""BillAccounts: an agency's customer accounts (the number printed on the paper bill), from its accounts file.

Item (hash pk = `<agency>#<account>`): address, district, subdistrict (the account's area, for area notices),
id_check (a salted hash of the ID's last four digits, when the agency checks with them), history (the last
six months' usage, for the change and the leak rule), last_period and last_amount (the check "last bill's
amount"). No LINE id: who is linked lives in BillLinks. The agency's record: kept while the account is.
"""

import json

from pynamodb.attributes import UnicodeAttribute

from civic.settings import setting
from civic.aws import client
from civic.tables.base import CivicModel

TABLE, OWNER = "BillAccountsTable", "agency"


class Account(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bill_accounts_table")

    pk = UnicodeAttribute(hash_key=True)
    agency_id = UnicodeAttribute()
    account = UnicodeAttribute()
    address = UnicodeAttribute(null=True)
    district = UnicodeAttribute(null=True)
    subdistrict = UnicodeAttribute(null=True)
    id_check = UnicodeAttribute(null=True)
    history = UnicodeAttribute(null=True)  # JSON [[period, usage], …], oldest first
    last_period = UnicodeAttribute(null=True)
    last_amount = UnicodeAttribute(null=True)

    @property
    def usage_history(self) -> list[list]:
        return json.loads(self.history) if self.history else []


def key(agency_id: str, account: str) -> str:
    return f"{agency_id}#{account}"


def find(agency_id: str, account: str) -> Account | None:
    try:
        return Account.get(key(agency_id, account), consistent_read=True)
    except Account.DoesNotExist:
        return None


def of(agency_id: str, accounts: list[str]) -> dict[str, Account]:
    """account → its item, for the accounts that exist (BatchGetItem, 100 keys a request)."""
    keys = list(dict.fromkeys(key(agency_id, a) for a in accounts))
    found = {}
    for start in range(0, len(keys), 100):
        for item in Account.batch_get(keys[start:start + 100]):
            found[item.account] = item
    return found


def upsert(agency_id: str, account: str, address: str, district: str, subdistrict: str,
           id_check: str | None) -> None:
    """The agency's details of an account; its usage history is left as it is."""
    names = {"#a": "address", "#d": "district", "#s": "subdistrict"}
    values = {":agency": {"S": agency_id}, ":account": {"S": account}, ":a": {"S": address},
              ":d": {"S": district}, ":s": {"S": subdistrict}}
    expression = "SET agency_id = :agency, account = :account, #a = :a, #d = :d, #s = :s"
    if id_check:
        expression += ", id_check = :c"
        values[":c"] = {"S": id_check}
    client("dynamodb").update_item(TableName=Account.Meta.table_name, Key={"pk": {"S": key(agency_id, account)}},
                                   UpdateExpression=expression, ExpressionAttributeNames=names,
                                   ExpressionAttributeValues=values)


def record_bill(agency_id: str, account: str, period: str, amount: str, history: list[list]) -> bool:
    """The newest bill's month, amount and the usage history; a month older than the last is left out
    (files may come out of order). True when written."""
    dynamodb = client("dynamodb")
    try:
        dynamodb.update_item(
            TableName=Account.Meta.table_name, Key={"pk": {"S": key(agency_id, account)}},
            UpdateExpression="SET history = :h, last_period = :p, last_amount = :m",
            ConditionExpression="attribute_exists(pk) AND (attribute_not_exists(last_period) OR last_period <= :p)",
            ExpressionAttributeValues={":h": {"S": json.dumps(history)}, ":p": {"S": period}, ":m": {"S": amount}})
        return True
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return False

