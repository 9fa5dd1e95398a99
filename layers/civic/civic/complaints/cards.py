"""What the complaint desk says: LINE message dicts for each step, in the citizen's language.

Pure: plain values (and table items read by attribute) in, messages out; text from the catalogues; dates
in Thai with the Buddhist year. Buttons carry compact postback data (`1/cp/<action>?…`) that the desk
validates again when it comes back. Quick replies offer LINE's own camera, photo roll and location
pickers, so a citizen reports without typing more than what is wrong.
"""

from civic import messages, thai
from civic.complaints import rules
from civic.i18n import t
from civic.postback import Postback
from civic.text import cut

CAROUSEL_MAX = 12
PREVIEW = 300          # characters of a description shown on a card
TIMELINE_SHOWN = 10
EMERGENCY = ("191", "199", "1669")


def action(name: str, **params) -> Postback:
    return Postback("complaint", name, {k: str(v) for k, v in params.items() if v is not None})


def _button(lang: str, key: str, data: Postback, **values) -> dict:
    label = t(lang, key, **values)
    return messages.postback_action(label, data, label)


def _camera(lang: str) -> dict:
    return {"type": "camera", "label": t(lang, "cp_qr_camera")}


def _roll(lang: str) -> dict:
    return {"type": "cameraRoll", "label": t(lang, "cp_qr_roll")}


def _location(lang: str) -> dict:
    return {"type": "location", "label": t(lang, "cp_qr_location")}


def _case_params(case, deployment_agency: str) -> dict:
    """A case's reference in a button, and its agency when it is not the deployment's (a forwarded case)."""
    return {"r": case.ref, "a": None if case.agency_id == deployment_agency else case.agency_id}


def _when(epoch: float, lang: str) -> str:
    return thai.moment(thai.from_epoch(epoch), lang)


def _day(epoch: float, lang: str) -> str:
    return thai.day(thai.from_epoch(epoch).date(), lang)


def status_label(lang: str, status: str) -> str:
    return t(lang, f"cp_status_{status}")


def emergency_line(lang: str, numbers: list[str]) -> str:
    known = [n for n in numbers if n in EMERGENCY] or ["191"]
    return t(lang, "cp_emergency", numbers=", ".join(t(lang, f"cp_emergency_{n}") for n in known))


def menu(lang: str) -> list[dict]:
    return [_button(lang, "cp_new", action("start")), _button(lang, "cp_mine", action("mine"))]


def _carousels(alt: str, bubbles: list[dict], quick: list[dict] | None = None) -> list[dict]:
    """Bubbles in carousels of at most 12 (a reply carries five messages: 60 bubbles at most)."""
    chunks = [bubbles[i:i + CAROUSEL_MAX] for i in range(0, len(bubbles), CAROUSEL_MAX)][:5]
    out = []
    for n, chunk in enumerate(chunks):
        contents = chunk[0] if len(chunk) == 1 else {"type": "carousel", "contents": chunk}
        out.append(messages.flex(alt, contents, quick if n == len(chunks) - 1 else None))
    return out


# ---------------------------------------------------------------- starting a report

def categories(lang: str, offered: list, draft_open: bool) -> list[dict]:
    if not offered:
        return [messages.text(t(lang, "cp_no_categories"))]
    bubbles = []
    for category in offered:
        lines = [category.hint(lang)]
        if category.urgent:
            lines.append(t(lang, "cp_urgent_mark"))
        bubbles.append(messages.buttons_bubble(category.name(lang), lines, [
            _button(lang, "cp_pick", action("cat", c=category.code))]))
    quick = [_button(lang, "cp_continue_draft", action("resume"))] if draft_open else []
    quick.append(_button(lang, "cp_mine", action("mine")))
    return [messages.text(t(lang, "cp_choose_category"))] + _carousels(t(lang, "cp_choose_category"), bubbles, quick)


