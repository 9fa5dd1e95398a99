"""What the booking desk says: LINE message dicts for each step, in the citizen's language.

Pure: plain values (and table items read by attribute) in, messages out; text from the catalogues;
dates in Thai with the Buddhist year, times in Asia/Bangkok. Every button carries compact postback
data (`1/bk/<action>?…`) that the desk validates again when it comes back.
"""

from datetime import date, datetime, time

from civic import messages, thai
from civic.booking import rules
from civic.i18n import t
from civic.postback import Postback

CAROUSEL_MAX = 12
DAY_CHOICES_MAX = 12  # quick replies: 13 at most, one kept for "other service"


def action(name: str, **params) -> Postback:
    return Postback("booking", name, {k: str(v) for k, v in params.items() if v is not None})


def slot_params(service_id: str, day: date, start: time) -> dict:
    return {"s": service_id, "d": f"{day:%Y%m%d}", "t": f"{start:%H%M}"}


def _button(lang: str, key: str, data: Postback, **values) -> dict:
    label = t(lang, key, **values)
    return messages.postback_action(label, data, label)


def _local(epoch: float) -> datetime:
    return rules.epoch_to_local(epoch)


def _when(lang: str, starts: datetime) -> str:
    return t(lang, "bk_when", day=thai.day(starts.date(), lang), time=thai.clock(starts, lang))


def _documents(lang: str, service) -> str:
    docs = service.documents(lang)
    return t(lang, "bk_bring", documents=", ".join(docs)) if docs else ""


def _menu(lang: str) -> list[dict]:
    return [_button(lang, "bk_book_new", action("start")), _button(lang, "bk_my_bookings", action("mine"))]


def _carousel(alt: str, bubbles: list[dict], quick: list[dict] | None = None) -> dict:
    contents = bubbles[0] if len(bubbles) == 1 else {"type": "carousel", "contents": bubbles[:CAROUSEL_MAX]}
    return messages.flex(alt, contents, quick)


# ---------------------------------------------------------------- choosing

def services(lang: str, offered: list) -> list[dict]:
    if not offered:
        return [messages.text(t(lang, "bk_no_services"), _menu(lang))]
    bubbles = [
        messages.buttons_bubble(s.name(lang), [
            t(lang, "bk_branch", branch=s.branch(lang)),
            _documents(lang, s),
            t(lang, "bk_takes", minutes=thai.minutes(s.minutes_per_citizen, lang)),
        ], [_button(lang, "bk_pick", action("svc", s=s.service_id))])
        for s in offered
    ]
    return [_carousel(t(lang, "bk_choose_service"), bubbles)]


def days(lang: str, service, open_days: list[date], horizon_days: int, ref: str | None = None) -> list[dict]:
    if not open_days:
        return [messages.text(t(lang, "bk_no_days", service=service.name(lang), days=horizon_days),
                              [_button(lang, "bk_other_service", action("start"))])]
    quick = [messages.postback_action(thai.day(d, lang), action("day", s=service.service_id, d=f"{d:%Y%m%d}", b=ref),
                                      thai.day(d, lang))
             for d in open_days[:DAY_CHOICES_MAX]]
    quick.append(_button(lang, "bk_other_service", action("start")))
    return [messages.text(t(lang, "bk_choose_day", service=service.name(lang)), quick)]


