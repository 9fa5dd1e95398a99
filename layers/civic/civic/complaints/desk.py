"""The complaint desk in the chat: one webhook event in, its effects (drafts, cases, photos, outbox) out.

A report is a draft (civic.tables.complaint_drafts) while the citizen writes it: the category they tapped,
their words, up to three photos (fetched from LINE at once, re-encoded), the place. Tapping a category
hands the chat's focus to this domain (the intake does it, civic.domains' `focus_actions`), so the text,
photos and place that follow come here, in order; the focus is released when the draft is sent,
cancelled or expires. "Add a note", "not fixed" and a rating take the next message as a note or comment.

Every button is validated again: a case must be one the signed event's user follows, a draft button must
name their current draft. Answers go back on the event's reply token; pushes are civic.complaints.notices'.
"""

import time
from dataclasses import dataclass, field
from datetime import datetime

from aws_lambda_powertools import Logger

from civic import domains, line_api, outbox, postback, thai, webhook
from civic.citizen import chat as citizen_chat
from civic.complaints import cards, cases, media, notices, photos, routing, rules
from civic.complaints.cases import Actor, Change, NewCase
from civic.postback import PostbackError
from civic.settings import settings
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_drafts as drafts
from civic.tables import complaint_setup as setup
from civic.tables import conversations
from civic.tables.complaint_cases import Case, Entry
from civic.tables.transactions import Step

logger = Logger(child=True)
DOMAIN = "complaint"
CONTENT_ATTEMPTS = 3          # LINE's content endpoint failing: tried this often, then "photo unavailable"
CONTENT_BACKOFF_S = (0.5, 1.0)
STEP_ATTEMPTS = 3             # a citizen's step racing a staff step on the same case: read again and retry


@dataclass
class Ask:
    user: str
    lang: str
    now: datetime
    event: dict
    data: postback.Postback
    _choice: rules.Choice | None = None

    @property
    def choice(self) -> rules.Choice:
        if self._choice is None:
            self._choice = rules.choice(self.data, _agency())
        return self._choice

    @property
    def message(self) -> dict:
        return webhook.message_of(self.event)


@dataclass
class Answer:
    purpose: str
    messages: list[dict]
    pushes: list = field(default_factory=list)  # callables run after the reply is queued (alerts)


class Refused(Exception):
    """The postback names a case or draft that is not this citizen's: answered as invalid."""


def _agency() -> str:
    """Citizens report to the agency whose LINE Official Account they talk to; never one a postback names."""
    return settings().agency_id


def handle(envelope: dict, now: datetime | None = None) -> list[str]:
    event = envelope["event"]
    user = webhook.user_id(event)
    if user is None or webhook.is_standby(event) or (event.get("source") or {}).get("type") != "user":
        return []
    now = now or thai.now()
    if event.get("type") == "unsend":
        hidden = withdraw(user, str((event.get("unsend") or {}).get("messageId", "")), now)
        return ["complaint-withdrawn"] * hidden
    ask = Ask(user, notices.language(user), now, event, _postback_of(event))
    try:
        answer = (on_message(ask) if ask.data.action == "message" else STEPS.get(ask.data.action, refuse)(ask))
    except (PostbackError, Refused) as exc:
        logger.info("complaint postback refused", extra={"action": ask.data.action, "reason": str(exc)})
        answer = Answer("complaint-invalid", cards.invalid(ask.lang))
    except rules.NotAllowed as exc:
        logger.info("complaint step not allowed", extra={"action": exc.action, "status": exc.status})
        answer = Answer("complaint-not-now", cards.step_not_possible(ask.lang))
    sent = outbox.replies(event, answer.messages, answer.purpose)
    outbox.send(sent)
    for push in answer.pushes:
        push()
    return [o.purpose for o in sent]


def _postback_of(event: dict) -> postback.Postback:
    if event.get("type") == "postback":
        try:
            data = postback.decode((event.get("postback") or {}).get("data", ""))
        except PostbackError:
            return postback.Postback(DOMAIN, "invalid")
        return data if data.domain == DOMAIN else postback.Postback(DOMAIN, "invalid")
    said = webhook.typed_text(event)
    found = domains.keyword(said) if said is not None else None
    if found and found[0] == DOMAIN:
        return postback.Postback(DOMAIN, found[1])
    return postback.Postback(DOMAIN, "message")


# ---------------------------------------------------------------- the draft

