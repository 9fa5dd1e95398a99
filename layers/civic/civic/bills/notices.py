"""Area notices: staff compose one (text, topic, areas, age groups), see how many it reaches and what it costs,
then send it now or at a time; each area's recipients are read a page (≤ 500) at a time and each page is one
multicast chunk with its own id, retry key and FIFO group.

Who gets it: citizens whose linked account lies in one of its areas, or who subscribed to one; who hear its
topic (a customer hears every topic unless they opted out; a subscriber hears the topics they chose); of
the age groups named, if any; who follow the account and consented to notices. A citizen found under
several of its areas is sent it through the first only (civic.bills.rules.first_match): nobody gets it twice.
The preview is the same walk without sending (status counting → ready).
"""

import json
import math
import time
import uuid

from aws_lambda_powertools import Logger

from civic import outbox, quota
from civic.bills import cards, rules, work
from civic.bills.notify import held_message
from civic.line_api import QuotaUnknown
from civic.tables import bill_agencies, bill_jobs, bill_links, citizens, deliveries

logger = Logger(child=True)


class NoticeError(ValueError):
    """What staff asked cannot be done (an unknown area or topic, a notice already sent); told as a 4xx."""


def audience(job) -> rules.Audience:
    detail = job.details
    return rules.Audience(tuple(rules.Area(a["district"], a.get("subdistrict")) for a in detail["areas"]),
                          detail["topic"], tuple(detail.get("age_groups") or ()))


def compose(agency_id: str, text: str, topic: str, areas: list[dict], age_groups: list[str]) -> object:
    """A new notice; its recipients are counted at once (the preview)."""
    agency = bill_agencies.find(agency_id)
    if agency is None:
        raise NoticeError("the agency has no bill settings yet")
    known = agency.area_map
    for area in areas:
        if area["district"] not in known or (area.get("subdistrict") and area["subdistrict"] not in known[area["district"]]):
            raise NoticeError(f"unknown area {area['district']}/{area.get('subdistrict') or '*'}: "
                              f"the agency's areas are {', '.join(sorted(known)) or 'not set'}")
    if topic not in rules.TOPICS:
        raise NoticeError(f"topic is one of {', '.join(rules.TOPICS)}")
    job_id = "N" + uuid.uuid4().hex[:15].upper()
    job = bill_jobs.create(agency_id, job_id, "notice", "counting",
                           {"text": text, "topic": topic, "areas": areas, "age_groups": age_groups})
    _walk(job, "count")
    return job


def walks(who: rules.Audience) -> list[tuple[int, str | None]]:
    """The index reads a notice needs: a whole district in one; a subdistrict and, apart, the district's
    district-wide subscribers ("*")."""
    return [(i, part) for i, area in enumerate(who.areas)
            for part in ([None] if area.subdistrict is None else [area.subdistrict, "*"])]


def _walk(job, mode: str) -> None:
    work.enqueue([(f"{job.job_id}.{mode}.{w}", f"{job.job_id}.{mode}.{w}.0",
                   {"stage": "page", "agency": job.agency_id, "notice": job.job_id, "mode": mode, "walk": w,
                    "n": 0, "start": None}) for w in range(len(walks(audience(job))))])


def send(agency_id: str, job_id: str, at: float | None = None) -> object:
    """Send a counted notice now (or schedule it): held instead if the month's quota would not take it."""
    job = bill_jobs.find(agency_id, job_id)
    if job is None:
        raise LookupError(job_id)
    if job.status not in ("ready", "held_quota", "scheduled"):
        raise NoticeError(f"the notice is {job.status}: only a counted notice (ready) can be sent")
    if at and at > time.time() + 30:
        bill_jobs.move(job, "scheduled", ("ready", "held_quota", "scheduled"), send_at=at,
                       schedule_key=f"{agency_id}#scheduled")
        return bill_jobs.find(agency_id, job_id)
    release(job)
    return bill_jobs.find(agency_id, job_id)


def release(job) -> bool:
    """Start sending after the quota check; hold with the reason if it would not fit."""
    try:
        budget = quota.check(job.count("planned"))
    except QuotaUnknown as exc:
        bill_jobs.move(job, "held_quota", ("ready", "held_quota", "scheduled"),
                       message=f"held: LINE did not say how much of the month's quota is left ({exc}); try again")
        return False
    if not budget.fits:
        bill_jobs.move(job, "held_quota", ("ready", "held_quota", "scheduled"), message=held_message(budget))
        return False
    if bill_jobs.move(job, "sending", ("ready", "held_quota", "scheduled")):
        _walk(job, "send")
        return True
    return False


