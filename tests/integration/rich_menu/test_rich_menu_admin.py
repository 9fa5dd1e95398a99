"""The rich menu from the agency API (civic.agency.rich_menu_routes): admins choose and order its services and
publish it; the real AgencyApi handler, the fake LINE over loopback, the RichMenus table in moto. Two agencies
keep their own choice; only the deployment's agency has the channel to publish to."""

from civic import domains
from civic.rich_menu import menu, publisher
from civic.tables import rich_menus
from infra.local.fake_line import status_answer
from tests.integration.complaints.conftest import staff_call
from tests.integration.rich_menu.conftest import AGENCY, calls

OTHER = "other-city"
CHOICE = ["complaint", "booking", "bill", "handover", "citizen"]


def _ours(line) -> list[str]:
    return [m["richMenuId"] for m in line.rich_menus() if m["name"].startswith(menu.name_prefix(AGENCY))]


def test_an_officer_reads_every_service_in_registry_order_before_any_choice(names):
    """GIVEN no choice stored WHEN an officer reads the menu THEN every domain with menu entries, in registry order,
    all enabled, with Thai and English labels; nothing published; a full-size menu (8 tiles, 3 rows)."""
    status, body = staff_call("GET", "/agency/rich-menu", role="officer")

    assert status == 200, body
    assert [s["name"] for s in body["services"]] == list(dict.fromkeys(d for d, _ in domains.menu()))
    assert all(s["enabled"] for s in body["services"])
    booking = body["services"][0]
    assert (booking["label_th"], booking["label_en"]) == ("จองคิว / คิวของฉัน", "Book a queue / My bookings")
    assert body["published"] is None and body["size"] == "large"


def test_an_admin_choice_is_stored_in_order_and_the_rest_shown_disabled(names):
    """GIVEN an admin WHEN they choose complaint then citizen THEN the answer lists those two enabled in that order
    and the others disabled after; the stored configuration orders their entries and hides the others' tiles, which
    the publisher then draws (three tiles: one row, compact)."""
    status, body = staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": ["complaint", "citizen"]})

    assert status == 200, body
    assert [(s["name"], s["enabled"]) for s in body["services"]] == [
        ("complaint", True), ("citizen", True), ("booking", False), ("handover", False), ("bill", False)]
    config = rich_menus.config(AGENCY)
    assert config.order == ["complaint.start", "complaint.mine", "citizen.mydata"]
    assert set(config.hidden) == {"booking.start", "booking.mine", "handover.ask", "bill.mine", "bill.prefs"}
    assert [e.id for e in publisher.entries_for(AGENCY)] == ["complaint.start", "complaint.mine", "citizen.mydata"]
    assert body["size"] == "compact"


def test_a_choice_with_an_unknown_repeated_or_no_service_is_refused_and_nothing_stored(names):
    """GIVEN an admin WHEN the choice names an unknown service, a service twice, or none THEN 422 with the reason,
    and no configuration is stored."""
    for choice, reason in ((["booking", "parking"], "unknown services"), (["booking", "booking"], "twice"),
                           ([], "at least one")):
        status, body = staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": choice})
        assert status == 422 and reason in body["message"], (choice, body)
    assert rich_menus.config(AGENCY) is None


def test_officers_and_supervisors_may_not_choose_or_publish(names):
    """GIVEN an officer and a supervisor WHEN they choose or publish THEN 403, and nothing is stored."""
    for role in ("officer", "supervisor"):
        assert staff_call("PUT", "/agency/rich-menu", role=role, body={"services": ["booking"]})[0] == 403
        assert staff_call("POST", "/agency/rich-menu/publish", role=role)[0] == 403
    assert rich_menus.config(AGENCY) is None and rich_menus.published(AGENCY) is None


