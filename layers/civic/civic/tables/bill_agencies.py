"""BillAgencies: each agency's bill settings — the check it asks when a citizen links an account, its Thai QR
biller id and payment page, the leak rule, the price of a message. One small item per agency (schedules read
them all to act on each agency with its own settings).
"""

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "BillAgenciesTable", "agency"


class BillAgency(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("bill_agencies_table")

    agency_id = UnicodeAttribute(hash_key=True)
    name_th = UnicodeAttribute()
    name_en = UnicodeAttribute()
    check = UnicodeAttribute(default="last_amount")     # last_amount | id_last4
    biller_id = UnicodeAttribute(null=True)             # 15 digits: Thai QR bill payment; None: no QR
    payment_url = UnicodeAttribute(null=True)           # https://…{account}…: the pay button
    unit_th = UnicodeAttribute(default="หน่วย")
    unit_en = UnicodeAttribute(default="units")
    leak_factor = NumberAttribute(default=2)            # usage over this × the recent average …
    leak_min_increase = NumberAttribute(default=10)     # … and at least this many units more
    message_price_satang = NumberAttribute(default=0)   # what one message costs the agency (0: not told)
    auto_notify = BooleanAttribute(default=True)        # notify citizens as soon as a batch is imported
    areas = UnicodeAttribute(null=True)                 # JSON {district: [subdistrict, …]}: what citizens may pick

    @property
    def area_map(self) -> dict[str, list[str]]:
        import json

        return json.loads(self.areas) if self.areas else {}


def find(agency_id: str) -> BillAgency | None:
    try:
        return BillAgency.get(agency_id, consistent_read=True)
    except BillAgency.DoesNotExist:
        return None


def every() -> list[BillAgency]:
    return list(BillAgency.scan())


def save(agency_id: str, fields: dict) -> BillAgency:
    agency = BillAgency(agency_id, **fields)
    agency.save()
    return agency
