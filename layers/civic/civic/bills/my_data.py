"""A citizen's bill data under the PDPA: export what is held about them, and erase it.

Held about the citizen: their links (accounts and the names they gave them), their choices (topics, opt-outs,
areas, age group) and their wrong-check count — all in BillLinks, all erased. The export adds what they can
already see in "my bills": each linked account's address and its recent bills. The agency's own records
(accounts, bills) carry no LINE id and stay with the agency; once the links are erased nothing connects the
citizen's LINE account to them. Bill pushes and notices are in Deliveries (its own holder).
"""

from civic.settings import settings
from civic.tables import bill_accounts, bill_links, bills


def export_citizen(user_id: str) -> list[dict]:
    records = [{"kind": "choice", **item} for item in bill_links.export_citizen(user_id)]
    agency = settings().agency_id
    linked = [r["account"] for r in records if r.get("account")]
    for account in bill_accounts.of(agency, linked).values():
        records.append({"kind": "account", "account": account.account, "address": account.address,
                        "district": account.district, "subdistrict": account.subdistrict})
        records += [{"kind": "bill", "account": b.account, "period": b.period, "amount": b.amount, "usage": b.usage,
                     "due": b.due, "status": b.status} for b in bills.of_account(agency, account.account, limit=12)]
    return records


def erase_citizen(user_id: str) -> int:
    return bill_links.erase_citizen(user_id)
