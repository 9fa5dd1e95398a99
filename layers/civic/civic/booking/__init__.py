"""Queue booking: citizens book, change and keep appointments in LINE; agencies run the day.

Pure (no AWS, no LINE SDK; tested in milliseconds): calendar (slots, holidays, priority seats), rules
(who may take which seat, references, reminders, waits, postback validation), cards (what we say).
With the tables: ledger (every seat move is one transaction), desk (the chat steps), tickets (the
queue on the day), staff (agency actions), notices (pushes), sweep (schedules), my_data (PDPA), demo.
See docs/booking.md.
"""
