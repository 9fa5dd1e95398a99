"""Handover: a citizen talks with a person at the agency when the bot is not enough.

The citizen asks ("ติดต่อเจ้าหน้าที่", the menu, or after the bot misunderstood twice); the chat waits in
the agency's inbox with the citizen's open records beside it; a staff member takes it and answers; the
bot stays silent meanwhile (the chat's focus is exclusive: every message goes here, in order, and is kept);
staff hand it back, the citizen does, or it returns to the bot after the agency's idle time.
Pure: rules (office hours, expected answer times, idleness), cards (what the citizen reads). With the
tables: desk (the worker), staff (the agency's actions), sweep (idle chats), media (photos), my_data.
"""
