"""The bill desk in the chat: link, list, rename and unlink accounts; choose what to hear about. One event in,
its effects (tables, outbox) out.

Linking asks the account number printed on the bill, then the one check the agency chose (the last bill's
amount, or the last four digits of the holder's ID), and says "does not match" for either being wrong, so the
answers tell nobody which account numbers exist. Wrong answers in a row are limited (BILL_LINK_TRIES, then a
pause of BILL_LINK_PAUSE_MINUTES), and each answer says how many tries remain. While a number, a check or a
name is awaited, the desk holds the chat's focus (the intake takes it for the desk when "link" or "rename" is
tapped), so the typed text comes here; it is released when that step ends.

Answers go back on the event's reply token (free); the desk sends no push.
"""

import re
import time
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from civic import domains, i18n, outbox, postback, privacy, webhook
from civic.bills import cards, csvrows, rules
from civic.postback import PostbackError
from civic.settings import settings
from civic.tables import bill_accounts, bill_agencies, bill_links, bills, citizens, conversations

logger = Logger(child=True)
DOMAIN = "bill"
NAME_MAX = 20


@dataclass
class Ask:
    user: str
    lang: str
    agency: object          # the agency's bill settings
    data: postback.Postback
    typed: str | None = None

    @property
    def agency_name(self) -> str:
        return self.agency.name_th if self.lang == "th" else self.agency.name_en


class Refused(Exception):
    """A button naming an account that is not the citizen's, or a value that is not one of ours."""


def language(user_id: str) -> str:
    citizen = citizens.find(user_id)
    return citizen.language if citizen and citizen.language in i18n.LANGUAGES else "th"


def handle(envelope: dict) -> list[str]:
    """Answer one event from the bill queue; returns the purposes of what was sent."""
    event = envelope["event"]
    user = webhook.user_id(event)
    if user is None or webhook.is_standby(event) or (event.get("source") or {}).get("type") != "user":
        return []
    lang = language(user)
    bill_links.revive(user)  # a citizen LINE reported gone who writes again keeps their links
    agency = bill_agencies.find(settings().agency_id)
    if agency is None:
        purpose, answer = "bill-no-agency", cards.simple(lang, "bl_no_agency")
    else:
        ask = Ask(user, lang, agency, *_asked(event))
        step = STEPS.get(ask.data.action, refuse) if ask.typed is None else typed
        try:
            purpose, answer = step(ask)
        except (PostbackError, Refused) as exc:
            logger.info("bill postback refused", extra={"action": ask.data.action, "reason": str(exc)})
            purpose, answer = "bill-invalid", cards.invalid(lang)
    sent = outbox.replies(event, answer, purpose)
    outbox.send(sent)
    return [o.purpose for o in sent]


def _asked(event: dict) -> tuple[postback.Postback, str | None]:
    """The action an event asks for: a postback, a typed keyword, or free text for the step awaiting it."""
    if event.get("type") == "postback":
        try:
            data = postback.decode((event.get("postback") or {}).get("data", ""))
        except PostbackError:
            return postback.Postback(DOMAIN, "invalid"), None
        return (data if data.domain == DOMAIN else postback.Postback(DOMAIN, "invalid")), None
    said = webhook.typed_text(event) or ""
    found = domains.keyword(said)
    if found and found[0] == DOMAIN:
        return postback.Postback(DOMAIN, found[1]), None
    return postback.Postback(DOMAIN, "typed"), said


# ---------------------------------------------------------------- linking

