"""Bill demo data for the local stack: the demo municipality's waterworks (checks with the last bill's amount,
takes Thai QR payments) with five accounts and six months of bills, and "other-city" (checks with the ID's last
four digits) using the same account numbers — for the twin tests. Sample files to upload, for the current
month (2026-12): bills-utf8.csv, bills-tis620.csv (the same bills in TIS-620) and bills-broken.csv (one of
each mistake the report names). Idempotent.

    curl -XPOST localhost:3000/agency/bill/imports/bills -H "Authorization: Bearer $(make -s token ROLE=supervisor)" \\
         -H 'content-type: text/csv' --data-binary @infra/local/demo/bills-tis620.csv
"""

import json
from decimal import Decimal
from pathlib import Path

from civic.bills import csvrows, rules
from civic.tables import bill_accounts, bill_agencies, bills
from civic.tables.bills import Bill

HERE = Path(__file__).parent
AGENCY_ID, OTHER_ID = "demo-municipality", "other-city"
AREAS = {"เมือง": ["ในเมือง", "ท่าช้าง", "หนองปรือ"], "บางใหญ่": ["บางแม่นาง", "เสาธงหิน"]}
SETTINGS = {
    AGENCY_ID: {"name_th": "การประปาเทศบาลตัวอย่าง", "name_en": "Demo Municipality Waterworks", "check": "last_amount",
                "biller_id": "099400016501001", "payment_url": "https://pay.example.go.th/water?account={account}",
                "unit_th": "ลบ.ม.", "unit_en": "m³", "message_price_satang": 4},
    OTHER_ID: {"name_th": "ประปาเมืองอื่น", "name_en": "Other City Water", "check": "id_last4",
               "payment_url": "https://pay.example.go.th/other?account={account}", "unit_th": "ลบ.ม.", "unit_en": "m³"},
}
# account → (address, district, subdistrict, ID's last four, monthly usage Jun–Nov 2026)
ACCOUNTS = {
    "1100000001": ("12/3 ถ.ราษฎร์บำรุง", "เมือง", "ในเมือง", "1234", [18, 20, 19, 21, 18, 20]),
    "1100000002": ("45 ซ.วัดกลาง", "เมือง", "ท่าช้าง", "2345", [30, 28, 31, 29, 30, 32]),
    "1100000003": ("7/1 หมู่ 4", "เมือง", "หนองปรือ", "3456", [12, 11, 13, 12, 12, 11]),
    "1100000004": ("88 ถ.กาญจนาภิเษก", "บางใหญ่", "บางแม่นาง", "4567", [25, 24, 26, 25, 27, 25]),
    "1100000005": ("19 หมู่บ้านสวนทอง", "บางใหญ่", "เสาธงหิน", "5678", [15, 16, 15, 14, 16, 15]),
}
HISTORY = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
PRICE = Decimal("10.50")  # baht per m³ in the demo


def amount(usage: int) -> Decimal:
    return (PRICE * usage + Decimal("35.00")).quantize(Decimal("0.01"))  # a meter fee on every bill


def seed() -> dict[str, int]:
    for agency_id, fields in SETTINGS.items():
        bill_agencies.save(agency_id, {**fields, "areas": json.dumps(AREAS, ensure_ascii=False)})
        for account, (address, district, subdistrict, last4, usages) in ACCOUNTS.items():
            bill_accounts.upsert(agency_id, account, address, district, subdistrict,
                                 csvrows.check_hash(agency_id, account, last4))
            history = []
            for period, usage in zip(HISTORY, usages):
                due = f"{period}-25"
                if bills.find(agency_id, account, period) is None:
                    Bill(bills.key(agency_id, account), period, agency_id=agency_id, account=account,
                         usage=str(usage), amount=str(amount(usage)), due=due, status="paid", batch_id="demo",
                         line=0).save()
                history = rules.with_month(history, period, Decimal(usage))
            bill_accounts.record_bill(agency_id, account, HISTORY[-1], str(amount(usages[-1])), history)
    return {"agencies": len(SETTINGS), "accounts": len(ACCOUNTS) * len(SETTINGS)}


def sample_rows() -> list[list[str]]:
    """December's bills for the five demo accounts: 1100000003's usage jumps from about 12 m³ to 48 (a leak warning)."""
    usage = {"1100000001": 19, "1100000002": 31, "1100000003": 48, "1100000004": 26, "1100000005": 15}
    return [[a, "2026-12", str(u), f"{amount(u)}", "20/12/2569", "ลบ.ม."] for a, u in usage.items()]


def write_samples() -> None:
    """Regenerate the sample files (they are committed; run this after changing the demo accounts)."""
    header = "เลขที่ผู้ใช้น้ำ,รอบบิล,หน่วยที่ใช้,จำนวนเงิน,วันครบกำหนด,หน่วยนับ\n"
    body = "".join(",".join(row) + "\n" for row in sample_rows())
    (HERE / "bills-utf8.csv").write_text(header + body, encoding="utf-8")
    (HERE / "bills-tis620.csv").write_bytes((header + body).encode("cp874"))
    broken = (
        "account,period,usage,amount,due_date\n"
        "1100000001,2026-12,19,234.50,2026-12-20\n"
        "1100000002,2026-12,31,-12.00,2026-12-20\n"      # negative amount
        "1100000003,2026-12,48,539.00,31/02/2569\n"      # no such date
        "1100000001,2026-12,19,234.50,2026-12-20\n"      # duplicate of line 2
        "9999999999,2026-12,10,140.00,2026-12-20\n"      # unknown account
        "1100000004,2026-12,,308.00,2026-12-20\n"        # usage missing
        "1100000005,13/2569,15,192.50,2026-12-20\n")     # bad month
    (HERE / "bills-broken.csv").write_text(broken, encoding="utf-8")
    (HERE / "bills-missing-column.csv").write_text("account,period,usage,amount\n1100000001,2026-12,19,234.50\n",
                                                   encoding="utf-8")


if __name__ == "__main__":
    write_samples()
