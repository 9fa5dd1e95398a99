"""Each new bill to the citizens linked to its account: a push per bill per citizen (the card, with the leak
warning when the usage jumped), once a batch is imported and the month's LINE quota allows the whole batch.

A bill card is what the citizen asked for by linking the account, so it goes to every linked citizen who
still follows the account (consent governs reminders and notices, not the bills asked for). Ids are
`bl-bill.<agency>.<account>.<period>.<user>`: a retried chunk, or the same file imported again, sends none
twice. Each push is independent (its own FIFO group): a 429 on one holds back no other.
"""

import time
from datetime import date
from decimal import Decimal

from aws_lambda_powertools import Logger

from civic import outbox, quota
from civic.bills import cards, rules, work
from civic.line_api import QuotaUnknown
from civic.settings import settings
from civic.tables import bill_accounts, bill_agencies, bill_jobs, bill_links, bills, citizens

logger = Logger(child=True)


def tally_key(agency_id: str, job_id: str) -> str:
    return f"{agency_id}#{job_id}"


def held_message(budget: quota.Budget) -> str:
    resets = quota.resets_after(time.time())
    return (f"held: this send needs {budget.planned:,} messages and LINE's quota has {budget.left:,} of "
            f"{budget.quota:,} left this month (counted in Japan time; it starts again on "
            f"{resets:%Y-%m-%d} 00:00 JST). Raise the plan's quota or send it after then.")


def start(job) -> bool:
    """Notify a batch's citizens if the month's quota takes it; else hold it with the reason. True if started."""
    try:
        budget = quota.check(job.count("planned"))
    except QuotaUnknown as exc:
        bill_jobs.move(job, "held_quota", ("imported", "held_quota"),
                       message=f"held: LINE did not say how much of the month's quota is left ({exc}); try again")
        return False
    if not budget.fits:
        bill_jobs.move(job, "held_quota", ("imported", "held_quota"), message=held_message(budget))
        logger.warning("bill batch held for the quota", extra={"batch": job.job_id, "planned": budget.planned,
                                                               "left": budget.left})
        return False
    if not bill_jobs.move(job, "notifying", ("imported", "held_quota")):
        return False
    work.enqueue([(f"{job.job_id}.fan", f"{job.job_id}.fan.0",
                   {"stage": "notify-fan", "agency": job.agency_id, "batch": job.job_id, "from": 0})])
    return True


def fan(body: dict) -> None:
    """Enqueue the next FAN chunks' notify pieces, then the next fan piece."""
    job = bill_jobs.find(body["agency"], body["batch"])
    if job is None:
        return
    total, first = int(job.chunks or 0), body["from"]
    last = min(total, first + work.FAN)
    pieces = [(f"{job.job_id}.n{n}", f"{job.job_id}.n{n}", {"stage": "notify", "agency": job.agency_id,
                                                              "batch": job.job_id, "n": n})
              for n in range(first, last)]
    if last < total:
        pieces.append((f"{job.job_id}.fan", f"{job.job_id}.fan.{last}", {**body, "from": last}))
    work.enqueue(pieces)
    if total == 0:
        bill_jobs.move(job, "notified", ("notifying",))


def view(lang: str, agency, account, bill, link) -> cards.BillView:
    usage = Decimal(bill.usage)
    history = rules.before(account.usage_history, bill.period)
    leak = rules.leak_suspected(usage, history, Decimal(str(agency.leak_factor)),
                                Decimal(str(agency.leak_min_increase)))
    base = settings()
    qr_url = f"{base.public_url}/bills/qr/{agency.agency_id}/{bill.qr}.png" if bill.qr and base.public_url else None
    pay = agency.payment_url.replace("{account}", account.account) if agency.payment_url else None
    unit = bill.unit or (agency.unit_th if lang == "th" else agency.unit_en)
    return cards.BillView(agency.name_th if lang == "th" else agency.name_en, account.account,
                          link.nickname if link else None, account.address or "", bill.period, usage, unit,
                          rules.change(usage, history), Decimal(bill.amount), date.fromisoformat(bill.due), pay,
                          qr_url, rules.average(history) if leak else None)


def chunk(body: dict) -> None:
    agency_id, job_id, n = body["agency"], body["batch"], body["n"]
    job, agency = bill_jobs.find(agency_id, job_id), bill_agencies.find(agency_id)
    keys = bill_jobs.mark_of(agency_id, job_id, f"c{n}")
    if job is None or agency is None or keys is None:
        return
    found = bills.of([(agency_id, account, period) for account, period in keys])
    accounts = bill_accounts.of(agency_id, [account for account, _ in keys])
    linked = {account: bill_links.linked_users(agency_id, account) for account, _ in keys}
    people = citizens.of([u for users in linked.values() for u in users])
    pushes, unlinked, gone = [], 0, set()
    for account_no, period in keys:
        bill, account = found.get((account_no, period)), accounts.get(account_no)
        if bill is None or account is None:
            continue
        if not linked[account_no]:
            unlinked += 1
        for user in linked[account_no]:
            citizen = people.get(user)
            if citizens.reach(citizen) == "blocked":
                gone.add(user)
                continue
            lang = citizen.language if citizen.language in ("th", "en") else "th"
            link = bill_links.link_of(user, agency_id, account_no)
            if link is not None and link.expires_at is not None:
                bill_links.revive(user)  # they follow again: their links stay
            pushes.append(outbox.push(f"bl-bill.{agency_id}.{account_no}.{period}.{user}", user,
                                      cards.bill(lang, view(lang, agency, account, bill, link)), "bill",
                                      independent=True, tally=tally_key(agency_id, job_id)))
    outbox.send(pushes)
    for user in gone:
        bill_links.expire(user)  # LINE no longer reaches them: their links expire unless they come back
    bill_jobs.mark_once(agency_id, job_id, f"n{n}", queued=len(pushes), skipped_unlinked=unlinked,
                        blocked=len(gone), pages_done=1)
    job = bill_jobs.find(agency_id, job_id)
    if job.count("pages_done") >= int(job.chunks or 0):
        bill_jobs.move(job, "notified", ("notifying",))