def ask_description(lang: str, category, draft_id: str, hours: int) -> list[dict]:
    name = category.name(lang) if category else t(lang, "cp_unknown_category")
    lines = [t(lang, "cp_ask_description", category=name, hours=hours)]
    if category is None:
        lines.append(t(lang, "cp_unknown_category_note"))
    elif category.urgent:
        lines.insert(0, emergency_line(lang, list(category.emergency)))
    return [messages.text("\n\n".join(lines), [_button(lang, "cp_cancel_draft", action("cancel", d=draft_id))])]


def _draft_quick(lang: str, draft: dict, photos: bool = True) -> list[dict]:
    quick = [_camera(lang), _roll(lang)] if photos and len(draft["photos"]) < rules.MAX_PHOTOS else []
    quick += [_location(lang), _button(lang, "cp_type_place", action("where", d=draft["id"]))]
    quick.append(_button(lang, "cp_cancel_draft", action("cancel", d=draft["id"])))
    return quick


def ask_photos(lang: str, draft: dict, cut_words: bool) -> list[dict]:
    text = t(lang, "cp_ask_photos", most=rules.MAX_PHOTOS)
    if cut_words:
        text = t(lang, "cp_words_cut") + "\n" + text
    quick = [_camera(lang), _roll(lang), _location(lang),
             _button(lang, "cp_no_photo", action("nophoto", d=draft["id"])),
             _button(lang, "cp_cancel_draft", action("cancel", d=draft["id"]))]
    return [messages.text(text, quick)]


def photo_received(lang: str, draft: dict) -> list[dict]:
    count = len(draft["photos"])
    key = "cp_photo_last" if count >= rules.MAX_PHOTOS else "cp_photo_received"
    return [messages.text(t(lang, key, n=count, most=rules.MAX_PHOTOS), _draft_quick(lang, draft))]


def photo_refused(lang: str, reason: str, draft: dict | None) -> list[dict]:
    """too_large | not_image | unavailable | full: what happened and what to do now."""
    text = t(lang, f"cp_photo_{reason}", most=rules.MAX_PHOTOS)
    return [messages.text(text, _draft_quick(lang, draft) if draft else menu(lang))]


def words_added(lang: str, draft: dict, cut_words: bool) -> list[dict]:
    text = t(lang, "cp_words_added") if not cut_words else t(lang, "cp_words_cut")
    return [messages.text(text, _draft_quick(lang, draft))]


def ask_place(lang: str, draft: dict) -> list[dict]:
    return [messages.text(t(lang, "cp_ask_place"), _draft_quick(lang, draft, photos=False))]


def ask_landmark(lang: str, draft: dict) -> list[dict]:
    return [messages.text(t(lang, "cp_ask_landmark"), [_location(lang),
                                                       _button(lang, "cp_cancel_draft", action("cancel", d=draft["id"]))])]


def _place(lang: str, address: str | None, landmark: str | None, lat: float | None, lng: float | None) -> str:
    if address:
        return address
    if landmark:
        return landmark
    if lat is not None and lng is not None:
        return f"{lat:.5f}, {lng:.5f}"
    return t(lang, "cp_no_place")


def review(lang: str, draft: dict, category, department: str, triage_reason: str | None) -> list[dict]:
    name = category.name(lang) if category else t(lang, "cp_unknown_category")
    lines = [t(lang, "cp_line_category", category=name),
             t(lang, "cp_line_description", description=cut(rules.description(draft), PREVIEW, measure=len)),
             t(lang, "cp_line_photos", n=len(draft["photos"])),
             t(lang, "cp_line_place", place=_place(lang, draft["address"], draft["landmark"], draft["lat"], draft["lng"])),
             t(lang, "cp_line_goes_to", department=department)]
    if triage_reason:
        lines.append(t(lang, f"cp_triage_{triage_reason}"))
    title = t(lang, "cp_review_title")
    buttons = [_button(lang, "cp_send", action("send", d=draft["id"])),
               _button(lang, "cp_cancel_draft", action("cancel", d=draft["id"]))]
    quick = ([_camera(lang), _roll(lang)] if len(draft["photos"]) < rules.MAX_PHOTOS else []) + [_location(lang)]
    return [messages.flex(title, messages.buttons_bubble(title, lines, buttons), quick)]


