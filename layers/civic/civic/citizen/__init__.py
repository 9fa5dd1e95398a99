"""The citizen basics: follow and welcome with the privacy notice, consent, help, and "my data" (see,
export, erase). Pure: chat (what the bot says). With the tables: service (one event in, its effects
out), exports (the "my data" copy in S3, erased with the citizen)."""
