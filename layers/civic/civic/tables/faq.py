"""Faq: an agency's questions and answers (Thai and English), and the questions nobody could answer yet.

Items under hash agency_id:
- sk `E#<entry id>`: a FaqEntry — the ways citizens ask it (th, en), the answer (th, en), and how often
  the answer helped or not.
- sk `M#<digest>`: a FaqMiss — a question no entry answered well enough, counted, with one example text
  scrubbed of phone and ID numbers, so staff can write the missing answer. Expires after MISS_DAYS
  without a new ask.
No LINE ids or names; an example text is what a citizen typed, scrubbed, kept 90 days.
"""

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from civic.settings import setting
from civic.tables.base import CivicModel

TABLE, OWNER = "FaqTable", "agency"
MISS_DAYS = 90


class _Item(CivicModel):
    class Meta(CivicModel.Meta):
        abstract = True

    agency_id = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


class FaqEntry(_Item):
    class Meta(_Item.Meta):
        table_name = setting("faq_table")

    questions_th = ListAttribute(of=UnicodeAttribute, default=list)
    questions_en = ListAttribute(of=UnicodeAttribute, default=list)
    answer_th = UnicodeAttribute()
    answer_en = UnicodeAttribute()
    helped = NumberAttribute(default=0)
    not_helped = NumberAttribute(default=0)
    updated_at = NumberAttribute(null=True)

    @property
    def entry_id(self) -> str:
        return self.sk.removeprefix("E#")


class FaqMiss(_Item):
    class Meta(_Item.Meta):
        table_name = setting("faq_table")

    example = UnicodeAttribute()
    lang = UnicodeAttribute(default="th")
    count = NumberAttribute(default=0)
    last_at = NumberAttribute(null=True)


def entry_key(entry_id: str) -> str:
    return f"E#{entry_id}"


def entries(agency_id: str) -> list[FaqEntry]:
    return list(FaqEntry.query(agency_id, FaqEntry.sk.startswith("E#")))


def find(agency_id: str, entry_id: str) -> FaqEntry | None:
    try:
        return FaqEntry.get(agency_id, entry_key(entry_id))
    except FaqEntry.DoesNotExist:
        return None


def misses(agency_id: str) -> list[FaqMiss]:
    return sorted((m for m in FaqMiss.query(agency_id, FaqMiss.sk.startswith("M#")) if m.alive()),
                  key=lambda m: (-m.count, -(m.last_at or 0)))


def count_miss(agency_id: str, digest: str, example: str, lang: str, now: float) -> None:
    FaqMiss(agency_id, f"M#{digest}").update(actions=[
        FaqMiss.count.add(1), FaqMiss.example.set(example), FaqMiss.lang.set(lang), FaqMiss.last_at.set(int(now)),
        FaqMiss.expires_at.set(int(now) + MISS_DAYS * 86400)])


def count_feedback(agency_id: str, entry_id: str, helped: bool) -> bool:
    """Count a citizen's "did this help?"; False when the entry no longer exists."""
    attribute = FaqEntry.helped if helped else FaqEntry.not_helped
    try:
        FaqEntry(agency_id, entry_key(entry_id)).update(actions=[attribute.add(1)],
                                                        condition=FaqEntry.sk.exists())
        return True
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
