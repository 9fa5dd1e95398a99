"""One settings object for every function and domain, read from the environment the template gives.

Stdlib only (a frozen dataclass) so the intake can use it without paying for pydantic at cold start.
Table models read their names through `setting()`, so a name is taken when the table is used, not imported.
Variable names are unique across functions: the local stack runs every function in one process.
"""

import os
from dataclasses import dataclass

from civic import domains


@dataclass(frozen=True)
class Settings:
    # the deployment
    agency_id: str                 # the agency whose LINE Official Account this deployment answers for
    line_secret_name: str
    line_api_endpoint: str         # "" = LINE's own hosts
    secret_max_age_s: int
    domain_queues: dict[str, str]  # domain → queue URL (from the registry), for the intake
    outbox_queue_url: str
    exports_bucket: str
    # spine tables
    webhook_events_table: str
    conversations_table: str
    citizens_table: str
    deliveries_table: str
    idempotency_table: str
    # spine behaviour
    webhook_dedupe_days: int
    citizen_retention_days: int
    focus_hours: int               # how long a chat's focus (an open draft) lasts without news
    reply_token_max_age_s: int
    line_ceilings: dict[str, float]  # endpoint (reply, push, multicast) → requests/s for the whole channel
    line_send_max_concurrency: int   # LineSender instances at most (its event source's MaximumConcurrency)
    line_read_timeout_s: float     # how long LINE's answer is awaited once a request is sent
    # booking
    booking_services_table: str
    booking_slots_table: str
    bookings_table: str
    booking_waitlist_table: str
    queue_tickets_table: str
    booking_offer_minutes: int     # how long a freed seat is held for the first waiting citizen
    booking_retention_days: int    # bookings, waitlist entries and tickets are kept this long after the slot
    # the agency's side: its profile, chats with staff, FAQ
    agency_profiles_table: str
    chats_table: str
    chat_media_bucket: str
    chat_retention_days: int       # chats with staff (and their photos) are kept this long
    faq_table: str
    # rich menu
    rich_menus_table: str
    # complaints
    complaint_setup_table: str
    complaint_cases_table: str
    complaint_figures_table: str
    complaint_drafts_table: str
    complaint_media_bucket: str
    complaint_retention_days: int  # a closed case is kept this long, then expires
    complaint_confirm_days: int    # a resolved case waits this long for the citizen; silence confirms it
    # bills and notices
    bill_agencies_table: str
    bill_accounts_table: str
    bills_table: str
    bill_jobs_table: str
    bill_links_table: str
    bill_work_queue_url: str       # the fan-out's pieces: file segments, import chunks, notify chunks, notice pages
    imports_bucket: str
    public_url: str                # where this deployment's public routes are (the QR pictures): https://…
    bill_retention_days: int       # bills are kept this long after their due date
    bill_job_days: int             # batches, notices and their reports are kept this long
    bill_link_tries: int           # wrong checks in a row before a pause
    bill_link_pause_minutes: int


