"""Citizen basics demo data: the demo municipality's FAQ, the questions residents ask most, in Thai and
English. Idempotent (entries are rewritten; their helped counts start again)."""

import time

from civic.tables.faq import FaqEntry, entry_key

AGENCY_ID = "demo-municipality"
ENTRIES = {
    "office-hours": (["สำนักงานเปิดกี่โมง", "เวลาทำการของเทศบาล", "เปิดวันเสาร์ไหม"], ["office hours", "when are you open"],
                     "สำนักงานเทศบาลเปิด จันทร์–ศุกร์ 08:30–16:30 น. (พักเที่ยง 12:00–13:00 น.) ปิดวันหยุดราชการ",
                     "The municipal office is open Monday to Friday, 08:30–16:30 (lunch 12:00–13:00), closed on public holidays."),
    "water-bill": (["จ่ายค่าน้ำประปาที่ไหน", "ชำระค่าน้ำได้ทางไหนบ้าง", "ค่าน้ำจ่ายออนไลน์ได้ไหม"],
                   ["where do I pay the water bill", "pay water bill online"],
                   "ชำระค่าน้ำประปาได้ที่ช่อง 2 สำนักงานเทศบาล เคาน์เตอร์เซอร์วิส หรือสแกน QR บนใบแจ้งหนี้ด้วยแอปธนาคาร",
                   "Pay the water bill at counter 2 of the municipal office, at Counter Service, or scan the QR code on "
                   "the bill with your banking app."),
    "garbage": (["รถเก็บขยะมาวันไหน", "เก็บขยะกี่โมง", "ขยะชิ้นใหญ่ทิ้งอย่างไร"], ["garbage collection day", "bulky waste"],
                "รถเก็บขยะผ่านทุกวันจันทร์ พุธ ศุกร์ ก่อน 09:00 น. ขยะชิ้นใหญ่ (ที่นอน เฟอร์นิเจอร์) นัดรับฟรีได้ที่ 0-2123-4567",
                "Garbage is collected Monday, Wednesday and Friday before 09:00. For bulky waste (mattresses, "
                "furniture) book a free pick-up at 0-2123-4567."),
    "house-registration": (["ย้ายทะเบียนบ้านต้องใช้อะไรบ้าง", "แจ้งย้ายเข้า", "เอกสารย้ายทะเบียนบ้าน"],
                           ["move house registration", "documents to move in"],
                           "แจ้งย้ายเข้าได้ที่งานทะเบียนราษฎร์ ชั้น 1 ใช้บัตรประชาชน ทะเบียนบ้านเล่มที่ย้ายเข้า และหนังสือยินยอมของเจ้าบ้าน "
                           "จองคิวได้ในเมนู \"จองคิว\"",
                           "Register a move at the civil registration desk, floor 1: bring your ID card, the house "
                           "registration book and the owner's consent letter. Book a queue with \"Book\" in the menu."),
    "land-tax": (["จ่ายภาษีที่ดินได้ที่ไหน", "ภาษีที่ดินและสิ่งปลูกสร้าง", "ภาษีบ้านต้องจ่ายเมื่อไร"],
                 ["land and building tax", "when to pay property tax"],
                 "ภาษีที่ดินและสิ่งปลูกสร้างชำระได้ภายในเดือนเมษายน ที่กองคลัง ช่อง 5 หรือผ่านแอปธนาคารตามใบแจ้งประเมิน",
                 "Land and building tax is due by the end of April: pay at the finance division, counter 5, or by "
                 "banking app with the assessment notice."),
}


def seed() -> dict[str, int]:
    now = int(time.time())
    for entry_id, (questions_th, questions_en, answer_th, answer_en) in ENTRIES.items():
        FaqEntry(AGENCY_ID, entry_key(entry_id), questions_th=questions_th, questions_en=questions_en,
                 answer_th=answer_th, answer_en=answer_en, updated_at=now).save()
    return {"faq_entries": len(ENTRIES)}