def times(lang: str, service, day: date, choices: list[tuple[time, int, int]], ref: str | None = None) -> list[dict]:
    """choices: (start, seats anyone may take, seats kept for priority groups) for each time with a seat."""
    if not choices:
        return [messages.text(t(lang, "bk_no_times", day=thai.day(day, lang)),
                              [_button(lang, "bk_other_day", action("svc", s=service.service_id, b=ref))])]
    buttons = []
    for start, left, reserved in choices:
        key, count = ("bk_time_left", left) if left else ("bk_time_reserved", reserved)
        label = t(lang, key, time=thai.clock(start, lang), left=count)
        data = action("time", **slot_params(service.service_id, day, start), b=ref)
        buttons.append({"type": "button", "style": "secondary", "height": "sm",
                        "action": messages.postback_action(label, data, label)})
    body = [
        {"type": "text", "text": service.name(lang), "weight": "bold", "size": "lg", "wrap": True},
        {"type": "text", "text": thai.day(day, lang), "size": "md", "wrap": True},
        {"type": "text", "text": t(lang, "bk_choose_time"), "size": "sm", "color": "#555555", "wrap": True},
    ]
    if any(not left for _, left, _ in choices):
        body.append({"type": "text", "text": t(lang, "bk_reserved_note"), "size": "xs", "color": "#555555",
                     "wrap": True})
    bubble = {"type": "bubble",
              "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
              "footer": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons}}
    return [messages.flex(f"{service.name(lang)} {thai.day(day, lang)}", bubble,
                          [_button(lang, "bk_other_day", action("svc", s=service.service_id, b=ref))])]


def ask_priority(lang: str, service, day: date, start: time) -> list[dict]:
    params = slot_params(service.service_id, day, start)
    quick = [_button(lang, f"bk_priority_{group}", action("ask", **params, p=group))
             for group in ("none",) + rules.PRIORITY_GROUPS]
    return [messages.text(t(lang, "bk_ask_priority"), quick)]


def confirm(lang: str, service, day: date, start: time, priority_group: str | None, request: str,
            old=None) -> list[dict]:
    params = slot_params(service.service_id, day, start)
    ref = old.ref if old else None
    lines = [t(lang, "bk_service_line", service=service.name(lang)),
             t(lang, "bk_branch", branch=service.branch(lang)),
             _when(lang, datetime.combine(day, start, tzinfo=thai.BANGKOK))]
    if old:
        starts = _local(old.starts_at)
        lines.append(t(lang, "bk_from", day=thai.day(starts.date(), lang), time=thai.clock(starts, lang)))
    if priority_group:
        lines.append(t(lang, "bk_priority_line", group=t(lang, f"bk_priority_{priority_group}")))
    buttons = [
        _button(lang, "bk_confirm", action("ok", **params, p=priority_group or "none", r=request, b=ref)),
        _button(lang, "bk_change_time", action("day", s=service.service_id, d=params["d"], b=ref)),
    ]
    title = t(lang, "bk_confirm_title")
    return [messages.flex(title, messages.buttons_bubble(title, lines, buttons))]


# ---------------------------------------------------------------- outcomes

def booked(lang: str, service, booking) -> list[dict]:
    """The confirmation card: service, branch and map, date and time, reference, documents, cancel/reschedule."""
    starts = _local(booking.starts_at)
    title = t(lang, "bk_rescheduled_title" if booking.previous_ref else "bk_booked_title")
    lines = [t(lang, "bk_service_line", service=service.name(lang)),
             t(lang, "bk_branch", branch=service.branch(lang)),
             _when(lang, starts),
             t(lang, "bk_ref", ref=booking.ref),
             _documents(lang, service),
             t(lang, "bk_reminder_note")]
    return [messages.flex(f"{title} {booking.ref}", messages.buttons_bubble(title, lines, _booking_buttons(lang, service, booking)),
                          _menu(lang))]


def _booking_buttons(lang: str, service, booking) -> list[dict]:
    buttons = []
    if service.map_url():
        buttons.append(messages.uri_action(t(lang, "bk_map"), service.map_url()))
    if booking.status == "confirmed":
        buttons.append(_button(lang, "bk_reschedule", action("rs", b=booking.ref)))
        buttons.append(_button(lang, "bk_cancel", action("cxl", b=booking.ref)))
    elif booking.status in ("checked_in", "called"):
        buttons.append(_button(lang, "bk_queue_refresh", action("q", b=booking.ref)))
    return buttons


