"""Complaint updates: citizens report a problem with a photo and its place and follow every step to a
confirmed fix; agencies route, work and answer; Open311 GeoReport v2 and open data for the public.

Pure (no AWS, no LINE SDK; tested in milliseconds): sla (working days, Thai holidays), routing (category and
place → department and area, central triage), rules (statuses, references, postbacks, drafts, duplicates,
scrubbing, figures), photos (Pillow re-encoding), cards (what we say), open311 (the standard's shapes).
With the tables: cases (every step one transaction), desk (the chat), staff (agency actions), notices
(pushes), sweep (the schedule), media (S3), public (Open311, open data, "after" photos), my_data (PDPA).
See docs/complaint.md.
"""
