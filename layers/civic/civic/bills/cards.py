"""What the bill desk says: LINE message dicts, in the citizen's language.

Pure: plain values in, messages out; text from the catalogues (th.bill.json / en.bill.json); amounts as
฿1,234.50 and dates in Thai with the Buddhist year (civic.thai). Buttons carry compact postback data
(`1/bl/<action>?…`) that the desk checks again against the signed event's user when it comes back.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from civic import messages, thai
from civic.bills import rules
from civic.i18n import t
from civic.postback import Postback

CAROUSEL_MAX = 12


def action(name: str, **params) -> Postback:
    return Postback("bill", name, {k: str(v) for k, v in params.items() if v is not None})


def _button(lang: str, key: str, data: Postback, **values) -> dict:
    label = t(lang, key, **values)
    return messages.postback_action(label, data, label)


def _cancel(lang: str) -> dict:
    return _button(lang, "bl_cancel", action("cancel"))


def _units(value: Decimal) -> str:
    """19 / 12.3 / 1,250: as many decimals as the value has, at most two."""
    text = f"{value.quantize(Decimal('0.01')):,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class BillView:
    agency: str             # the agency's name in the citizen's language
    account: str
    name: str | None        # the citizen's name for the account (home, shop)
    address: str
    period: str
    usage: Decimal
    unit: str
    change: Decimal | None
    amount: Decimal
    due: date
    pay_url: str | None
    qr_url: str | None
    leak_average: Decimal | None  # set when the usage looks like a leak


# ---------------------------------------------------------------- linking

def ask_account(lang: str, agency: str) -> list[dict]:
    return [messages.text(t(lang, "bl_ask_account", agency=agency), [_cancel(lang)])]


def not_an_account(lang: str, typed: str) -> list[dict]:
    return [messages.text(t(lang, "bl_not_an_account", text=typed[:30]), [_cancel(lang)])]


def ask_check(lang: str, check: str, account: str) -> list[dict]:
    return [messages.text(t(lang, f"bl_ask_check_{check}", account=account), [_cancel(lang)])]


def wrong(lang: str, left: int) -> list[dict]:
    return [messages.text(t(lang, "bl_wrong", left=left), [_cancel(lang)])]


def paused(lang: str, minutes: int) -> list[dict]:
    return [messages.text(t(lang, "bl_paused", minutes=max(1, minutes)))]


def linked(lang: str, account: str, address: str) -> list[dict]:
    return [messages.text(t(lang, "bl_linked", account=account, address=address),
                          [_button(lang, "menu_my_bills", action("mine")),
                           _button(lang, "bl_rename", action("rename", a=account)),
                           _button(lang, "menu_bill_prefs", action("prefs"))])]


def simple(lang: str, key: str, quick: list[dict] | None = None, **values) -> list[dict]:
    return [messages.text(t(lang, key, **values), quick)]


def too_many(lang: str) -> list[dict]:
    return simple(lang, "bl_too_many", [_button(lang, "menu_my_bills", action("mine"))], max=rules.MAX_LINKS)


def ask_name(lang: str, account: str) -> list[dict]:
    return [messages.text(t(lang, "bl_ask_name", account=account), [_cancel(lang)])]


def unlink_ask(lang: str, account: str) -> list[dict]:
    return [messages.text(t(lang, "bl_unlink_ask", account=account),
                          [_button(lang, "bl_unlink_yes", action("unlinkok", a=account)),
                           _button(lang, "bl_keep", action("keep"))])]


def invalid(lang: str) -> list[dict]:
    return simple(lang, "bl_invalid", [_button(lang, "menu_my_bills", action("mine"))])


# ---------------------------------------------------------------- my bills

def _status(lang: str, bill) -> str:
    if bill.status == "paid":
        return t(lang, "bl_status_paid")
    return t(lang, "bl_status_unpaid", due=thai.day(date.fromisoformat(bill.due), lang))


def mine(lang: str, accounts: list[tuple[object, list]]) -> list[dict]:
    """A card per linked account (its name, address, the last bills and their status), then "link another".
    `accounts` is [(link, bills newest first)]."""
    if not accounts:
        return simple(lang, "bl_none_linked", [_button(lang, "bl_link", action("link"))])
    bubbles = []
    for link, bills in accounts[:CAROUSEL_MAX - 1]:
        title = link.nickname or t(lang, "bl_account_line", account=link.account)
        lines = [t(lang, "bl_account_line", account=link.account) if link.nickname else "", link.address or ""]
        lines += [t(lang, "bl_bill_line", period=thai.month(b.period, lang), amount=thai.money(b.amount),
                    status=_status(lang, b)) for b in bills[:4]] or [t(lang, "bl_no_bills")]
        bubbles.append(messages.buttons_bubble(title, lines, [
            _button(lang, "bl_rename", action("rename", a=link.account)),
            _button(lang, "bl_unlink", action("unlink", a=link.account))]))
    bubbles.append(messages.buttons_bubble(t(lang, "bl_link_another"), [], [
        _button(lang, "bl_link_another", action("link")), _button(lang, "menu_bill_prefs", action("prefs"))]))
    alt = t(lang, "bl_mine_title") + ": " + ", ".join(link.account for link, _ in accounts)
    return [messages.flex(alt, {"type": "carousel", "contents": bubbles})]


# ---------------------------------------------------------------- the bill

def _row(label: str, value: str, bold: bool = False) -> dict:
    return {"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        {"type": "text", "text": label, "size": "sm", "color": messages.MUTED, "flex": 3},
        {"type": "text", "text": value or "-", "size": "sm", "wrap": True, "flex": 5,
         **({"weight": "bold"} if bold else {})}]}


def _change(lang: str, view: BillView) -> str | None:
    if view.change is None:
        return None
    if view.change == 0:
        return t(lang, "bl_card_change_same")
    key = "bl_card_change_up" if view.change > 0 else "bl_card_change_down"
    return t(lang, key, change=_units(abs(view.change)), unit=view.unit)


def bill(lang: str, view: BillView) -> list[dict]:
    """The bill as a card (and, when the usage jumped, the leak warning after it): one push."""
    due = thai.day(view.due, lang)
    body = [
        {"type": "text", "text": t(lang, "bl_card_title", agency=view.agency), "weight": "bold", "size": "md",
         "wrap": True},
        {"type": "separator", "margin": "md"},
        _row(t(lang, "bl_card_account"), f"{view.account}" + (f" ({view.name})" if view.name else "")),
        _row(t(lang, "bl_card_address"), view.address),
        _row(t(lang, "bl_card_period"), thai.month(view.period, lang)),
        _row(t(lang, "bl_card_usage"), t(lang, "bl_card_usage_value", usage=_units(view.usage), unit=view.unit)),
    ]
    change = _change(lang, view)
    if change:
        body.append({"type": "text", "text": change, "size": "xs", "color": messages.MUTED, "align": "end", "wrap": True})
    body += [{"type": "separator", "margin": "md"},
             _row(t(lang, "bl_card_amount"), thai.money(view.amount), bold=True),
             _row(t(lang, "bl_card_due"), due, bold=True)]
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if view.qr_url:
        bubble["hero"] = {"type": "image", "url": view.qr_url, "size": "full", "aspectRatio": "1:1",
                          "aspectMode": "fit", "action": {"type": "uri", "label": t(lang, "bl_card_qr")[:20],
                                                          "uri": view.qr_url}}
        body.append({"type": "text", "text": t(lang, "bl_card_qr"), "size": "xs", "color": messages.MUTED,
                     "align": "center"})
    footer = [_button(lang, "menu_my_bills", action("mine"))]
    if view.pay_url:
        footer.insert(0, messages.uri_action(t(lang, "bl_pay"), view.pay_url))
    bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
        messages.button(a, primary=i == 0) for i, a in enumerate(footer)]}
    alt = t(lang, "bl_card_alt", period=thai.month(view.period, lang), amount=thai.money(view.amount), due=due)
    sent = [messages.flex(alt, bubble)]
    if view.leak_average is not None:
        sent.append(messages.text(t(lang, "bl_leak", account=view.account, usage=_units(view.usage),
                                    unit=view.unit, average=_units(view.leak_average.quantize(Decimal("0.1"))),
                                    agency=view.agency)))
    return sent


def reminder(lang: str, kind: str, account: str, period: str, amount: Decimal, due: date,
             pay_url: str | None) -> list[dict]:
    quick = [messages.uri_action(t(lang, "bl_pay"), pay_url)] if pay_url else []
    quick.append(_button(lang, "menu_my_bills", action("mine")))
    return [messages.text(t(lang, f"bl_remind_{kind}", account=account, period=thai.month(period, lang),
                            amount=thai.money(amount), due=thai.day(due, lang)), quick)]


def notice(lang: str, agency: str, text: str) -> list[dict]:
    """An area notice as staff wrote it, signed with the agency's name."""
    return [messages.text(t(lang, "bl_notice_from", agency=agency) + "\n" + text)]