def full(lang: str, service, day: date, start: time, priority_group: str | None,
         moving: str | None = None) -> list[dict]:
    """Full: join the waitlist or pick another time; a citizen moving booking `moving` picks another time."""
    params = slot_params(service.service_id, day, start)
    other = _button(lang, "bk_other_time", action("day", s=service.service_id, d=params["d"], b=moving))
    values = {"time": thai.clock(start, lang), "day": thai.day(day, lang)}
    if moving:
        return [messages.text(t(lang, "bk_full_moving", **values), [other])]
    waitlist = _button(lang, "bk_join_waitlist", action("wl", **params, p=priority_group or "none"))
    return [messages.text(t(lang, "bk_full", **values), [waitlist, other])]


def busy(lang: str, retry: Postback) -> list[dict]:
    return [messages.text(t(lang, "bk_busy"), [_button(lang, "bk_try_again", retry)])]


def limit(lang: str, service) -> list[dict]:
    return [messages.text(t(lang, "bk_limit", service=service.name(lang), count=service.max_active),
                          [_button(lang, "bk_my_bookings", action("mine"))])]


def gone(lang: str, service) -> list[dict]:
    return [messages.text(t(lang, "bk_slot_gone"), [_button(lang, "bk_other_day", action("svc", s=service.service_id))])]


def unchanged(lang: str) -> list[dict]:
    return [messages.text(t(lang, "bk_unchanged"), _menu(lang))]


def not_changeable(lang: str) -> list[dict]:
    return [messages.text(t(lang, "bk_not_changeable"), _menu(lang))]


def invalid(lang: str) -> list[dict]:
    return [messages.text(t(lang, "postback_invalid"), _menu(lang))]


# ---------------------------------------------------------------- my bookings, cancel

def mine(lang: str, held: list[tuple[object, object]], waiting: list[tuple[object, object, int]]) -> list[dict]:
    """held: (booking, service); waiting: (waitlist entry, service, position)."""
    if not held and not waiting:
        return [messages.text(t(lang, "bk_mine_none"), [_button(lang, "bk_book_new", action("start"))])]
    bubbles = []
    for booking, service in held:
        starts = _local(booking.starts_at)
        status = t(lang, f"bk_status_{booking.status}", number=booking.queue_number)
        bubbles.append(messages.buttons_bubble(service.name(lang), [
            _when(lang, starts), t(lang, "bk_branch", branch=service.branch(lang)),
            t(lang, "bk_ref", ref=booking.ref), status], _booking_buttons(lang, service, booking)))
    for entry, service, position in waiting:
        starts = _local(entry.starts_at)
        bubbles.append(messages.buttons_bubble(t(lang, "bk_waiting_title"), [
            t(lang, "bk_service_line", service=service.name(lang)), _when(lang, starts),
            t(lang, "bk_waiting_line", position=position)], []))
    return [_carousel(t(lang, "bk_my_bookings"), bubbles, [_button(lang, "bk_book_new", action("start"))])]


def cancel_ask(lang: str, service, booking) -> list[dict]:
    starts = _local(booking.starts_at)
    text = t(lang, "bk_cancel_ask", ref=booking.ref, service=service.name(lang),
             day=thai.day(starts.date(), lang), time=thai.clock(starts, lang))
    return [messages.text(text, [_button(lang, "bk_cancel_yes", action("cxlok", b=booking.ref)),
                                 _button(lang, "bk_keep", action("keep", b=booking.ref))])]


def cancelled(lang: str, booking) -> list[dict]:
    return [messages.text(t(lang, "bk_cancelled", ref=booking.ref), _menu(lang))]


def kept(lang: str) -> list[dict]:
    return [messages.text(t(lang, "bk_kept"), _menu(lang))]


# ---------------------------------------------------------------- waitlist

def waitlist_joined(lang: str, service, day: date, start: time, position: int, offer_minutes: int) -> list[dict]:
    text = t(lang, "bk_waitlist_joined", position=position, service=service.name(lang), day=thai.day(day, lang),
             time=thai.clock(start, lang), minutes=thai.minutes(offer_minutes, lang))
    return [messages.text(text, _menu(lang))]