def settings() -> Settings:
    """Read on every call (a few dozen dict look-ups): tests and the local stack set variables after import."""
    env = os.environ.get
    return Settings(
        agency_id=env("AGENCY_ID", "demo-municipality"),
        line_secret_name=env("LINE_SECRET_NAME", "line-civic-desk/channel"),
        line_api_endpoint=env("LINE_API_ENDPOINT", "").rstrip("/"),
        secret_max_age_s=int(env("LINE_SECRET_MAX_AGE_S", "300")),
        domain_queues={d.name: env(d.queue_env, "") for d in domains.DOMAINS},
        outbox_queue_url=env("OUTBOX_QUEUE_URL", ""),
        exports_bucket=env("EXPORTS_BUCKET", ""),
        webhook_events_table=env("WEBHOOK_EVENTS_TABLE", "webhook-events"),
        conversations_table=env("CONVERSATIONS_TABLE", "conversations"),
        citizens_table=env("CITIZENS_TABLE", "citizens"),
        deliveries_table=env("DELIVERIES_TABLE", "deliveries"),
        idempotency_table=env("IDEMPOTENCY_TABLE", "idempotency"),
        webhook_dedupe_days=int(env("WEBHOOK_DEDUPE_DAYS", "7")),
        citizen_retention_days=int(env("CITIZEN_RETENTION_DAYS", "30")),
        focus_hours=int(env("FOCUS_HOURS", "24")),
        reply_token_max_age_s=int(env("REPLY_TOKEN_MAX_AGE_S", "50")),
        line_ceilings={"reply": float(env("LINE_REPLY_CEILING", "1800")),
                       "push": float(env("LINE_PUSH_CEILING", "1800")),
                       "multicast": float(env("LINE_MULTICAST_CEILING", "180"))},
        line_send_max_concurrency=max(1, int(env("LINE_SEND_MAX_CONCURRENCY", "10"))),
        line_read_timeout_s=float(env("LINE_READ_TIMEOUT_S", "10")),
        booking_services_table=env("BOOKING_SERVICES_TABLE", "booking-services"),
        booking_slots_table=env("BOOKING_SLOTS_TABLE", "booking-slots"),
        bookings_table=env("BOOKINGS_TABLE", "bookings"),
        booking_waitlist_table=env("BOOKING_WAITLIST_TABLE", "booking-waitlist"),
        queue_tickets_table=env("QUEUE_TICKETS_TABLE", "queue-tickets"),
        booking_offer_minutes=int(env("BOOKING_OFFER_MINUTES", "15")),
        booking_retention_days=int(env("BOOKING_RETENTION_DAYS", "90")),
        agency_profiles_table=env("AGENCY_PROFILES_TABLE", "agency-profiles"),
        chats_table=env("CHATS_TABLE", "chats"),
        chat_media_bucket=env("CHAT_MEDIA_BUCKET", ""),
        chat_retention_days=int(env("CHAT_RETENTION_DAYS", "90")),
        faq_table=env("FAQ_TABLE", "faq"),
        rich_menus_table=env("RICH_MENUS_TABLE", "rich-menus"),
        complaint_setup_table=env("COMPLAINT_SETUP_TABLE", "complaint-setup"),
        complaint_cases_table=env("COMPLAINT_CASES_TABLE", "complaint-cases"),
        complaint_figures_table=env("COMPLAINT_FIGURES_TABLE", "complaint-figures"),
        complaint_drafts_table=env("COMPLAINT_DRAFTS_TABLE", "complaint-drafts"),
        complaint_media_bucket=env("COMPLAINT_MEDIA_BUCKET", ""),
        complaint_retention_days=int(env("COMPLAINT_RETENTION_DAYS", "730")),
        complaint_confirm_days=int(env("COMPLAINT_CONFIRM_DAYS", "7")),
        bill_agencies_table=env("BILL_AGENCIES_TABLE", "bill-agencies"),
        bill_accounts_table=env("BILL_ACCOUNTS_TABLE", "bill-accounts"),
        bills_table=env("BILLS_TABLE", "bills"),
        bill_jobs_table=env("BILL_JOBS_TABLE", "bill-jobs"),
        bill_links_table=env("BILL_LINKS_TABLE", "bill-links"),
        bill_work_queue_url=env("BILL_WORK_QUEUE_URL", ""),
        imports_bucket=env("IMPORTS_BUCKET", ""),
        public_url=env("PUBLIC_URL", "").rstrip("/"),
        bill_retention_days=int(env("BILL_RETENTION_DAYS", "400")),
        bill_job_days=int(env("BILL_JOB_DAYS", "90")),
        bill_link_tries=int(env("BILL_LINK_TRIES", "5")),
        bill_link_pause_minutes=int(env("BILL_LINK_PAUSE_MINUTES", "15")),
    )


class setting:
    """A class attribute that reads one field of the settings when accessed (PynamoDB's Meta.table_name)."""

    def __init__(self, field: str):
        self.field = field

    def __get__(self, obj, owner=None):
        return getattr(settings(), self.field)