def test_publishing_the_choice_sets_it_on_the_channel_and_twice_leaves_one_menu(line):
    """GIVEN an admin's choice of five services WHEN published, and published again THEN LINE's default menu has
    the chosen services' tiles in that order, the answer names it with its areas; the second publish is the same
    menu (no create); the menu's record says who published it."""
    staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": CHOICE}, subject="admin-sub-1")

    status, first = staff_call("POST", "/agency/rich-menu/publish", role="admin", subject="admin-sub-1")
    before = len(line.requests())
    again_status, again = staff_call("POST", "/agency/rich-menu/publish", role="admin", subject="admin-sub-1")

    assert status == 200 and first["status"] == "published", first
    shown = line.default_rich_menu()
    assert shown["richMenuId"] == first["rich_menu_id"] and first["areas"] == len(shown["areas"]) == 8
    assert [a["action"]["data"] for a in shown["areas"]][:3] == ["1/cp/start", "1/cp/mine", "1/bk/start"]
    assert again_status == 200 and again == {**first, "status": "unchanged"}
    assert not [c for c in calls(line, since=before) if c.startswith("POST")]
    assert _ours(line) == [first["rich_menu_id"]]
    _, read = staff_call("GET", "/agency/rich-menu", role="officer")
    assert read["published"]["rich_menu_id"] == first["rich_menu_id"] and read["published"]["by"] == "admin-sub-1"


def test_a_new_choice_published_replaces_the_old_menu_and_deletes_it(line):
    """GIVEN a published menu WHEN the admin chooses two services and publishes THEN the new menu is the default
    with their tiles, the old one is deleted: one menu of ours on the channel."""
    _, first = staff_call("POST", "/agency/rich-menu/publish", role="admin")
    staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": ["citizen", "booking"]})

    status, second = staff_call("POST", "/agency/rich-menu/publish", role="admin")

    assert status == 200 and second["rich_menu_id"] != first["rich_menu_id"] and second["areas"] == 3
    assert _ours(line) == [second["rich_menu_id"]]
    assert [a["action"]["data"] for a in line.default_rich_menu()["areas"]] == ["1/ct/mydata", "1/bk/start",
                                                                                 "1/bk/mine"]


def test_a_line_refusal_answers_502_with_lines_reason_and_keeps_the_old_menu(line, monkeypatch):
    """GIVEN a published menu and LINE failing to take the new image WHEN a new choice is published THEN 502 naming
    the step and LINE's status; the old menu is still the default and the half-made one was deleted."""
    _, first = staff_call("POST", "/agency/rich-menu/publish", role="admin")
    staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": ["booking"]})
    upload = line._line_rich_menu_image

    def failing(request, request_id, rich_menu_id):
        return status_answer(500) if request.method == "POST" else upload(request, request_id, rich_menu_id)

    monkeypatch.setattr(line, "_line_rich_menu_image", failing)
    status, body = staff_call("POST", "/agency/rich-menu/publish", role="admin")

    assert status == 502 and body["message"].startswith("rich menu upload the image: LINE answered 500"), body
    assert line.default_rich_menu()["richMenuId"] == first["rich_menu_id"]
    assert _ours(line) == [first["rich_menu_id"]]
    assert rich_menus.published(AGENCY).rich_menu_id == first["rich_menu_id"]


def test_another_agency_keeps_its_own_choice_and_cannot_publish_on_this_channel(line):
    """GIVEN both agencies choosing with the same service names WHEN each reads, and the other agency publishes
    THEN each reads its own choice; the other agency's publish is refused (409: the channel is not its) and LINE
    is not asked to create anything."""
    staff_call("PUT", "/agency/rich-menu", role="admin", body={"services": ["booking"]})
    staff_call("PUT", "/agency/rich-menu", agency=OTHER, role="admin", body={"services": ["bill", "citizen"]})
    before = len(line.requests())

    status, body = staff_call("POST", "/agency/rich-menu/publish", agency=OTHER, role="admin")

    assert status == 409 and AGENCY in body["message"]
    assert not [c for c in calls(line, since=before) if c.startswith("POST")]
    mine = staff_call("GET", "/agency/rich-menu", role="officer")[1]
    theirs = staff_call("GET", "/agency/rich-menu", agency=OTHER, role="officer")[1]
    assert [s["name"] for s in mine["services"] if s["enabled"]] == ["booking"]
    assert [s["name"] for s in theirs["services"] if s["enabled"]] == ["bill", "citizen"]
    assert rich_menus.config(OTHER).agency_id == OTHER