def due(now: float) -> int:
    """Scheduled notices whose time has come, in every agency: released (or held for the quota)."""
    started = 0
    for agency in bill_agencies.every():
        for job in bill_jobs.scheduled_before(agency.agency_id, now):
            started += release(job)
    return started


def page(body: dict) -> None:
    """One page of one area's members: filtered, then counted (preview) or sent as one multicast chunk."""
    agency_id, job_id, mode, w, n = body["agency"], body["notice"], body["mode"], body["walk"], body["n"]
    job = bill_jobs.find(agency_id, job_id)
    if job is None or job.status != ("counting" if mode == "count" else "sending"):
        return
    who = audience(job)
    i, part = walks(who)[w]
    area = who.areas[i]
    found, next_start = bill_links.members(agency_id, area.district, part,
                                           json.loads(body["start"]) if body["start"] else None,
                                           rules.MULTICAST_MAX)
    prefs = bill_links.prefs_of(agency_id, [user for user, _ in found])
    people = citizens.of([user for user, _ in found])
    counts = {"opted_out": 0, "skipped_no_consent": 0, "blocked": 0}
    recipients = []
    for user, subdistrict in found:
        item = prefs.get(user)
        if item is None:
            continue
        choice = rules.Prefs(linked=bool(item.linked_accounts),
                             topics=set(item.topics or ()), opt_outs=set(item.opt_outs or ()),
                             age_group=item.age_group,
                             memberships={tuple(m.split("|", 1)) for m in item.memberships or ()})
        if rules.first_match(who, choice.memberships) != (i, area.district, subdistrict):
            continue  # counted under an earlier area of this notice
        if rules.refusal(who, choice):
            counts["opted_out"] += 1
            continue
        reach = citizens.reach(people.get(user))
        if reach != "ok":
            counts["skipped_no_consent" if reach == "no_consent" else "blocked"] += 1
            continue
        recipients.append(user)
    piece = f"{mode}.{w}.{n}"
    if mode == "send" and recipients:
        agency = bill_agencies.find(agency_id)
        # LINE shows a multicast in one language: Thai, the agency's citizens' own.
        outbox.send([outbox.multicast(f"bl-notice.{agency_id}.{job_id}.{w}.{n}", recipients,
                                      cards.notice("th", agency.name_th, job.details["text"]), "notice",
                                      tally=f"{agency_id}#{job_id}")])
    done_area = next_start is None
    if mode == "count":
        bill_jobs.mark_once(agency_id, job_id, piece, planned=len(recipients), areas_counted=int(done_area),
                            requests=int(bool(recipients)), **counts)
    else:
        bill_jobs.mark_once(agency_id, job_id, piece, queued=len(recipients), areas_sent=int(done_area))
    if not done_area:
        work.enqueue([(f"{job_id}.{mode}.{w}", f"{job_id}.{mode}.{w}.{n + 1}",
                       {**body, "n": n + 1, "start": json.dumps(next_start)})])
        return
    job = bill_jobs.find(agency_id, job_id)
    areas = len(walks(who))
    if mode == "count" and job.count("areas_counted") >= areas:
        bill_jobs.move(job, "ready", ("counting",))
    elif mode == "send" and job.count("areas_sent") >= areas:
        bill_jobs.move(job, "sent", ("sending",))


def summary(job) -> dict:
    """What staff see of a notice: the preview (recipients, requests, messages, cost, quota left) and results."""
    agency = bill_agencies.find(job.agency_id)
    planned = job.count("planned")
    results = deliveries.tally(f"{job.agency_id}#{job.job_id}")
    price = int(agency.message_price_satang or 0) if agency else 0
    # each page of each index read is one request: recipients / 500, plus a partial page per read at most
    return {"recipients": planned, "multicast_requests": job.count("requests"), "messages": planned,
            "cost_baht": f"{planned * price / 100:.2f}" if price else None,
            "skipped": {"opted_out_or_other_topic": job.count("opted_out"),
                        "no_consent": job.count("skipped_no_consent"), "blocked": job.count("blocked")},
            "queued": job.count("queued"), "sent": results["delivered"], "failed": results["undeliverable"],
            "failed_why": results["reasons"], "chunks": math.ceil(job.count("queued") / rules.MULTICAST_MAX)}
