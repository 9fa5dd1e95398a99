"""AgencyProfiles: what an agency tells citizens about itself — its names and office hours — and how long a
chat with staff may stay idle. One item per agency (key agency_id). No personal data.

An agency without a profile gets the defaults below (a municipality's usual hours), so nothing breaks
before an admin sets one.
"""

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "AgencyProfilesTable", "agency"

WEEKDAY_HOURS = [["08:30", "16:30"]]
DEFAULT_HOURS = {day: WEEKDAY_HOURS for day in ("mon", "tue", "wed", "thu", "fri")}


class AgencyProfile(CivicModel):
    class Meta(CivicModel.Meta):
        table_name = setting("agency_profiles_table")

    agency_id = UnicodeAttribute(hash_key=True)
    name_th = UnicodeAttribute(null=True)
    name_en = UnicodeAttribute(null=True)
    office_hours = JSONAttribute(null=True)          # weekday → [["08:30", "16:30"], …], Asia/Bangkok
    answer_minutes = NumberAttribute(default=15)     # how soon staff answer a chat in office hours
    chat_idle_minutes = NumberAttribute(default=30)  # a chat with no news this long goes back to the bot
    updated_at = NumberAttribute(null=True)

    def hours(self) -> dict[str, list[list[str]]]:
        return self.office_hours or DEFAULT_HOURS


def find(agency_id: str) -> AgencyProfile:
    """The agency's profile, or its defaults when it has none yet."""
    try:
        return AgencyProfile.get(agency_id)
    except AgencyProfile.DoesNotExist:
        return AgencyProfile(agency_id)


def save(profile: AgencyProfile) -> AgencyProfile:
    profile.save()
    return profile
