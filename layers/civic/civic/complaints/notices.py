"""Pushes of the complaint domain: each step of a case to its followers, the duty officers' alert on an urgent
case, the supervisors' on an overdue one, and "your draft expired".

Every id is derived from the business event — the case, the step's version and the recipient — so a
retried step or schedule puts the same id and LineSender sends it once. Consent: every push to a citizen
here answers something they asked for (their own report, one they chose to follow, their own draft), so
none needs the reminder consent; a citizen who reports nothing is pushed nothing. Staff alerts go to the
LINE ids the agency's admin configured (docs/complaint.md).
"""

from civic import outbox, privacy
from civic.complaints import cards, rules
from civic.i18n import t
from civic.settings import settings
from civic.tables import citizens
from civic.tables import complaint_cases as cases
from civic.tables import complaint_setup as setup
from civic.tables.complaint_cases import Case, Timer


def language(user_id: str) -> str:
    citizen = citizens.find(user_id)
    return citizen.language if citizen and citizen.language in ("th", "en") else "th"


def _short(user_id: str) -> str:
    return privacy.pseudonym(user_id)[:12]


def names(agency_id: str, lang: str, entries: list | None = None) -> dict[str, str]:
    """Department codes → the names citizens read, and the agencies the entries forwarded to."""
    found = {d.code: d.name(lang) for d in setup.departments(agency_id)}
    agency = setup.settings_of(agency_id)
    found.setdefault(agency.triage_department, t(lang, "cp_triage_name"))
    for other in {(e.detail or {}).get("agency") for e in entries or []} - {None}:
        found.setdefault(other, setup.settings_of(other).name(lang))
    return found


def category_name(case: Case, lang: str) -> str:
    category = setup.category(case.agency_id, case.category) if case.category else None
    return category.name(lang) if category else t(lang, "cp_unknown_category")


def after_photo_url(base_url: str, case: Case, photo: dict) -> str:
    """The public link of an "after" photo (unguessable; served by the media route of the same API)."""
    return f"{base_url}/media/complaint/{case.agency_id}/{case.ref}/{photo['token']}.jpg"


def step_pushes(case: Case, version: int) -> list[outbox.Outbound]:
    """The pushes of step `version` of a case, one per follower (not the citizen who took the step)."""
    entry = cases.entry(case.agency_id, case.ref, version)
    if entry is None or entry.action not in rules.PUSHED:
        return []
    recent = cases.timeline(case.agency_id, case.ref)
    moved = (entry.detail or {}).get("ref")
    pushes = []
    for follower in cases.followers(case.agency_id, case.ref):
        if follower.user_id == entry.user_id:
            continue
        lang = language(follower.user_id)
        messages = cards.step(lang, case, entry, names(case.agency_id, lang, recent),
                              [e for e in recent if e.version <= version], settings().agency_id,
                              (entry.detail or {}).get("photo_url"), settings().complaint_confirm_days,
                              moved_to=moved)
        pushes.append(outbox.push(f"cp.{case.agency_id}.{case.ref}.v{version}.{_short(follower.user_id)}",
                                  follower.user_id, messages, f"complaint-{entry.action.replace('_', '-')}"))
    return pushes


def send_step(case: Case, version: int) -> int:
    """Push a step to the followers, then clear its push timer (the schedule re-sends it otherwise)."""
    pushes = step_pushes(case, version)
    outbox.send(pushes)
    Timer(case.pk, f"W#push#{version:05d}").delete()
    return len(pushes)


def duty_alert(case: Case) -> int:
    """An urgent case: each duty officer the agency configured is pushed at once."""
    if not case.urgent:
        return 0
    agency = setup.settings_of(case.agency_id)
    departments = names(case.agency_id, "th")
    messages = cards.duty_alert(case, category_name(case, "th"), departments.get(case.department, case.department),
                                cards.place_of("th", case))
    pushes = [outbox.push(f"cp-duty.{case.agency_id}.{case.ref}.{_short(officer)}", officer, messages, "complaint-duty")
              for officer in agency.duty_officers]
    outbox.send(pushes)
    return len(pushes)


def escalation_alert(case: Case) -> int:
    agency = setup.settings_of(case.agency_id)
    departments = names(case.agency_id, "th")
    messages = cards.escalation_alert(case, category_name(case, "th"), departments.get(case.department, case.department))
    pushes = [outbox.push(f"cp-esc.{case.agency_id}.{case.ref}.{int(case.due_at)}.{_short(s)}", s, messages,
                          "complaint-escalation")
              for s in agency.supervisors]
    outbox.send(pushes)
    return len(pushes)


def draft_expired(user_id: str, draft_id: str) -> outbox.Outbound:
    lang = language(user_id)
    return outbox.push(f"cp-draft.{_short(user_id)}.{draft_id}", user_id,
                       cards.draft_expired(lang, settings().focus_hours), "complaint-draft-expired")
