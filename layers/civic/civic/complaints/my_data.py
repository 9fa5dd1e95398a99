"""A citizen's complaint data under the PDPA: export everything held, and erase it.

Export: their drafts, every case they reported or follow (with their own words and notes, photo records,
rating and comment), and their notes. Erase: drafts and their photos go; their follow links and notes'
words go; a case they reported is kept — the agency must account for the work — but anonymised: no link to
the citizen remains, their words are kept only scrubbed of phone and ID numbers, e-mail addresses and
their own LINE display name,
their photos are deleted, their rating's comment removed (the stars stay in the figures). docs/pdpa.md.
"""

from civic import thai
from civic.complaints import media, rules
from civic.tables import citizens
from civic.tables import complaint_cases as case_table
from civic.tables import complaint_drafts as drafts
from civic.tables.complaint_cases import Case, Entry


def _case_record(case: Case, role: str) -> dict:
    return {"agency": case.agency_id, "ref": case.ref, "role": role, "category": case.category,
            "status": case.status, "created_at": int(case.created_at), "due_at": int(case.due_at),
            "description": case.description if role == "reporter" else None,
            "place": {"lat": case.lat, "lng": case.lng, "address": case.address, "landmark": case.landmark},
            "photos": [{"id": p["id"], "kind": p["kind"], "at": p["at"], "state": p["state"]}
                       for p in case.photos if p.get("by") == "citizen" or p.get("kind") == "after"],
            "rating": int(case.rating) if case.rating is not None else None,
            "rating_comment": case.rating_comment if role == "reporter" else None}


def open_records(agency_id: str, user_id: str, lang: str) -> list[dict]:
    """The citizen's cases with this agency that are not closed, for staff answering their chat."""
    keys = [(f.agency_id, f.ref) for f in case_table.followed_by(user_id) if f.agency_id == agency_id]
    return [{"kind": "complaint", "ref": c.ref, "title": c.category, "status": c.status,
             "at": thai.moment(thai.from_epoch(int(c.due_at)), lang)}
            for c in case_table.find_many(keys) if c.status not in rules.CLOSED]


def export_citizen(user_id: str) -> list[dict]:
    records = [{"kind": f"draft_{d.slot}", "state": d.state, "ends_at": int(d.ends_at)}
               for d in drafts.of_citizen(user_id)]
    followed = case_table.followed_by(user_id)
    roles = {(f.agency_id, f.ref): f.role for f in followed}
    records += [{"kind": "case", **_case_record(c, roles[(c.agency_id, c.ref)])}
                for c in case_table.find_many(list(roles))]
    records += [{"kind": "note", "agency": e.agency_id, "case": e.pk.rsplit("#", 1)[1], "at": int(e.at),
                 "action": e.action, "note": e.note} for e in case_table.notes_by(user_id)]
    return records


def _anonymous(words: str, name: str | None) -> str:
    words = rules.scrub(words)
    return words.replace(name, rules.REMOVED) if name and len(name.strip()) > 1 else words


def _anonymise(case: Case, name: str | None) -> None:
    mine = [p for p in case.photos if p.get("by") == "citizen" and p.get("state") == "ok"]
    media.delete([p["key"] for p in mine])
    case.update(actions=[
        Case.parts.set([{"m": None, "t": _anonymous(p["t"], name), **({"hidden": True} if p.get("hidden") else {})}
                        for p in case.parts]),
        Case.photos.set([dict(p, state="removed", m=None) if p in mine else p for p in case.photos]),
        Case.rating_comment.remove(), Case.rating_comment_m.remove(), Case.reporter_erased.set(True)])


def erase_citizen(user_id: str) -> int:
    """Runs before the citizen's own profile is erased (registry order), so their display name is still known."""
    profile = citizens.find(user_id)
    name = profile.display_name if profile else None
    removed = 0
    for draft in drafts.of_citizen(user_id):
        media.delete([p["key"] for p in (draft.state or {}).get("photos", [])])
        draft.delete()
        removed += 1
    for follower in case_table.followed_by(user_id):
        case = case_table.find(follower.agency_id, follower.ref)
        if case is not None and follower.role == "reporter":
            _anonymise(case, name)
        follower.delete()
        removed += 1
    for entry in case_table.notes_by(user_id):
        entry.update(actions=[Entry.user_id.remove(), Entry.created_at.remove(), Entry.note.remove(),
                              Entry.note_hidden.set(bool(entry.note) or bool(entry.note_hidden))])
        removed += 1
    return removed
