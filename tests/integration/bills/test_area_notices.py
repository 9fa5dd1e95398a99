"""Area notices: staff see how many a notice reaches and what it costs first; it then reaches only the citizens of
its areas who hear its topic, once each, by multicast chunks."""

from tests.citizen import Citizen

from .conftest import eventually, fresh_accounts, linked_citizen, staff


def _notice(dev, notice_id: str, *statuses: str) -> dict:
    def reached():
        """the notice reached its status"""
        status, found = staff(dev, "GET", f"/agency/bill/notices/{notice_id}", role="officer")
        return found if status == 200 and found["status"] in statuses else None
    return eventually(reached, timeout=90)


def _subscriber(dev, district: str, subdistrict: str, topic: str | None, consent: bool = True) -> Citizen:
    citizen = Citizen(dev)
    citizen.follow("ผู้ติดตามข่าว")
    citizen.tap(f"1/ct/consent?v={int(consent)}")
    citizen.tap(f"1/bl/area?d={district}&s={subdistrict}")
    if topic:
        citizen.tap(f"1/bl/topic?x={topic}")
    return citizen


def _got(dev, citizen: Citizen, text: str) -> int:
    return sum(text in (r["message"].get("text") or "") for r in dev.line.received(citizen.user))


def test_an_area_notice_reaches_only_its_area_and_topic_with_its_count_shown_first(dev):
    """GIVEN citizens with linked accounts in บางใหญ่/บางแม่นาง and in เมือง/ในเมือง, a subscriber to บางแม่นาง for
    water cuts, one for events only, one who declined consent, and one subscribed to the whole of บางใหญ่ WHEN
    staff compose a water-cut notice for บางแม่นาง THEN the preview counts 3 recipients (the customer there,
    the water-cut subscriber and the district-wide one), 2 multicast requests (the subdistrict's members and
    the district-wide subscribers are read apart), 3 messages, ฿0.12 at 4 satang,
    and no one has been told; WHEN it is sent THEN exactly those 3 get it once, by multicast."""
    (inside,) = fresh_accounts(dev, 1, district="บางใหญ่", subdistrict="บางแม่นาง")
    (outside,) = fresh_accounts(dev, 1, district="เมือง", subdistrict="ในเมือง")
    customer, other_area = linked_citizen(dev, inside, "200.00"), linked_citizen(dev, outside, "200.00")
    water = _subscriber(dev, "บางใหญ่", "บางแม่นาง", "water_cut")
    events_only = _subscriber(dev, "บางใหญ่", "บางแม่นาง", "events")
    no_consent = _subscriber(dev, "บางใหญ่", "บางแม่นาง", "water_cut", consent=False)
    district_wide = _subscriber(dev, "บางใหญ่", "*", "water_cut")
    text = "พรุ่งนี้ 09:00–15:00 น. น้ำไม่ไหล ซ.บางแม่นาง 1–5 เนื่องจากซ่อมท่อ"

    status, notice = staff(dev, "POST", "/agency/bill/notices", {
        "text": text, "topic": "water_cut", "areas": [{"district": "บางใหญ่", "subdistrict": "บางแม่นาง"}]})
    assert status == 200, notice
    ready = _notice(dev, notice["notice_id"], "ready")
    preview = ready["preview"]
    assert (preview["recipients"], preview["multicast_requests"], preview["messages"]) == (3, 2, 3)
    assert preview["cost_baht"] == "0.12" and preview["skipped"]["no_consent"] == 1
    assert not any(_got(dev, c, text) for c in (customer, water, district_wide))

    status, _ = staff(dev, "POST", f"/agency/bill/notices/{notice['notice_id']}/send", {})
    assert status == 200
    sent = _notice(dev, notice["notice_id"], "sent")
    eventually(lambda: all(_got(dev, c, text) for c in (customer, water, district_wide)))
    dev.stack.drain()
    assert [_got(dev, c, text) for c in (customer, water, district_wide)] == [1, 1, 1]
    assert [_got(dev, c, text) for c in (other_area, events_only, no_consent)] == [0, 0, 0]
    assert {r["endpoint"] for c in (customer, water) for r in dev.line.received(c.user)
            if text in (r["message"].get("text") or "")} == {"multicast"}
    assert sent["preview"]["queued"] == 3
    eventually(lambda: _notice(dev, notice["notice_id"], "sent")["preview"]["sent"] == 3)


def test_a_notice_for_an_unknown_area_or_topic_is_refused_with_the_reason(dev):
    """GIVEN the agency's areas WHEN staff compose a notice for a district it does not have, or a topic that does
    not exist THEN 422 naming the problem; nothing is counted or sent."""
    status, answer = staff(dev, "POST", "/agency/bill/notices", {
        "text": "x", "topic": "water_cut", "areas": [{"district": "ไม่มีอำเภอนี้"}]})
    assert status == 422 and "unknown area" in answer["message"]
    status, answer = staff(dev, "POST", "/agency/bill/notices", {
        "text": "x", "topic": "parking", "areas": [{"district": "เมือง"}]})
    assert status == 422 and "topic" in answer["message"]
