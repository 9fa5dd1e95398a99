"""The shared package of the LINE civic desk: domain logic, table models, LINE's door, Thai text.

Kept import-light on purpose: the webhook intake imports parts of it on its cold-start path.
"""
