"""Publishing the rich menu (civic.rich_menu.publisher) against the fake LINE: validate → create → upload → default,
and a rebuild that replaces the old menu and deletes it, leaving no orphan; with the RichMenus table in moto."""

import pytest

from civic.rich_menu import current, menu, publisher
from civic.tables import rich_menus
from infra.local.fake_line import status_answer
from tests.integration.rich_menu.conftest import AGENCY, calls


def _ours(line) -> list[str]:
    return [m["richMenuId"] for m in line.rich_menus() if m["name"].startswith(menu.name_prefix(AGENCY))]


def test_a_first_publish_validates_creates_uploads_and_sets_the_default(line):
    """GIVEN a channel without a menu WHEN published THEN LINE is asked, in order, to validate, create, take the
    image and set it as default; the default is the new menu with an area per registry entry, its image is
    the PNG drawn for it, and the record names it."""
    outcome = publisher.publish()

    assert calls(line) == ["GET /v2/bot/richmenu/list", "GET /v2/bot/user/all/richmenu",
                           "POST /v2/bot/richmenu/validate", "POST /v2/bot/richmenu",
                           "POST /v2/bot/richmenu/{id}/content", "POST /v2/bot/user/all/richmenu/{id}"]
    shown = line.default_rich_menu()
    assert outcome.status == "published" and shown["richMenuId"] == outcome.rich_menu_id
    assert [a["action"]["data"] for a in shown["areas"]] == [
        a["action"]["data"] for a in menu.request(menu.resolve())["areas"]]
    image, content_type = line.rich_menu_image(outcome.rich_menu_id)
    assert content_type == "image/png" and image == publisher.drawn(AGENCY, menu.resolve()).image
    record = rich_menus.published(AGENCY)
    assert (record.rich_menu_id, record.entries) == (outcome.rich_menu_id, list(outcome.entries))


def test_publishing_again_unchanged_creates_nothing(line):
    """GIVEN a published menu WHEN published again with nothing changed THEN "unchanged": no menu is created and
    the same one stays the default."""
    first = publisher.publish()
    before = len(line.requests())

    again = publisher.publish()

    assert (again.status, again.rich_menu_id) == ("unchanged", first.rich_menu_id)
    assert not [c for c in calls(line, since=before) if c.startswith("POST")]
    assert _ours(line) == [first.rich_menu_id]


def test_a_changed_configuration_replaces_the_menu_and_deletes_the_old_one(line):
    """GIVEN a published menu WHEN the agency hides "my bookings" and puts "my data" first, and it is published
    THEN a new default with those areas in that order, the old menu deleted after the new one was set, and only
    one menu of ours left."""
    first = publisher.publish()
    rich_menus.save_config(AGENCY, order=["citizen.mydata"], hidden=["booking.mine"], at=0)
    before = len(line.requests())

    second = publisher.publish()

    assert second.status == "published" and second.deleted == (first.rich_menu_id,)
    assert _ours(line) == [second.rich_menu_id] == [line.default_rich_menu()["richMenuId"]]
    assert [a["action"]["data"] for a in line.default_rich_menu()["areas"]][:2] == ["1/ct/mydata", "1/bk/start"]
    steps = calls(line, since=before)
    assert steps.index("POST /v2/bot/user/all/richmenu/{id}") < steps.index("DELETE /v2/bot/richmenu/{id}")
    assert rich_menus.published(AGENCY).entries[0] == "citizen.mydata"


def test_a_forced_rebuild_replaces_an_unchanged_menu(line):
    """GIVEN a published menu WHEN rebuilt with force THEN a new menu is the default and the old one is gone."""
    first = publisher.publish()
    second = publisher.publish(force=True)
    assert second.rich_menu_id != first.rich_menu_id and _ours(line) == [second.rich_menu_id]


def test_a_menu_left_by_an_interrupted_run_is_deleted_and_menus_not_ours_are_left(line):
    """GIVEN a menu of ours created but never set as default (a run that crashed), and a menu another tool made
    WHEN published THEN ours is deleted, the other one is left alone, and the new one is the default."""
    drawn = publisher.drawn(AGENCY, menu.resolve())
    stray = line_create(line, menu.named(drawn.request, AGENCY, "crashed"))
    foreign = line_create(line, {**drawn.request, "name": "campaign-2026"})

    outcome = publisher.publish()

    ids = [m["richMenuId"] for m in line.rich_menus()]
    assert stray in outcome.deleted and stray not in ids and foreign in ids
    assert sorted(ids) == sorted([foreign, outcome.rich_menu_id])