def duplicates(lang: str, draft_id: str, found: list[tuple[float, object, str]], deployment_agency: str) -> list[dict]:
    """found: (metres away, case, category name) of open cases like this one, nearest first."""
    bubbles = [messages.buttons_bubble(t(lang, "cp_dup_case", ref=case.ref), [
        t(lang, "cp_line_category", category=name),
        t(lang, "cp_dup_distance", metres=round(distance)),
        t(lang, "cp_line_status", status=status_label(lang, case.status)),
        t(lang, "cp_dup_since", day=_day(case.created_at, lang)),
        cut(case.description, 120, measure=len)],
        [_button(lang, "cp_dup_follow", action("dup", d=draft_id, **_case_params(case, deployment_agency)))])
        for distance, case, name in found[:CAROUSEL_MAX - 1]]
    return [messages.text(t(lang, "cp_dup_ask", n=len(found)))] + _carousels(t(lang, "cp_dup_ask", n=len(found)), bubbles)


def receipt(lang: str, case, category_name: str, department: str, area: str | None, emergency: list[str] | None,
            deployment_agency: str) -> list[dict]:
    title = t(lang, "cp_receipt_title")
    lines = []
    if emergency is not None:
        lines.append(emergency_line(lang, emergency))
    lines += [t(lang, "cp_line_ref", ref=case.ref),
              t(lang, "cp_line_category", category=category_name),
              t(lang, "cp_line_goes_to", department=department)]
    if area:
        lines.append(t(lang, "cp_line_area", area=area))
    if case.triage_reason:
        lines.append(t(lang, f"cp_triage_{case.triage_reason}"))
    lines += [t(lang, "cp_line_expected", day=_day(case.due_at, lang), days=int(case.sla_days)),
              t(lang, "cp_receipt_follow")]
    buttons = [_button(lang, "cp_view", action("view", **_case_params(case, deployment_agency)))]
    return [messages.flex(f"{title} {case.ref}", messages.buttons_bubble(title, lines, buttons), menu(lang))]


