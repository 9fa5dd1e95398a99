"""The one registry of the product's domains: everything the spine derives from "which domains exist".

Stdlib only and data only: the webhook intake reads it on its cold-start path. From it come the intake's
routing (postback codes, typed keywords, the message types a domain takes while it holds a chat's focus),
each domain's queue, the help menu, the "my data" export and erase holders, and (in the local stack) the
demo seeders, found as `infra.local.demo.<name>`. Adding a domain is a package under civic/ plus one
entry here (docs/architecture.md, "Adding a domain").
"""

from dataclasses import dataclass, field

FALLBACK = "citizen"  # what is not recognised goes to the citizen basics, which always answer


@dataclass(frozen=True)
class MenuEntry:
    label: str   # catalogue key of the button's text
    action: str  # the domain's postback action it starts


@dataclass(frozen=True)
class Domain:
    name: str
    code: str                          # in postback data: `1/<code>/<action>?…`
    queue_env: str                     # the environment variable holding the domain's FIFO queue URL
    keywords: dict[str, str] = field(default_factory=dict)  # typed text (lower-cased, stripped) → action
    # While this domain holds a chat's focus (a draft waiting for text, a photo, a place), the intake sends it
    # these message types. It takes the focus when the citizen taps, or types the keyword of, one of
    # `focus_actions`. An exclusive focus (a person answering) takes every message, keywords included.
    focus_messages: frozenset[str] = frozenset()
    focus_actions: frozenset[str] = frozenset()
    focus_exclusive: bool = False
    menu: tuple[MenuEntry, ...] = ()
    # Webhook event types other than message and postback that this domain takes (e.g. "unsend": only the
    # domain that stores what citizens write can hide it).
    event_types: frozenset[str] = frozenset()
    # module → the template resources whose personal data it exports and erases (civic.privacy)
    holders: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # a module with open_records(agency_id, user_id, lang) -> list[dict]: what staff see beside a chat
    summary: str | None = None


# What a citizen may send in LINE; a chat handed over to staff takes all of it.
MESSAGE_TYPES = frozenset({"text", "image", "video", "audio", "file", "location", "sticker"})

DOMAINS: tuple[Domain, ...] = (
    Domain(
        "booking", "bk", "BOOKING_QUEUE_URL",
        keywords={"จองคิว": "start", "นัดหมาย": "start", "book": "start", "booking": "start",
                  "คิวของฉัน": "mine", "การจองของฉัน": "mine", "my bookings": "mine"},
        menu=(MenuEntry("menu_booking", "start"), MenuEntry("menu_my_bookings", "mine")),
        holders={"civic.booking.my_data": ("BookingsTable", "BookingWaitlistTable", "QueueTicketsTable")},
        summary="civic.booking.my_data",
    ),
    Domain(
        "complaint", "cp", "COMPLAINT_QUEUE_URL",
        keywords={"แจ้งเรื่อง": "start", "ร้องเรียน": "start", "แจ้งปัญหา": "start", "report": "start",
                  "report a problem": "start", "complaint": "start",
                  "เรื่องของฉัน": "mine", "เรื่องที่แจ้ง": "mine", "my complaints": "mine", "my reports": "mine"},
        # A draft takes the citizen's words, photos and place; "add a note", "not fixed" and a rating take the
        # next message as a note or comment on the case.
        focus_messages=frozenset({"text", "image", "location"}),
        focus_actions=frozenset({"cat", "note", "reopen", "rate"}),
        menu=(MenuEntry("menu_complaint", "start"), MenuEntry("menu_my_complaints", "mine")),
        event_types=frozenset({"unsend"}),
        holders={"civic.complaints.my_data": ("ComplaintCasesTable", "ComplaintDraftsTable",
                                              "ComplaintMediaBucket")},
        summary="civic.complaints.my_data",
    ),
    Domain(
        # A person at the agency answers the chat; the bot stays silent until it is handed back.
        "handover", "hd", "HANDOVER_QUEUE_URL",
        keywords={"ติดต่อเจ้าหน้าที่": "ask", "คุยกับเจ้าหน้าที่": "ask", "ขอคุยกับเจ้าหน้าที่": "ask",
                  "contact staff": "ask", "talk to a person": "ask", "talk to staff": "ask"},
        focus_messages=MESSAGE_TYPES, focus_actions=frozenset({"ask"}), focus_exclusive=True,
        menu=(MenuEntry("menu_contact_staff", "ask"),),
        holders={"civic.handover.my_data": ("ChatsTable", "ChatMediaBucket")},
    ),
    Domain(
        "bill", "bl", "BILL_QUEUE_URL",
        keywords={"บิลของฉัน": "mine", "ใบแจ้งหนี้": "mine", "ค่าน้ำ": "mine", "ค่าไฟ": "mine",
                  "my bills": "mine", "bills": "mine", "ผูกบัญชี": "link", "link account": "link",
                  "รับข่าวสาร": "prefs", "ข่าวสาร": "prefs", "notices": "prefs"},
        # Linking and renaming wait for typed text (an account number, the check, a name).
        focus_messages=frozenset({"text"}), focus_actions=frozenset({"link", "rename"}),
        menu=(MenuEntry("menu_my_bills", "mine"), MenuEntry("menu_bill_prefs", "prefs")),
        holders={"civic.bills.my_data": ("BillLinksTable",)},
    ),
    Domain(
        "citizen", "ct", "CITIZEN_QUEUE_URL",
        keywords={"ข้อมูลของฉัน": "mydata", "my data": "mydata",
                  "ช่วยเหลือ": "help", "เมนู": "help", "help": "help", "menu": "help"},
        menu=(MenuEntry("menu_my_data", "mydata"),),
        holders={"civic.tables.citizens": ("CitizensTable",), "civic.tables.deliveries": ("DeliveriesTable",),
                 "civic.tables.conversations": ("ConversationsTable",),
                 "civic.citizen.exports": ("ExportsBucket",)},
    ),
)

BY_NAME = {d.name: d for d in DOMAINS}
BY_CODE = {d.code: d for d in DOMAINS}


def get(name: str) -> Domain:
    return BY_NAME[name]


def keyword(text: str) -> tuple[str, str] | None:
    """(domain, action) that typed text starts, or None. Exact after strip and lower-casing."""
    said = text.strip().lower()
    for domain in DOMAINS:
        if said in domain.keywords:
            return domain.name, domain.keywords[said]
    return None


def menu() -> list[tuple[str, MenuEntry]]:
    """The help menu's entries, (domain, entry), in registry order."""
    return [(d.name, entry) for d in DOMAINS for entry in d.menu]


def summaries() -> list[tuple[str, str]]:
    """(domain, module) of every domain that shows staff a citizen's open records."""
    return [(d.name, d.summary) for d in DOMAINS if d.summary]


def holders() -> dict[str, tuple[str, ...]]:
    """Every export/erase holder module of every domain, with the template resources it covers."""
    return {module: resources for d in DOMAINS for module, resources in d.holders.items()}