def _draft(ask: Ask) -> tuple[drafts.Draft, dict] | None:
    item = drafts.load(ask.user, drafts.DRAFT, ask.now.timestamp())
    if item is None or item.state.get("submitted"):
        return None
    return item, item.state


def _save(ask: Ask, state: dict) -> None:
    drafts.save(ask.user, drafts.DRAFT, _agency(), state, ask.now.timestamp())
    conversations.hold(ask.user, DOMAIN, ask.now.timestamp())  # the focus lasts as long as the draft


def _own_draft(ask: Ask) -> dict:
    found = _draft(ask)
    wanted = rules.require(ask.choice, "draft").draft
    if found is None or found[1]["id"] != wanted:
        raise Refused("not the citizen's current draft")
    return found[1]


def _drop(ask: Ask, state: dict | None) -> None:
    """End the draft: its photos deleted, its item gone, the chat's focus released (unless a note waits)."""
    if state:
        media.delete([p["key"] for p in state.get("photos", [])])
    drafts.clear(ask.user, drafts.DRAFT)
    _release_if_idle(ask)


def _release_if_idle(ask: Ask) -> None:
    if _draft(ask) is None and drafts.load(ask.user, drafts.NOTE, ask.now.timestamp()) is None:
        conversations.release(ask.user, DOMAIN)


def _category(code: str | None):
    found = setup.category(_agency(), code) if code else None
    return found if found is not None and found.active else None


def _routing(state: dict) -> routing.Routing:
    point = (state["lat"], state["lng"]) if state["lat"] is not None else None
    return routing.route(_category(state["category"]), point, setup.areas(_agency()),
                         setup.settings_of(_agency()).triage_department)


def _prompt(ask: Ask, state: dict, cut_words: bool = False) -> Answer:
    """Ask for what the draft still needs, or show the review (with open look-alikes nearby)."""
    step = rules.next_step(state)
    if step != state["step"] and state["step"] != "landmark":
        state["step"] = step
    if step == "describe":
        _save(ask, state)
        return Answer("complaint-describe", cards.ask_description(ask.lang, _category(state["category"]), state["id"],
                                                                 settings().focus_hours))
    if step == "photos":
        _save(ask, state)
        if state["photos"]:
            return Answer("complaint-photos", cards.photo_received(ask.lang, state))
        return Answer("complaint-photos", cards.ask_photos(ask.lang, state, cut_words))
    if step == "place":
        _save(ask, state)
        return Answer("complaint-place", cards.ask_place(ask.lang, state))
    state["step"] = "review"
    _save(ask, state)
    routed = _routing(state)
    names = notices.names(_agency(), ask.lang)
    reply = cards.review(ask.lang, state, _category(state["category"]), names.get(routed.department, routed.department),
                         routed.triage_reason)
    found = _look_alikes(state)
    if found:
        named = [(d, c, notices.category_name(c, ask.lang)) for d, c in found]
        reply = cards.duplicates(ask.lang, state["id"], named, _agency()) + reply
    return Answer("complaint-review", reply[:outbox.MAX_MESSAGES_PER_SEND])


def _look_alikes(state: dict) -> list[tuple[float, Case]]:
    """Open cases of the same category within about 50 m: seven index queries (the cell and its ring)."""
    if state["lat"] is None or not _category(state["category"]):
        return []
    import h3

    ring = h3.grid_disk(cases.cell(state["lat"], state["lng"]), 1)
    keys = case_table.near_cells(_agency(), state["category"], sorted(ring))
    found = case_table.find_many([(_agency(), pk.rsplit("#", 1)[1]) for pk, _ in keys])
    return rules.nearby(found, state["lat"], state["lng"])


def start(ask: Ask) -> Answer:
    offered = [c for c in setup.categories(_agency()) if c.active]
    return Answer("complaint-categories", cards.categories(ask.lang, offered, _draft(ask) is not None))


def resume(ask: Ask) -> Answer:
    found = _draft(ask)
    if found is None:
        return Answer("complaint-nothing-open", cards.nothing_open(ask.lang, citizen_chat.menu(ask.lang)))
    return _prompt(ask, found[1])


def pick_category(ask: Ask) -> Answer:
    code = rules.require(ask.choice, "category").category
    category = _category(code)
    old = _draft(ask)
    if old:
        media.delete([p["key"] for p in old[1]["photos"]])
    state = rules.new_draft(category.code if category else None, ask.now.timestamp())
    _save(ask, state)
    return Answer("complaint-describe", cards.ask_description(ask.lang, category, state["id"], settings().focus_hours))


