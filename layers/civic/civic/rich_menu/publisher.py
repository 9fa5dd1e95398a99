"""Publish the agency's rich menu to its LINE channel, replacing the one before: no orphans, idempotent.

1. Resolve the entries (registry + the agency's configuration), draw the image, fingerprint both.
2. Read LINE's list and default. Ours are the menus named `civic-desk:<agency>:…`; others are left alone.
3. Unchanged (the recorded fingerprint is the default's, and LINE still has it): delete any stray menus of
   ours and stop. Nothing to show (every entry hidden): cancel our default, delete ours, forget the record.
4. Otherwise delete our menus that are not the default (left by an interrupted run: room under LINE's
   1,000 per channel), validate, create, upload the image, set it as the default, record it, and only then
   delete the menu it replaced. A failure after create deletes the new menu again (and a run after a crash
   finds it by name in step 4), so the channel always has one menu of ours at most, plus the new one
   while it is being set.
Every LINE call goes through civic.line_api; a refusal raises PublishError with LINE's reason.
"""

import time
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from civic import line_api
from civic.rich_menu import drawing, menu
from civic.settings import settings
from civic.tables import rich_menus

logger = Logger(child=True)


class PublishError(RuntimeError):
    """LINE refused a step (or could not be reached). `retryable` when trying later may succeed."""

    def __init__(self, step: str, answer: line_api.Answer | None = None, reason: str | None = None):
        self.step, self.answer = step, answer
        detail = reason or (f"LINE answered {answer.http_status}: {answer.error}" if answer else "")
        super().__init__(f"rich menu {step}: {detail}")

    @property
    def retryable(self) -> bool:
        return self.answer is not None and self.answer.outcome == "retryable"


@dataclass(frozen=True)
class Outcome:
    status: str                   # "published" | "unchanged" | "removed"
    rich_menu_id: str | None
    entries: tuple[str, ...]
    deleted: tuple[str, ...]      # menus of ours deleted on the way (replaced or stray)


@dataclass(frozen=True)
class Drawn:
    """Everything LINE is sent for one menu: the object (named with its fingerprint) and its image."""
    entries: list[menu.Entry]
    request: dict
    image: bytes
    content_type: str
    fingerprint: str

    @property
    def size(self) -> tuple[int, int]:
        return self.request["size"]["width"], self.request["size"]["height"]


def entries_for(agency_id: str) -> list[menu.Entry]:
    configured = rich_menus.config(agency_id)
    if configured is None:
        return menu.resolve()
    return menu.resolve(configured.order, configured.hidden)


def drawn(agency_id: str, entries: list[menu.Entry]) -> Drawn:
    request = menu.request(entries)
    size, bounds = menu.grid(len(entries))
    image, content_type = drawing.encode(drawing.draw(entries, size, bounds))
    print_ = menu.fingerprint(request, image)
    return Drawn(entries, menu.named(request, agency_id, print_), image, content_type, print_)


def _ok(step: str, answer: line_api.Answer) -> line_api.Answer:
    if answer.outcome != "delivered":
        raise PublishError(step, answer)
    return answer


def _ours(agency_id: str) -> tuple[list[str], int]:
    """(ids of our menus for this agency, how many menus the channel has in all)."""
    listed = _ok("list", line_api.rich_menus()).body.get("richmenus", [])
    prefix = menu.name_prefix(agency_id)
    return [m["richMenuId"] for m in listed if str(m.get("name", "")).startswith(prefix)], len(listed)


def _default() -> str | None:
    answer = line_api.default_rich_menu()
    if answer.outcome == "rejected" and answer.http_status == 404:
        return None
    return _ok("read the default", answer).body.get("richMenuId")


def _delete(ids: list[str]) -> tuple[str, ...]:
    deleted = []
    for rich_menu_id in ids:
        answer = line_api.delete_rich_menu(rich_menu_id)
        if answer.outcome == "delivered" or answer.http_status == 404:  # 404: already gone, as wanted
            deleted.append(rich_menu_id)
        else:
            logger.warning("a replaced rich menu could not be deleted; the next publish retries",
                           extra={"rich_menu_id": rich_menu_id, "status": answer.http_status})
    return tuple(deleted)


def _this_channel(agency_id: str | None) -> str:
    agency = agency_id or settings().agency_id
    if agency != settings().agency_id:
        # The channel is the deployment's agency's; another agency's menu has no channel here to go to.
        raise PublishError("choose the agency", reason=f"this deployment's LINE channel is {settings().agency_id}'s")
    return agency


def publish(agency_id: str | None = None, *, force: bool = False, now: float | None = None,
            by: str = "deploy") -> Outcome:
    """`by`: who asked (a staff member's subject, or "deploy" for the custom resource and the local start-up)."""
    agency = _this_channel(agency_id)
    at = time.time() if now is None else now
    entries = entries_for(agency)
    ours, count = _ours(agency)
    default = _default()
    if not entries:
        return _take_down(agency, ours, default)

    menu_now = drawn(agency, entries)
    ids = tuple(e.id for e in entries)
    record = rich_menus.published(agency)
    if (not force and record is not None and record.fingerprint == menu_now.fingerprint
            and default == record.rich_menu_id and default in ours):
        return Outcome("unchanged", default, ids, _delete([m for m in ours if m != default]))

    stray = _delete([m for m in ours if m != default])
    if count - len(stray) >= menu.MAX_MENUS:
        raise PublishError("make room", reason=f"the channel already has {menu.MAX_MENUS} rich menus, LINE's limit; "
                                               "delete some in the LINE Official Account Manager")
    _ok("validate", line_api.validate_rich_menu(menu_now.request))
    new_id = _ok("create", line_api.create_rich_menu(menu_now.request)).body.get("richMenuId")
    if not new_id:
        raise PublishError("create", reason="LINE answered without a richMenuId")
    try:
        _ok("upload the image", line_api.upload_rich_menu_image(new_id, menu_now.image, menu_now.content_type))
        _ok("set as default", line_api.set_default_rich_menu(new_id))
    except PublishError:
        _delete([new_id])  # no orphan: the menu never became the default
        raise
    rich_menus.record_published(agency, new_id, menu_now.fingerprint, list(ids), menu_now.size, at, by)
    replaced = _delete([m for m in ours if m == default and m != new_id])
    logger.info("rich menu published", extra={"rich_menu_id": new_id, "entries": ids, "deleted": stray + replaced})
    return Outcome("published", new_id, ids, stray + replaced)


def _take_down(agency: str, ours: list[str], default: str | None) -> Outcome:
    if default in ours:
        _ok("cancel the default", line_api.cancel_default_rich_menu())
    rich_menus.forget_published(agency)
    return Outcome("removed", None, (), _delete(ours))


def remove(agency_id: str | None = None) -> Outcome:
    """Take the agency's menu off the channel (the stack is deleted, or nothing is left to show)."""
    agency = _this_channel(agency_id)
    return _take_down(agency, _ours(agency)[0], _default())