def joined(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_joined", ref=case.ref, status=status_label(lang, case.status)), menu(lang))]


def draft_cancelled(lang: str) -> list[dict]:
    return [messages.text(t(lang, "cp_draft_cancelled"), menu(lang))]


def draft_expired(lang: str, hours: int) -> list[dict]:
    return [messages.text(t(lang, "cp_draft_expired", hours=hours), menu(lang))]


def nothing_open(lang: str, general_menu: list[dict]) -> list[dict]:
    return [messages.text(t(lang, "cp_nothing_open"), (menu(lang) + general_menu)[:13])]


def already_sent(lang: str, ref: str) -> list[dict]:
    return [messages.text(t(lang, "cp_already_sent", ref=ref), menu(lang))]


# ---------------------------------------------------------------- my complaints

def _case_buttons(lang: str, case, role: str, deployment_agency: str) -> list[dict]:
    params = _case_params(case, deployment_agency)
    buttons = [_button(lang, "cp_view", action("view", **params))]
    if case.status in rules.WAITING:
        buttons += [_button(lang, "cp_fixed", action("ok", **params)), _button(lang, "cp_not_fixed", action("reopen", **params))]
    elif rules.is_open(case.status):
        buttons.append(_button(lang, "cp_add_note", action("note", **params)))
        if role == "reporter":
            buttons.append(_button(lang, "cp_cancel_case", action("cxl", **params)))
    return buttons


def mine(lang: str, held: list[tuple[object, str, str]], deployment_agency: str, now: float) -> list[dict]:
    """held: (case, the citizen's role, category name), newest first."""
    if not held:
        return [messages.text(t(lang, "cp_mine_none"), menu(lang))]
    bubbles = []
    for case, role, name in held[:CAROUSEL_MAX * 5]:
        lines = [t(lang, "cp_line_category", category=name), t(lang, "cp_line_status", status=status_label(lang, case.status)),
                 t(lang, "cp_dup_since", day=_day(case.created_at, lang))]
        if rules.is_open(case.status):
            key = "cp_line_overdue" if case.due_at < now else "cp_line_expected_short"
            lines.append(t(lang, key, day=_day(case.due_at, lang)))
        bubbles.append(messages.buttons_bubble(case.ref, lines, _case_buttons(lang, case, role, deployment_agency)))
    return _carousels(t(lang, "cp_mine_title"), bubbles, menu(lang))


def _entry_line(lang: str, entry, names: dict[str, str]) -> str:
    what = t(lang, f"cp_step_{entry.action}")
    detail = entry.detail or {}
    if entry.action in ("forward", "co_assign") and detail.get("department"):
        what += " → " + names.get(detail["department"], detail["department"])
    elif entry.action == "forward_agency" and detail.get("agency"):
        what += " → " + names.get(detail["agency"], detail["agency"])
    elif entry.action == "duplicate" and detail.get("of"):
        what += " " + detail["of"]
    note = t(lang, "cp_note_withdrawn") if entry.note_hidden else entry.note
    if note and entry.action not in ("withdraw",):
        what += f": {cut(note, 200, measure=len)}"
    return f"{_when(entry.at, lang)} {what}"


def timeline(lang: str, case, entries: list, names: dict[str, str], role: str, deployment_agency: str) -> list[dict]:
    shown = [e for e in entries if e.action not in ("withdraw",)][-TIMELINE_SHOWN:]
    lines = [t(lang, "cp_line_status", status=status_label(lang, case.status))]
    if rules.is_open(case.status):
        lines.append(t(lang, "cp_line_overdue" if case.overdue else "cp_line_expected_short", day=_day(case.due_at, lang)))
    lines += [_entry_line(lang, e, names) for e in shown]
    title = t(lang, "cp_timeline_title", ref=case.ref)
    return [messages.flex(title, messages.buttons_bubble(title, lines, _case_buttons(lang, case, role, deployment_agency)),
                          menu(lang))]


def ask_note(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_ask_note", ref=case.ref), [_camera(lang), _roll(lang)])]


def note_added(lang: str, case, photo: bool) -> list[dict]:
    return [messages.text(t(lang, "cp_photo_added" if photo else "cp_note_added", ref=case.ref), menu(lang))]


def cancel_ask(lang: str, case, deployment_agency: str) -> list[dict]:
    params = _case_params(case, deployment_agency)
    return [messages.text(t(lang, "cp_cancel_ask", ref=case.ref), [
        _button(lang, "cp_cancel_yes", action("cxlok", **params)), _button(lang, "cp_cancel_keep", action("mine"))])]


def case_cancelled(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_case_cancelled", ref=case.ref), menu(lang))]


def not_now(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_not_now", ref=case.ref, status=status_label(lang, case.status)), menu(lang))]


def step_not_possible(lang: str) -> list[dict]:
    return [messages.text(t(lang, "cp_step_not_possible"), menu(lang))]


def invalid(lang: str) -> list[dict]:
    return [messages.text(t(lang, "postback_invalid"), menu(lang))]


# ---------------------------------------------------------------- confirm, reopen, rate

def rating_quick(lang: str, case, deployment_agency: str) -> list[dict]:
    params = _case_params(case, deployment_agency)
    return [messages.postback_action("★" * s, action("rate", s=s, **params), "★" * s) for s in range(5, 0, -1)]


def confirmed(lang: str, case, deployment_agency: str) -> list[dict]:
    return [messages.text(t(lang, "cp_confirmed", ref=case.ref), rating_quick(lang, case, deployment_agency))]


def reopened(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_reopened", ref=case.ref, day=_day(case.due_at, lang)), [_camera(lang), _roll(lang)])]


def rated(lang: str, case, stars: int, deployment_agency: str) -> list[dict]:
    params = _case_params(case, deployment_agency)
    return [messages.text(t(lang, "cp_rated", stars=stars), [_button(lang, "cp_no_comment", action("nocomment", **params))])]


def comment_saved(lang: str) -> list[dict]:
    return [messages.text(t(lang, "cp_comment_saved"), menu(lang))]


def no_comment(lang: str) -> list[dict]:
    return [messages.text(t(lang, "cp_thanks"), menu(lang))]


def already_rated(lang: str, case) -> list[dict]:
    return [messages.text(t(lang, "cp_already_rated", ref=case.ref, stars=int(case.rating)), menu(lang))]


# ---------------------------------------------------------------- pushes: each step of a case

def step(lang: str, case, entry, names: dict[str, str], recent: list, deployment_agency: str,
         after_photo_url: str | None, confirm_days: int, moved_to: str | None = None) -> list[dict]:
    """The push a follower gets for a step: what happened, the note, the short timeline, what next."""
    title = t(lang, f"cp_push_{entry.action}", ref=case.ref)
    lines = [t(lang, "cp_line_status", status=status_label(lang, case.status))]
    note = None if entry.note_hidden else entry.note
    if note:
        lines.append(t(lang, "cp_line_note", note=cut(note, PREVIEW, measure=len)))
    detail = entry.detail or {}
    if entry.action in ("forward", "co_assign"):
        lines.append(t(lang, "cp_line_goes_to", department=names.get(detail.get("department", ""), detail.get("department", ""))))
    if entry.action == "forward_agency" and moved_to:
        lines.append(t(lang, "cp_line_moved", ref=moved_to, agency=names.get(detail.get("agency", ""), detail.get("agency", ""))))
    if entry.action == "duplicate" and moved_to:
        lines.append(t(lang, "cp_line_same_as", ref=moved_to))
    if entry.action == "escalate":
        lines.append(t(lang, "cp_overdue_next", day=_day(case.due_at, lang)))
    elif rules.is_open(case.status):
        lines.append(t(lang, "cp_line_expected_short", day=_day(case.due_at, lang)))
    lines += [_entry_line(lang, e, names) for e in recent[-3:]]
    buttons = [_button(lang, "cp_view", action("view", **_case_params(case, deployment_agency)))]
    out = []
    if entry.action == "resolve":
        lines.append(t(lang, "cp_confirm_within", days=confirm_days))
        params = _case_params(case, deployment_agency)
        buttons = [_button(lang, "cp_fixed", action("ok", **params)), _button(lang, "cp_not_fixed", action("reopen", **params))]
        if after_photo_url:
            out.append({"type": "image", "originalContentUrl": after_photo_url, "previewImageUrl": after_photo_url})
    if entry.action == "auto_confirm":
        lines.append(t(lang, "cp_auto_confirmed_note", days=confirm_days))
    out.append(messages.flex(f"{title} — {status_label(lang, case.status)}", messages.buttons_bubble(title, lines, buttons)))
    return out


# ---------------------------------------------------------------- staff alerts (Thai: the agency's own staff)

def duty_alert(case, category_name: str, department: str, place: str) -> list[dict]:
    lines = [t("th", "cp_line_category", category=category_name), t("th", "cp_line_goes_to", department=department),
             t("th", "cp_line_place", place=place), cut(case.description, PREVIEW, measure=len)]
    if case.lat is not None:
        lines.append(f"https://www.google.com/maps/search/?api=1&query={case.lat:.6f},{case.lng:.6f}")
    title = t("th", "cp_duty_title", ref=case.ref)
    return [messages.flex(title, messages.buttons_bubble(title, lines, []))]


def escalation_alert(case, category_name: str, department: str) -> list[dict]:
    lines = [t("th", "cp_line_category", category=category_name), t("th", "cp_line_goes_to", department=department),
             t("th", "cp_line_status", status=status_label("th", case.status)),
             t("th", "cp_line_overdue", day=_day(case.due_at, "th"))]
    title = t("th", "cp_escalation_title", ref=case.ref)
    return [messages.flex(title, messages.buttons_bubble(title, lines, []))]


def place_of(lang: str, case) -> str:
    return _place(lang, case.address, case.landmark, case.lat, case.lng)