def no_photo(ask: Ask) -> Answer:
    state = _own_draft(ask)
    state["step"] = "place"
    return _prompt(ask, state)


def type_place(ask: Ask) -> Answer:
    state = _own_draft(ask)
    state["step"] = "landmark"
    _save(ask, state)
    return Answer("complaint-landmark", cards.ask_landmark(ask.lang, state))


def send(ask: Ask) -> Answer:
    wanted = rules.require(ask.choice, "draft").draft
    item = drafts.load(ask.user, drafts.DRAFT, ask.now.timestamp())
    if item and item.state.get("submitted") and item.state.get("id") == wanted:
        # A second tap, or this event retried after the case was made: the same receipt again.
        case = case_table.find(_agency(), item.state["submitted"])
        return _receipt(ask, case) if case else Answer("complaint-already-sent",
                                                       cards.already_sent(ask.lang, item.state["submitted"]))
    state = _own_draft(ask)
    if rules.next_step(state) != "review" and not (rules.description(state) and rules.has_place(state)):
        return _prompt(ask, state)
    if not state.get("ref"):
        # Numbered before it is made, and the number kept in the draft: a retried submit makes no second case.
        state["ref"] = cases.allocate(_agency(), ask.now)
        _save(ask, state)
    case, created = cases.create(NewCase(
        agency_id=_agency(), category=state["category"], parts=state["parts"], photos=state["photos"],
        lat=state["lat"], lng=state["lng"], address=state["address"], landmark=state["landmark"],
        reporter=ask.user), ask.now, ref=state["ref"])
    media.delete([p["key"] for p in state["photos"]])
    drafts.save(ask.user, drafts.DRAFT, _agency(), {"id": state["id"], "submitted": case.ref}, ask.now.timestamp())
    _release_if_idle(ask)
    logger.info("complaint filed", extra={"ref": case.ref, "department": case.department, "new_case": created,
                                          "triage": case.triage_reason})
    return _receipt(ask, case)


def _receipt(ask: Ask, case: Case) -> Answer:
    """The receipt, and the duty officers alerted of an urgent case (the same ids on a replay: sent once)."""
    category = _category(case.category)
    names = notices.names(_agency(), ask.lang)
    area = setup.area(_agency(), case.area_id) if case.area_id else None
    reply = cards.receipt(ask.lang, case, notices.category_name(case, ask.lang), names.get(case.department, case.department),
                          area.name(ask.lang) if area else None,
                          list(category.emergency) if category and category.urgent else None, _agency())
    return Answer("complaint-receipt", reply, [lambda: notices.duty_alert(case)])


def follow_instead(ask: Ask) -> Answer:
    state = _own_draft(ask)
    found = rules.require(ask.choice, "ref")
    case = case_table.find(found.agency_id, found.ref)
    if case is None or found.agency_id != _agency() or not rules.is_open(case.status):
        raise Refused("no such open case to follow")
    cases.follow(case, ask.user, ask.now)
    _drop(ask, state)
    return Answer("complaint-joined", cards.joined(ask.lang, case))


def cancel_draft(ask: Ask) -> Answer:
    found = _draft(ask)
    if found is None:
        return Answer("complaint-nothing-open", cards.nothing_open(ask.lang, citizen_chat.menu(ask.lang)))
    _own_draft(ask)
    _drop(ask, found[1])
    return Answer("complaint-draft-cancelled", cards.draft_cancelled(ask.lang))


# ---------------------------------------------------------------- messages while the desk holds the focus