def line_create(line, request: dict) -> str:
    """Create a menu straight on the fake LINE (as another run or another tool would have)."""
    from werkzeug.test import Client

    answer = Client(line).post("/v2/bot/richmenu", json=request,
                               headers={"Authorization": "Bearer rich-menu-channel-access-token"})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["richMenuId"]


def test_a_failed_upload_deletes_the_new_menu_and_keeps_the_old_default(line, monkeypatch):
    """GIVEN a published menu WHEN a rebuild's image upload gets LINE's 500 THEN PublishError (retryable), the new
    menu is deleted again, the old one is still the default, and the record still names it."""
    first = publisher.publish()
    upload = line._line_rich_menu_image

    def failing(request, request_id, rich_menu_id):
        return status_answer(500) if request.method == "POST" else upload(request, request_id, rich_menu_id)

    monkeypatch.setattr(line, "_line_rich_menu_image", failing)
    with pytest.raises(publisher.PublishError) as failed:
        publisher.publish(force=True)

    assert failed.value.step == "upload the image" and failed.value.retryable
    assert "DELETE /v2/bot/richmenu/{id}" in calls(line)
    assert _ours(line) == [first.rich_menu_id] == [line.default_rich_menu()["richMenuId"]]
    assert rich_menus.published(AGENCY).rich_menu_id == first.rich_menu_id


def test_a_channel_at_lines_limit_is_refused_before_anything_is_created(line, monkeypatch):
    """GIVEN a channel whose other tools filled LINE's limit of menus WHEN published THEN PublishError saying so,
    and no menu is created."""
    monkeypatch.setattr(menu, "MAX_MENUS", 2)
    request = publisher.drawn(AGENCY, menu.resolve()).request
    line_create(line, {**request, "name": "campaign-a"}), line_create(line, {**request, "name": "campaign-b"})
    before = len(line.requests())

    with pytest.raises(publisher.PublishError) as refused:
        publisher.publish()

    assert "limit" in str(refused.value) and len(line.rich_menus()) == 2
    assert not [c for c in calls(line, since=before) if c.startswith("POST")]


def test_hiding_every_entry_takes_the_menu_off_the_channel(line):
    """GIVEN a published menu WHEN the agency hides every entry and it is published THEN the default is cancelled,
    no menu of ours is left, and the record is gone (the welcome stops speaking of a menu)."""
    publisher.publish()
    rich_menus.save_config(AGENCY, order=[], hidden=[e.id for e in menu.resolve()], at=0)

    outcome = publisher.publish()

    assert outcome.status == "removed" and _ours(line) == [] and line.default_rich_menu() is None
    assert rich_menus.published(AGENCY) is None


def test_another_agencys_menu_cannot_be_published_on_this_channel(line):
    """GIVEN the deployment's channel is demo-municipality's WHEN another agency's menu is published THEN refused,
    and LINE is not called."""
    with pytest.raises(publisher.PublishError):
        publisher.publish("other-city")
    assert line.requests() == []


def test_the_citizen_basics_see_a_menu_only_once_one_is_set(line):
    """GIVEN no menu, then a published one, then none again WHEN asked (past the cache) THEN no, yes, no."""
    assert current.is_set(now=0) is False
    publisher.publish()
    assert current.is_set(now=0) is False  # cached for a minute
    assert current.is_set(now=61) is True
    publisher.remove()
    assert current.is_set(now=122) is False


def test_an_answer_that_is_not_json_stops_the_publish_before_anything_is_made(line):
    """GIVEN LINE answering the menu list 200 with a body that is not JSON WHEN published THEN PublishError at the
    list step, retryable (try again later), and no menu was created."""
    line.inject(status=200, body="not json", paths=["/v2/bot/richmenu/list"], count=1)

    with pytest.raises(publisher.PublishError) as failed:
        publisher.publish()

    assert (failed.value.step, failed.value.retryable) == ("list", True)
    assert line.rich_menus() == [] and rich_menus.published(AGENCY) is None
