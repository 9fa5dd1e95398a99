"""Complaint demo data for the local stack: the demo municipality's departments, categories (service levels,
one urgent) and two service areas around the demo coordinates (13.75, 100.50), its settings and a known
Open311 API key; and a second agency, "other-city", with the same category codes (for the twin tests).
Idempotent: every item is rewritten."""

from civic.complaints import staff
from civic.tables.complaint_setup import ApiKey

AGENCY_ID = "demo-municipality"
OTHER_ID = "other-city"
# Local only: it opens nothing outside this machine (README, "Try it locally"). Stored hashed like any key.
OPEN311_KEY = "local-open311-demo-key"
DUTY_OFFICER = "U" + "d0" * 16
SUPERVISOR = "U" + "5e" * 16

DEPARTMENTS = {
    "public-works": ("กองช่าง", "Public Works Division"),
    "environment": ("กองสาธารณสุขและสิ่งแวดล้อม", "Public Health and Environment Division"),
    "disaster": ("งานป้องกันและบรรเทาสาธารณภัย", "Disaster Prevention and Relief"),
    "central-triage": ("ศูนย์รับเรื่องร้องเรียน", "Complaint Centre (triage)"),
}
CATEGORIES = [
    ("road", "ถนน/ทางเท้าชำรุด", "Road or pavement damage", "หลุมบ่อ ทางเท้าแตก ฝาท่อหาย", "Potholes, broken pavement, missing covers",
     5, "public-works", False, []),
    ("light", "ไฟฟ้าส่องสว่างดับ", "Street light out", "ไฟถนน ไฟในซอยดับหรือกะพริบ", "A street or lane light is out or flickering",
     3, "public-works", False, []),
    ("drain", "ท่อระบายน้ำอุดตัน/น้ำท่วมขัง", "Blocked drain or flooding", "น้ำท่วมขัง ท่ออุดตัน กลิ่นเหม็น",
     "Standing water, a blocked drain, smells", 3, "public-works", False, []),
    ("waste", "ขยะ/ความสะอาด", "Rubbish and cleanliness", "ขยะไม่ได้เก็บ ทิ้งขยะในที่สาธารณะ",
     "Rubbish not collected, fly-tipping", 2, "environment", False, []),
    ("power-line", "สายไฟขาด/เสาไฟล้ม (เร่งด่วน)", "Fallen power line (urgent)", "สายไฟขาดห้อย เสาล้ม ไฟช็อต",
     "A cable down, a pole fallen, sparks", 0, "disaster", True, ["199", "1669"]),
    ("tree", "ต้นไม้ล้ม/กิ่งไม้ขวางทาง", "Fallen tree or branch", "ต้นไม้หรือกิ่งไม้ขวางถนนหรือทางเท้า",
     "A tree or branch blocking a road or path", 2, "disaster", False, []),
]


def _ring(south: float, west: float, north: float, east: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


AREAS = {
    AGENCY_ID: {
        "north": ("เขตเหนือ", "North zone", _ring(13.75, 100.48, 13.78, 100.53)),
        "south": ("เขตใต้", "South zone", _ring(13.72, 100.48, 13.75, 100.53)),
    },
    OTHER_ID: {
        "centre": ("เขตกลางเมือง", "City centre", _ring(18.77, 98.96, 18.81, 99.01)),
    },
}


def _agency(agency_id: str, name_th: str, name_en: str, sla_extra: int) -> dict:
    for code, (th, en) in DEPARTMENTS.items():
        staff.save_department(agency_id, code, {"name_th": th, "name_en": en})
    staff.save_settings(agency_id, {"name_th": name_th, "name_en": name_en, "triage_department": "central-triage",
                                    "duty_officers": [DUTY_OFFICER] if agency_id == AGENCY_ID else [],
                                    "supervisors": [SUPERVISOR] if agency_id == AGENCY_ID else [],
                                    "contact": f"complaints@{agency_id}.example"})
    for order, (code, th, en, hint_th, hint_en, days, department, urgent, emergency) in enumerate(CATEGORIES):
        staff.save_category(agency_id, code, {
            "name_th": th, "name_en": en, "hint_th": hint_th, "hint_en": hint_en, "sla_days": days + sla_extra,
            "department": department, "urgent": urgent, "emergency": emergency, "order": order, "active": True})
    for area_id, (th, en, geometry) in AREAS[agency_id].items():
        staff.save_area(agency_id, area_id, {"name_th": th, "name_en": en, "geometry": geometry, "departments": {},
                                             "active": True})
    return {"categories": len(CATEGORIES), "areas": len(AREAS[agency_id])}


def seed() -> dict:
    made = {AGENCY_ID: _agency(AGENCY_ID, "เทศบาลตัวอย่าง", "Demo Municipality", 0),
            OTHER_ID: _agency(OTHER_ID, "เทศบาลเมืองอื่น", "Other City", 2)}
    digest = staff.hash_key(OPEN311_KEY)
    ApiKey(AGENCY_ID, f"apikey#{digest}", key_id=digest[:8], label="local demo", created_at=0, active=True).save()
    made["open311_key"] = OPEN311_KEY
    return made
