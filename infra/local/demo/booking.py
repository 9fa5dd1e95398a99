"""Booking demo data for the local stack: the agency "demo-municipality" with two bookable services and their
slots over the coming days. Idempotent: services are rewritten, slots already open are left alone."""

from datetime import datetime

from civic import thai
from civic.booking import staff
from civic.booking.calendar import Calendar

AGENCY_ID = "demo-municipality"
WEEKDAY_HOURS = {day: [("08:30", "12:00"), ("13:00", "16:00")] for day in ("mon", "tue", "wed", "thu", "fri")}

SERVICES = {
    "id-card": ({
        "name_th": "ทำบัตรประชาชน", "name_en": "National ID card",
        "branch_th": "สำนักงานเทศบาลตัวอย่าง ชั้น 1 ช่อง 3", "branch_en": "Demo Municipality office, floor 1, counter 3",
        "lat": 13.756331, "lng": 100.501762,
        "documents_th": ["บัตรประชาชนใบเดิม (ถ้ามี)", "สำเนาทะเบียนบ้าน"],
        "documents_en": ["Your old ID card (if any)", "A copy of your house registration"],
        "minutes_per_citizen": 10, "desks": 2, "max_active": 1, "grace_minutes": 15,
    }, Calendar(hours=WEEKDAY_HOURS, slot_minutes=30, seats=4, priority_seats=1, priority_release_hours=24)),
    "vaccination": ({
        "name_th": "ฉีดวัคซีนไข้หวัดใหญ่", "name_en": "Flu vaccination",
        "branch_th": "ศูนย์บริการสาธารณสุขเทศบาลตัวอย่าง", "branch_en": "Demo Municipality health centre",
        "lat": 13.752720, "lng": 100.494110,
        "documents_th": ["บัตรประชาชน", "สมุดวัคซีน (ถ้ามี)"],
        "documents_en": ["Your ID card", "Your vaccination book (if any)"],
        "minutes_per_citizen": 5, "desks": 3, "max_active": 1, "grace_minutes": 30,
    }, Calendar(hours={**WEEKDAY_HOURS, "sat": [("09:00", "12:00")]}, slot_minutes=60, seats=20,
                priority_seats=6, priority_release_hours=48, shards=2)),
}


def seed(now: datetime | None = None) -> dict[str, int]:
    """Write the demo services and open their slots; returns slots created per service."""
    now = now or thai.now()
    created = {}
    for service_id, (fields, schedule) in SERVICES.items():
        service = staff.save_service(AGENCY_ID, service_id, fields)
        created[service_id] = staff.set_calendar(service, schedule, now)
    return created
