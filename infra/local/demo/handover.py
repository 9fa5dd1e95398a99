"""Handover demo data: the demo municipality's profile — its names, office hours, how soon staff answer a chat
and when an idle chat goes back to the bot. Idempotent (the profile is rewritten)."""

from civic.tables import agencies

AGENCY_ID = "demo-municipality"


def seed() -> dict[str, str]:
    agencies.save(agencies.AgencyProfile(
        AGENCY_ID, name_th="เทศบาลตัวอย่าง", name_en="Demo Municipality", answer_minutes=15, chat_idle_minutes=30,
        office_hours={d: [["08:30", "12:00"], ["13:00", "16:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}))
    return {"profile": AGENCY_ID}