# ---------------------------------------------------------------- what I hear about

def _mark(on: bool, label: str) -> str:
    return ("✓ " if on else "") + label


def prefs(lang: str, agency: str, topics: set[str], opt_outs: set[str], areas: list[str],
          age_group: str | None, linked: bool) -> list[dict]:
    heard = [t(lang, f"bl_topic_{x}") for x in rules.TOPICS if (linked or x in topics) and x not in opt_outs]
    lines = [t(lang, "bl_prefs_topics", topics=", ".join(heard) or t(lang, "bl_prefs_none")),
             t(lang, "bl_prefs_areas", areas=", ".join(areas) or t(lang, "bl_prefs_none")),
             t(lang, "bl_prefs_age", age=t(lang, f"bl_age_{age_group}") if age_group else t(lang, "bl_prefs_none"))]
    if linked:
        lines.append(t(lang, "bl_prefs_reminders",
                       state=t(lang, "bl_off" if "reminders" in opt_outs else "bl_on")))
    buttons = [_button(lang, "bl_prefs_pick_topic", action("topics")),
               _button(lang, "bl_prefs_pick_area", action("areas")),
               _button(lang, "bl_prefs_pick_age", action("ages"))]
    if linked:
        buttons.append(_button(lang, "bl_prefs_toggle_reminders", action("opt", x="reminders")))
    title = t(lang, "bl_prefs_title", agency=agency)
    return [messages.flex(title + "\n" + "\n".join(lines), messages.buttons_bubble(title, lines, buttons))]