def on_message(ask: Ask) -> Answer:
    kind = ask.message.get("type")
    note = drafts.load(ask.user, drafts.NOTE, ask.now.timestamp())
    if note is not None and kind in ("text", "image"):
        return _add_to_case(ask, note)
    found = _draft(ask)
    if found is None:
        _release_if_idle(ask)
        return Answer("complaint-nothing-open", cards.nothing_open(ask.lang, citizen_chat.menu(ask.lang)))
    state = found[1]
    message_id = ask.message.get("id")
    state.setdefault("messages", []).append(message_id)
    if kind == "text":
        words = ask.message.get("text", "")
        if state["step"] in ("landmark", "place") and rules.description(state):
            state["landmark"] = words[:300]
            state["step"] = "review"
            return _prompt(ask, state)
        cut_words = not rules.add_words(state, words, message_id)
        if state["step"] in ("describe",):
            return _prompt(ask, state, cut_words)
        if state["step"] == "review":
            return _prompt(ask, state)
        _save(ask, state)
        return Answer("complaint-words", cards.words_added(ask.lang, state, cut_words))
    if kind == "image":
        if len(state["photos"]) >= rules.MAX_PHOTOS:
            return Answer("complaint-photo-refused", cards.photo_refused(ask.lang, "full", state))
        stored = _photo(ask)
        if isinstance(stored, str) and stored in (photos.TOO_LARGE, photos.NOT_IMAGE, "unavailable"):
            state["unavailable"] += stored == "unavailable"
            _save(ask, state)
            return Answer("complaint-photo-refused", cards.photo_refused(ask.lang, stored, state))
        state["photos"].append({"key": stored[0], "m": message_id})
        if state["step"] == "describe":
            state["step"] = "describe"
        elif state["step"] not in ("review",):
            state["step"] = "photos"
        return _prompt(ask, state)
    if kind == "location":
        state["lat"], state["lng"] = float(ask.message["latitude"]), float(ask.message["longitude"])
        place = " ".join(p for p in (ask.message.get("title"), ask.message.get("address")) if p)
        state["address"] = place[:300] or None
        if state["step"] != "describe":
            state["step"] = "review"
        return _prompt(ask, state)
    return _prompt(ask, state)


def _photo(ask: Ask) -> tuple[str] | str:
    """The photo of an image message, fetched from LINE at once (it keeps content only a while),
    re-encoded and stored: (key,) — or why not: too_large | not_image | unavailable."""
    message = ask.message
    if (message.get("contentProvider") or {}).get("type", "line") != "line":
        return "unavailable"  # an external URL: never fetched from here
    data = None
    for attempt in range(CONTENT_ATTEMPTS):
        try:
            data = line_api.content(str(message.get("id", "")), max_bytes=photos.MAX_BYTES)
            break
        except line_api.ContentTooLarge:
            return photos.TOO_LARGE
        except line_api.TRANSIENT as exc:  # LINE 5xx, 429 or a time-out: a few tries, then "unavailable"
            logger.warning("LINE content not fetched", extra={"attempt": attempt + 1, "error": type(exc).__name__})
            if attempt < CONTENT_ATTEMPTS - 1:
                time.sleep(CONTENT_BACKOFF_S[attempt])
    if data is None:
        return "unavailable"
    try:
        clean = photos.reencode(data[0])
    except photos.PhotoRefused as refused:
        return refused.reason
    return (media.put_draft(clean),)


# ---------------------------------------------------------------- my complaints

def _own_case(ask: Ask, reporter: bool = False) -> tuple[Case, str]:
    found = rules.require(ask.choice, "ref")
    follower = case_table.follower(found.agency_id, found.ref, ask.user)
    case = case_table.find(found.agency_id, found.ref) if follower else None
    if case is None or not case.alive() or (reporter and follower.role != "reporter"):
        raise Refused("case is not the citizen's")
    return case, follower.role


def _citizen(ask: Ask, **extra) -> Actor:
    return Actor("citizen", user_id=ask.user, **extra)


def _retrying(ask: Ask, case: Case, apply) -> Case:
    """Apply a citizen's step; if a staff step changed the case meanwhile, read it again and retry."""
    for attempt in range(STEP_ATTEMPTS):
        try:
            return apply(case)
        except cases.Conflict:
            if attempt == STEP_ATTEMPTS - 1:
                raise
            case = case_table.find(case.agency_id, case.ref)
    return case


def mine(ask: Ask) -> Answer:
    followed = case_table.followed_by(ask.user)
    roles = {(f.agency_id, f.ref): f.role for f in followed}
    found = [c for c in case_table.find_many(list(roles)) if c.alive()]
    found.sort(key=lambda c: -c.created_at)
    held = [(c, roles[(c.agency_id, c.ref)], notices.category_name(c, ask.lang)) for c in found]
    return Answer("complaint-mine", cards.mine(ask.lang, held, _agency(), ask.now.timestamp()))


def view(ask: Ask) -> Answer:
    case, role = _own_case(ask)
    entries = case_table.timeline(case.agency_id, case.ref)
    return Answer("complaint-timeline", cards.timeline(ask.lang, case, entries, notices.names(case.agency_id, ask.lang, entries),
                                                       role, _agency()))


def _note_slot(ask: Ask, case: Case, kind: str) -> None:
    drafts.save(ask.user, drafts.NOTE, _agency(), {"agency": case.agency_id, "ref": case.ref, "kind": kind},
                ask.now.timestamp())
    conversations.hold(ask.user, DOMAIN, ask.now.timestamp())