def offer(lang: str, service, entry, offer_minutes: int) -> list[dict]:
    starts = _local(entry.starts_at)
    until = _local(entry.offer_expires_at)
    params = slot_params(service.service_id, starts.date(), starts.time())
    title = t(lang, "bk_offer_title")
    lines = [t(lang, "bk_service_line", service=service.name(lang)), _when(lang, starts),
             t(lang, "bk_branch", branch=service.branch(lang)),
             t(lang, "bk_offer_hold", minutes=thai.minutes(offer_minutes, lang), until=thai.clock(until, lang))]
    buttons = [_button(lang, "bk_offer_accept", action("acc", **params, w=entry.entry)),
               _button(lang, "bk_offer_decline", action("dec", **params, w=entry.entry))]
    return [messages.flex(title, messages.buttons_bubble(title, lines, buttons))]


def offer_gone(lang: str) -> list[dict]:
    return [messages.text(t(lang, "bk_offer_gone"), _menu(lang))]


def offer_declined(lang: str) -> list[dict]:
    return [messages.text(t(lang, "bk_offer_declined"), _menu(lang))]


# ---------------------------------------------------------------- reminders, the queue on the day, closures

def reminder(lang: str, service, booking, kind: str) -> list[dict]:
    title = t(lang, f"bk_remind_{kind}_title")
    lines = [t(lang, "bk_service_line", service=service.name(lang)), _when(lang, _local(booking.starts_at)),
             t(lang, "bk_branch", branch=service.branch(lang)), t(lang, "bk_ref", ref=booking.ref),
             _documents(lang, service)]
    return [messages.flex(title, messages.buttons_bubble(title, lines, _booking_buttons(lang, service, booking)))]


def queue_position(lang: str, booking, number: int, ahead: int, wait_minutes: int, checked_in: bool) -> list[dict]:
    refresh = [_button(lang, "bk_queue_refresh", action("q", b=booking.ref))]
    if ahead == 0:
        return [messages.text(t(lang, "bk_ticket_next", number=number), refresh)]
    key = "bk_ticket" if checked_in else "bk_queue_now"
    return [messages.text(t(lang, key, number=number, ahead=ahead, wait=thai.minutes(wait_minutes, lang)), refresh)]


def queue_done(lang: str, number: int) -> list[dict]:
    return [messages.text(t(lang, "bk_queue_done", number=number), _menu(lang))]


def not_checked_in(lang: str, booking) -> list[dict]:
    return [messages.text(t(lang, "bk_not_checked_in", ref=booking.ref), _menu(lang))]


def turn_near(lang: str, booking, number: int, ahead: int, wait_minutes: int) -> list[dict]:
    return [messages.text(t(lang, "bk_turn_near", number=number, ahead=ahead, wait=thai.minutes(wait_minutes, lang)),
                          [_button(lang, "bk_queue_refresh", action("q", b=booking.ref))])]


def turn_now(lang: str, number: int) -> list[dict]:
    return [messages.text(t(lang, "bk_turn_now", number=number))]


def closed(lang: str, service, starts: datetime, reason: str, ref: str | None) -> list[dict]:
    """A closure notice with a rebook button; ref is the cancelled booking, None for a waitlist entry."""
    title = t(lang, "bk_closed_title")
    lines = [t(lang, "bk_service_line", service=service.name(lang)), _when(lang, starts),
             t(lang, "bk_branch", branch=service.branch(lang)), t(lang, "bk_closed_reason", reason=reason),
             t(lang, "bk_closed_booking", ref=ref) if ref else t(lang, "bk_closed_waitlist")]
    return [messages.flex(title, messages.buttons_bubble(title, lines, [
        _button(lang, "bk_rebook", action("svc", s=service.service_id))]))]