def topics_menu(lang: str, heard: set[str]) -> list[dict]:
    quick = [messages.postback_action(_mark(x in heard, t(lang, f"bl_topic_{x}")), action("topic", x=x))
             for x in rules.TOPICS]
    return [messages.text(t(lang, "bl_prefs_choose_topic"), quick)]


def districts_menu(lang: str, districts: list[str], chosen: set[str]) -> list[dict]:
    if not districts:
        return simple(lang, "bl_prefs_no_areas")
    quick = [messages.postback_action(_mark(d in chosen, d), action("district", d=d)) for d in districts[:13]]
    return [messages.text(t(lang, "bl_prefs_choose_district"), quick)]


def subdistricts_menu(lang: str, district: str, subdistricts: list[str], chosen: set[str]) -> list[dict]:
    quick = [messages.postback_action(_mark("*" in chosen, t(lang, "bl_prefs_whole_district")),
                                      action("area", d=district, s="*"))]
    quick += [messages.postback_action(_mark(s in chosen, s), action("area", d=district, s=s))
              for s in subdistricts[:12]]
    return [messages.text(t(lang, "bl_prefs_choose_subdistrict", district=district), quick)]


def ages_menu(lang: str, current: str | None) -> list[dict]:
    quick = [messages.postback_action(_mark(current == a, t(lang, f"bl_age_{a}")), action("age", g=a))
             for a in rules.AGE_GROUPS]
    quick.append(messages.postback_action(_mark(current is None, t(lang, "bl_prefs_no_age")), action("age", g="none")))
    return [messages.text(t(lang, "bl_prefs_choose_age"), quick)]
