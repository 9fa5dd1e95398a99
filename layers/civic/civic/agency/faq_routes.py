"""Agency API routes for the FAQ the bot answers from around the clock, under /agency/faq: the entries (Thai
and English ways of asking, and the answer), and the questions citizens asked that nothing answered.
Officers read; supervisors write. No personal data: unanswered questions are kept scrubbed."""

import time
from typing import Annotated

from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field

from civic import thai
from civic.agency import identity
from civic.tables import faq
from civic.tables.faq import FaqEntry, FaqMiss

router = APIGatewayHttpRouter()
EntryId = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", description="e.g. water-bill")]
Digest = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
Question = Annotated[str, Field(min_length=2, max_length=200)]


class FaqIn(BaseModel):
    questions_th: list[Question] = Field(min_length=1, max_length=20, description="ways citizens ask it, in Thai")
    questions_en: list[Question] = Field(default_factory=list, max_length=20)
    answer_th: str = Field(min_length=1, max_length=2000)
    answer_en: str = Field(min_length=1, max_length=2000)


class FaqOut(FaqIn):
    entry_id: str
    helped: int
    not_helped: int


class Unanswered(BaseModel):
    digest: str
    example: str = Field(description="one way it was asked, phone and ID numbers removed")
    language: str
    times_asked: int
    last_asked: str


def _staff(role: str) -> identity.Staff:
    caller = identity.from_event(router.current_event.raw_event)
    caller.require(role)
    return caller


def _out(entry: FaqEntry) -> FaqOut:
    return FaqOut(entry_id=entry.entry_id, questions_th=list(entry.questions_th), questions_en=list(entry.questions_en),
                  answer_th=entry.answer_th, answer_en=entry.answer_en, helped=int(entry.helped or 0),
                  not_helped=int(entry.not_helped or 0))


@router.get("/agency/faq", summary="The FAQ entries the bot answers from", tags=["faq"])
def list_entries() -> list[FaqOut]:
    return [_out(e) for e in faq.entries(_staff("officer").agency_id)]


@router.put("/agency/faq/<entry_id>", summary="Create or change an entry (the bot uses it at once)", tags=["faq"])
def put_entry(entry_id: EntryId, body: FaqIn) -> FaqOut:
    caller = _staff("supervisor")
    current = faq.find(caller.agency_id, entry_id)
    entry = FaqEntry(caller.agency_id, faq.entry_key(entry_id), **body.model_dump(), updated_at=int(time.time()),
                     helped=current.helped if current else 0, not_helped=current.not_helped if current else 0)
    entry.save()
    return _out(entry)


@router.delete("/agency/faq/<entry_id>", summary="Remove an entry", tags=["faq"])
def delete_entry(entry_id: EntryId) -> FaqOut:
    caller = _staff("supervisor")
    entry = faq.find(caller.agency_id, entry_id)
    if entry is None:
        raise NotFoundError("no such entry")
    entry.delete()
    return _out(entry)


@router.get("/agency/faq/unanswered", summary="Questions nothing answered, most asked first", tags=["faq"])
def unanswered() -> list[Unanswered]:
    caller = _staff("officer")
    return [Unanswered(digest=m.sk.removeprefix("M#"), example=m.example, language=m.lang, times_asked=int(m.count),
                       last_asked=thai.from_epoch(m.last_at or 0).isoformat(timespec="seconds"))
            for m in faq.misses(caller.agency_id)]


@router.delete("/agency/faq/unanswered/<digest>", summary="Dismiss an unanswered question (answered, or not ours)",
               tags=["faq"])
def dismiss(digest: Digest) -> dict:
    caller = _staff("supervisor")
    FaqMiss(caller.agency_id, f"M#{digest}").delete()
    return {"dismissed": digest}