def _paused_minutes(ask: Ask) -> int | None:
    tries = bill_links.tries(ask.user, ask.agency.agency_id)
    if tries and tries.paused_until and tries.paused_until > time.time():
        return int((tries.paused_until - time.time()) // 60) + 1
    return None


def _end(ask: Ask) -> None:
    conversations.clear(ask.user, DOMAIN)
    conversations.release(ask.user, DOMAIN)


def start_link(ask: Ask):
    minutes = _paused_minutes(ask)
    if minutes:
        _end(ask)
        return "bill-link-paused", cards.paused(ask.lang, minutes)
    if len(bill_links.links(ask.user, ask.agency.agency_id)) >= rules.MAX_LINKS:
        _end(ask)
        return "bill-link-limit", cards.too_many(ask.lang)
    conversations.save(ask.user, DOMAIN, {"step": "account"})
    conversations.hold(ask.user, DOMAIN)  # a typed "ผูกบัญชี" did not pass the intake's focus hand-over
    return "bill-link-ask-account", cards.ask_account(ask.lang, ask.agency_name)


def cancel(ask: Ask):
    _end(ask)
    return "bill-link-cancelled", cards.simple(ask.lang, "bl_cancelled")


def typed(ask: Ask):
    state = conversations.load(ask.user, DOMAIN)
    text = (ask.typed or "").strip()
    if not state:
        conversations.release(ask.user, DOMAIN)
        return "bill-invalid", cards.invalid(ask.lang)
    if state.get("step") == "account":
        return _typed_account(ask, text)
    if state.get("step") == "check":
        return _typed_check(ask, state["account"], text)
    if state.get("step") == "rename":
        return _typed_name(ask, state["account"], text)
    _end(ask)
    return "bill-invalid", cards.invalid(ask.lang)


def _typed_account(ask: Ask, text: str):
    try:
        account = csvrows.parse_account(text)
    except csvrows.RowError:
        return "bill-link-not-an-account", cards.not_an_account(ask.lang, text)
    if bill_links.link_of(ask.user, ask.agency.agency_id, account):
        _end(ask)
        return "bill-link-already", cards.simple(ask.lang, "bl_already_linked", account=account)
    conversations.save(ask.user, DOMAIN, {"step": "check", "account": account})
    return "bill-link-ask-check", cards.ask_check(ask.lang, ask.agency.check, account)


def _check_holds(ask: Ask, account, text: str) -> bool:
    if account is None:
        return False
    if ask.agency.check == "id_last4":
        digits = re.sub(r"\D", "", text)
        return len(digits) == 4 and rules.check_matches(
            account.id_check, csvrows.check_hash(ask.agency.agency_id, account.account, digits))
    return rules.check_matches(account.last_amount, rules.normal_amount(text) or "")


def _typed_check(ask: Ask, number: str, text: str):
    agency_id = ask.agency.agency_id
    minutes = _paused_minutes(ask)
    if minutes:
        _end(ask)
        return "bill-link-paused", cards.paused(ask.lang, minutes)
    account = bill_accounts.find(agency_id, number)
    if not _check_holds(ask, account, text):
        config = settings()
        failures, paused = bill_links.failed_check(ask.user, agency_id, config.bill_link_tries,
                                                   config.bill_link_pause_minutes * 60, time.time())
        logger.info("bill link check failed", extra={"citizen": privacy.pseudonym(ask.user), "failures": failures})
        if paused:
            _end(ask)
            return "bill-link-paused", cards.paused(ask.lang, config.bill_link_pause_minutes)
        conversations.save(ask.user, DOMAIN, {"step": "account"})  # start again from the number
        return "bill-link-wrong", cards.wrong(ask.lang, config.bill_link_tries - failures)
    bill_links.put_link(ask.user, agency_id, account.account, account.district or "", account.subdistrict or "", "")
    bill_links.clear_tries(ask.user, agency_id)
    _refresh_memberships(ask)
    _end(ask)
    logger.info("bill account linked", extra={"citizen": privacy.pseudonym(ask.user)})
    return "bill-linked", cards.linked(ask.lang, account.account, account.address or "")


def _own_link(ask: Ask):
    account = ask.data.params.get("a", "")
    link = bill_links.link_of(ask.user, ask.agency.agency_id, account) if account else None
    if link is None:
        raise Refused("not one of the citizen's accounts")
    return link


def start_rename(ask: Ask):
    link = _own_link(ask)
    conversations.save(ask.user, DOMAIN, {"step": "rename", "account": link.account})
    conversations.hold(ask.user, DOMAIN)
    return "bill-rename-ask", cards.ask_name(ask.lang, link.account)


def _typed_name(ask: Ask, number: str, text: str):
    link = bill_links.link_of(ask.user, ask.agency.agency_id, number)
    _end(ask)
    if link is None:
        return "bill-invalid", cards.invalid(ask.lang)
    from civic.text import clean, cut_label

    name = cut_label(clean(text).replace("\n", " ").strip(), NAME_MAX)
    link.update(actions=[bill_links.Link.nickname.set(name or None)])
    return "bill-renamed", cards.simple(ask.lang, "bl_renamed", [cards._button(ask.lang, "menu_my_bills",
                                                                              cards.action("mine"))],
                                        account=link.account, name=name)


def unlink(ask: Ask):
    return "bill-unlink-ask", cards.unlink_ask(ask.lang, _own_link(ask).account)


def unlink_confirmed(ask: Ask):
    link = _own_link(ask)
    bill_links.remove(link)
    _refresh_memberships(ask)
    return "bill-unlinked", cards.simple(ask.lang, "bl_unlinked", account=link.account)


def keep(ask: Ask):
    return "bill-kept", cards.simple(ask.lang, "bl_kept")


# ---------------------------------------------------------------- my bills

@dataclass(frozen=True)
class Held:
    """A linked account as "my bills" shows it: its number, the citizen's name for it, its address."""
    account: str
    nickname: str | None
    address: str


def mine(ask: Ask):
    _end(ask)
    agency_id = ask.agency.agency_id
    found = bill_links.links(ask.user, agency_id)
    accounts = bill_accounts.of(agency_id, [link.account for link in found])

    shown = [(Held(link.account, link.nickname, accounts[link.account].address if link.account in accounts else ""),
              bills.of_account(agency_id, link.account, limit=4)) for link in found]
    return "bill-mine", cards.mine(ask.lang, shown)


# ---------------------------------------------------------------- what I hear about

@dataclass
class Choices:
    topics: set
    opt_outs: set
    age_group: str | None
    areas: set  # subscribed "district|subdistrict" ("*" = the whole district)


def _choices(ask: Ask) -> Choices:
    item = bill_links.prefs(ask.user, ask.agency.agency_id)
    if item is None:
        return Choices(set(), set(), None, set())
    return Choices(set(item.topics or ()), set(item.opt_outs or ()), item.age_group, set(item.areas or ()))


def _save(ask: Ask, choices: Choices) -> None:
    agency_id = ask.agency.agency_id
    held = bill_links.links(ask.user, agency_id)
    linked = {f"{link.district}|{link.subdistrict}" for link in held if link.district}
    bill_links.save_prefs(ask.user, agency_id, choices.topics, choices.opt_outs, choices.age_group, choices.areas,
                          linked | choices.areas, len(held))


def _refresh_memberships(ask: Ask) -> None:
    _save(ask, _choices(ask))


def show_prefs(ask: Ask):
    _end(ask)
    choices = _choices(ask)
    linked = bool(bill_links.links(ask.user, ask.agency.agency_id))
    areas = [a.replace("|*", "").replace("|", " / ") for a in sorted(choices.areas)]
    return "bill-prefs", cards.prefs(ask.lang, ask.agency_name, choices.topics, choices.opt_outs, areas,
                                     choices.age_group, linked)


def _heard(ask: Ask, choices: Choices) -> set[str]:
    linked = bool(bill_links.links(ask.user, ask.agency.agency_id))
    return {x for x in rules.TOPICS if (linked or x in choices.topics) and x not in choices.opt_outs}


def topics(ask: Ask):
    return "bill-prefs-topics", cards.topics_menu(ask.lang, _heard(ask, _choices(ask)))


def toggle_topic(ask: Ask):
    topic = ask.data.params.get("x")
    if topic not in rules.TOPICS:
        raise Refused("unknown topic")
    choices = _choices(ask)
    if topic in _heard(ask, choices):
        choices.topics.discard(topic)
        choices.opt_outs.add(topic)
    else:
        choices.topics.add(topic)
        choices.opt_outs.discard(topic)
    _save(ask, choices)
    return "bill-prefs-saved", cards.topics_menu(ask.lang, _heard(ask, choices))


def toggle_opt_out(ask: Ask):
    what = ask.data.params.get("x")
    if what not in rules.OPT_OUTS:
        raise Refused("unknown opt-out")
    choices = _choices(ask)
    choices.opt_outs ^= {what}
    _save(ask, choices)
    return show_prefs(ask)


def districts(ask: Ask):
    chosen = {a.split("|", 1)[0] for a in _choices(ask).areas}
    return "bill-prefs-districts", cards.districts_menu(ask.lang, sorted(ask.agency.area_map), chosen)


def district(ask: Ask):
    name = ask.data.params.get("d")
    area_map = ask.agency.area_map
    if name not in area_map:
        raise Refused("unknown district")
    chosen = {a.split("|", 1)[1] for a in _choices(ask).areas if a.split("|", 1)[0] == name}
    return "bill-prefs-subdistricts", cards.subdistricts_menu(ask.lang, name, area_map[name], chosen)


def toggle_area(ask: Ask):
    name, sub = ask.data.params.get("d"), ask.data.params.get("s")
    area_map = ask.agency.area_map
    if name not in area_map or (sub != "*" and sub not in area_map[name]):
        raise Refused("unknown area")
    choices = _choices(ask)
    choices.areas ^= {f"{name}|{sub}"}
    _save(ask, choices)
    chosen = {a.split("|", 1)[1] for a in choices.areas if a.split("|", 1)[0] == name}
    return "bill-prefs-saved", cards.subdistricts_menu(ask.lang, name, area_map[name], chosen)


def ages(ask: Ask):
    return "bill-prefs-ages", cards.ages_menu(ask.lang, _choices(ask).age_group)


def age(ask: Ask):
    group = ask.data.params.get("g")
    if group not in rules.AGE_GROUPS + ("none",):
        raise Refused("unknown age group")
    choices = _choices(ask)
    choices.age_group = None if group == "none" else group
    _save(ask, choices)
    return show_prefs(ask)


def refuse(ask: Ask):
    raise Refused(f"unknown action {ask.data.action!r}")


STEPS = {
    "mine": mine, "link": start_link, "cancel": cancel, "rename": start_rename, "unlink": unlink,
    "unlinkok": unlink_confirmed, "keep": keep, "prefs": show_prefs, "topics": topics, "topic": toggle_topic,
    "opt": toggle_opt_out, "areas": districts, "district": district, "area": toggle_area, "ages": ages, "age": age,
}