def ask_note(ask: Ask) -> Answer:
    case, _ = _own_case(ask)
    if not (rules.is_open(case.status) or case.status in rules.WAITING):
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    _note_slot(ask, case, "note")
    return Answer("complaint-ask-note", cards.ask_note(ask.lang, case))


def _add_to_case(ask: Ask, note: drafts.Draft) -> Answer:
    drafts.clear(ask.user, drafts.NOTE)
    _release_if_idle(ask)
    case = case_table.find(note.state["agency"], note.state["ref"])
    follower = case_table.follower(note.state["agency"], note.state["ref"], ask.user) if case else None
    if case is None or follower is None:
        return Answer("complaint-nothing-open", cards.nothing_open(ask.lang, citizen_chat.menu(ask.lang)))
    message_id = ask.message.get("id")
    if ask.message.get("type") == "text" and note.state["kind"] == "comment":
        words = ask.message.get("text", "")[:1000]
        case.update(actions=[Case.rating_comment.set(words), Case.rating_comment_m.set(message_id)])
        return Answer("complaint-comment", cards.comment_saved(ask.lang))
    if ask.message.get("type") == "text":
        words = ask.message.get("text", "")[:rules.DESCRIPTION_MAX_UTF16 // 2]
        _retrying(ask, case, lambda c: cases.step(c, _citizen(ask), "note", ask.now, note=words,
                                                    message_id=message_id,
                                                    change=Change(message_ids=[message_id])))
        return Answer("complaint-note", cards.note_added(ask.lang, case, photo=False))
    stored = _photo(ask)
    if isinstance(stored, str):
        return Answer("complaint-photo-refused", cards.photo_refused(ask.lang, stored, None))
    key = media.copy(stored[0], case.agency_id, case.ref)
    media.delete([stored[0]])

    def add(c: Case) -> Case:
        photo = {"id": key.rsplit("/", 1)[1][:12], "key": key, "kind": "note", "by": "citizen",
                 "at": cases.now_s(ask.now), "m": message_id, "state": "ok"}
        return cases.step(c, _citizen(ask), "photo", ask.now, message_id=message_id,
                          change=Change(updates=[Case.photos.set([*c.photos, photo])], message_ids=[message_id]))
    _retrying(ask, case, add)
    return Answer("complaint-photo-added", cards.note_added(ask.lang, case, photo=True))


def ask_cancel(ask: Ask) -> Answer:
    case, _ = _own_case(ask, reporter=True)
    if not rules.is_open(case.status):
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    return Answer("complaint-cancel-ask", cards.cancel_ask(ask.lang, case, _agency()))


def cancel_case(ask: Ask) -> Answer:
    case, _ = _own_case(ask, reporter=True)
    if not rules.is_open(case.status):
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    done = _retrying(ask, case, lambda c: cases.step(c, _citizen(ask), "cancel", ask.now))
    return Answer("complaint-cancelled", cards.case_cancelled(ask.lang, done),
                  [lambda: notices.send_step(done, int(done.version))])


def confirm(ask: Ask) -> Answer:
    case, _ = _own_case(ask)
    if case.status not in rules.WAITING:
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    done = _retrying(ask, case, lambda c: cases.step(c, _citizen(ask), "confirm", ask.now,
                                                     change=Change(cleared=["W#confirm"])))
    return Answer("complaint-confirmed", cards.confirmed(ask.lang, done, _agency()),
                  [lambda: notices.send_step(done, int(done.version))])


def reopen(ask: Ask) -> Answer:
    case, _ = _own_case(ask)
    if case.status not in rules.WAITING or (case.confirm_by and ask.now.timestamp() > case.confirm_by):
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    done = _retrying(ask, case, lambda c: reopened(c, _citizen(ask), ask.now))
    _note_slot(ask, done, "note")
    return Answer("complaint-reopened", cards.reopened(ask.lang, done),
                  [lambda: notices.send_step(done, int(done.version))])


def reopened(case: Case, actor: Actor, at: datetime) -> Case:
    """Back to work: a new expected date from the service level, the escalation timer set again."""
    from civic.complaints import sla

    due = int(sla.due(at, int(case.sla_days)).timestamp())
    return cases.step(case, actor, "reopen", at, change=Change(
        updates=[Case.due_at.set(due), Case.overdue.set(False), Case.reopen_count.add(1), Case.confirm_by.remove()],
        timers=[cases.timer(case, "escalate", due)], cleared=["W#confirm"], counters={"reopen#count": 1}))


def rate(ask: Ask) -> Answer:
    case, _ = _own_case(ask)
    stars = rules.require(ask.choice, "stars").stars
    if case.rating is not None:
        return Answer("complaint-already-rated", cards.already_rated(ask.lang, case))
    if case.status != "closed":
        return Answer("complaint-not-now", cards.not_now(ask.lang, case))
    done = _retrying(ask, case, lambda c: cases.step(
        c, _citizen(ask), "rate", ask.now, detail={"stars": stars},
        change=Change(updates=[Case.rating.set(stars)], counters=cases.rating_counters(stars))))
    _note_slot(ask, done, "comment")
    return Answer("complaint-rated", cards.rated(ask.lang, done, stars, _agency()))


def no_comment(ask: Ask) -> Answer:
    _own_case(ask)
    drafts.clear(ask.user, drafts.NOTE)
    _release_if_idle(ask)
    return Answer("complaint-thanks", cards.no_comment(ask.lang))


def refuse(ask: Ask) -> Answer:
    raise Refused(f"unknown action {ask.data.action!r}")


STEPS = {
    "start": start, "resume": resume, "cat": pick_category, "nophoto": no_photo, "where": type_place,
    "send": send, "dup": follow_instead, "cancel": cancel_draft, "mine": mine, "view": view, "note": ask_note,
    "cxl": ask_cancel, "cxlok": cancel_case, "ok": confirm, "reopen": reopen, "rate": rate,
    "nocomment": no_comment,
}


# ---------------------------------------------------------------- unsend

def withdraw(user: str, message_id: str, now: datetime) -> int:
    """The citizen unsent a message: its content is hidden wherever it went (draft or case); the case keeps
    its metadata (a timeline entry says a message was withdrawn). Returns how many places were hidden."""
    if not message_id:
        return 0
    hidden = 0
    item = drafts.load(user, drafts.DRAFT, now.timestamp())
    if item is not None and not item.state.get("submitted"):
        state = item.state
        before = (len(state["parts"]), len(state["photos"]))
        state["parts"] = [p for p in state["parts"] if p.get("m") != message_id]
        gone = [p for p in state["photos"] if p.get("m") == message_id]
        state["photos"] = [p for p in state["photos"] if p.get("m") != message_id]
        media.delete([p["key"] for p in gone])
        if (len(state["parts"]), len(state["photos"])) != before:
            drafts.save(user, drafts.DRAFT, item.agency_id, state, now.timestamp())
            hidden += 1
    found = case_table.message_ref(_agency(), message_id)
    seen = set()
    case = case_table.find(found.agency_id, found.ref) if found else None
    while case is not None and case.pk not in seen and len(seen) < 4:
        seen.add(case.pk)
        hidden += _withdraw_from_case(case, user, message_id, now)
        onward = case.forwarded_to or {}
        case = case_table.find(onward["agency"], onward["ref"]) if onward else None
    return hidden


def _withdraw_from_case(case: Case, user: str, message_id: str, now: datetime) -> int:
    for attempt in range(STEP_ATTEMPTS):
        parts = [dict(p, t="", hidden=True) if p.get("m") == message_id else p for p in case.parts]
        gone = [p for p in case.photos if p.get("m") == message_id and p.get("state") == "ok"]
        photos_now = [dict(p, state="withdrawn") if p in gone else p for p in case.photos]
        notes = [e for e in case_table.timeline(case.agency_id, case.ref)
                 if e.message_id == message_id and e.note and not e.note_hidden]
        updates = []
        if parts != case.parts:
            updates.append(Case.parts.set(parts))
        if gone:
            updates.append(Case.photos.set(photos_now))
        if case.rating_comment_m == message_id and case.rating_comment:
            updates.append(Case.rating_comment.remove())
        if not updates and not notes:
            return 0
        items = [Step(f"note:{e.sk}", "update", e, actions=(Entry.note.remove(), Entry.note_hidden.set(True)))
                 for e in notes]
        try:
            cases.step(case, Actor("citizen", user_id=user), "withdraw", now, detail={"message": "withdrawn"},
                       change=Change(updates=updates, items=items))
        except cases.Conflict:
            case = case_table.find(case.agency_id, case.ref)
            continue
        media.delete([p["key"] for p in gone])
        return 1
    return 0
