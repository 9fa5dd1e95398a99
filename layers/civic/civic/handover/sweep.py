"""Every minute: chats with no message either way for the agency's idle time go back to the bot.

Idempotent: a chat already closed is left alone, and the notice's id is the chat's, so a run that fails is
simply done again by the next one."""

from civic import thai
from civic.handover import rules, staff
from civic.tables import agencies, chats


def run(now=None) -> dict[str, int]:
    now = now or thai.now()
    closed = 0
    for agency_id in staff.agencies_with_chats():
        idle_minutes = int(agencies.find(agency_id).chat_idle_minutes)
        for chat in chats.live(agency_id, limit=1000):
            if rules.idle(int(chat.last_at), now, idle_minutes):
                closed += staff.hand_back(chat, int(now.timestamp() * 1000), by="idle")
    return {"chats_handed_back": closed}
