""""Delete my data" leaves nothing behind (RELIABILITY rows 37, 38, 50): a citizen who followed, consented, booked,
talked with staff (sending a photo) and took a copy of their data erases it; then every table, index and bucket of template.yaml is scanned for
their LINE id and display name (tests/trace.py, so tables added later are scanned too)."""

import json
import urllib.error
import urllib.request

import pytest

from civic import privacy
from civic.tables import bookings, citizens
from infra.local import webhook_client as wh
from infra.local.devstack import dev_stack
from tests.citizen import Citizen, button, eventually, words
from tests.integration.bills.conftest import batch, csv_bytes, staff, upload
from tests.trace import traces


@pytest.fixture(scope="module")
def dev():
    stack = dev_stack(visibility_scale=0.02)  # the demo agency's services, to book one
    yield stack
    stack.stop()


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _export(citizen: Citizen) -> tuple[str, dict]:
    (card,) = citizen.say("ข้อมูลของฉัน")
    (answer,) = citizen.tap(button(card, "1/ct/export"))
    url = answer["text"].split("\n")[-1]
    with urllib.request.urlopen(url, timeout=10) as response:
        return url, json.loads(response.read())


def _bills_and_a_notice(dev, citizen: Citizen) -> None:
    """Link the demo's account 1100000005, subscribe to เมือง/ในเมือง, get a bill card (a push) and
    a water-cut notice (a multicast, so a delivery receipt)."""
    citizen.say("ผูกบัญชี")
    citizen.say("1100000005")
    assert "ผูกบัญชี 1100000005 แล้ว" in citizen.say("192.50")[0]["text"]
    citizen.tap("1/bl/area?d=เมือง&s=ในเมือง")  # a customer hears every topic: no need to choose water cuts
    rows = [["1100000005", "2027-07", 16, "203.00", "2027-07-20", ""]]
    batch(dev, upload(dev, "", data=csv_bytes(rows)), "notified")
    status, notice = staff(dev, "POST", "/agency/bill/notices", {
        "text": "น้ำไม่ไหล ในเมือง", "topic": "water_cut", "areas": [{"district": "เมือง", "subdistrict": "ในเมือง"}]})
    assert status == 200
    eventually(lambda: staff(dev, "GET", f"/agency/bill/notices/{notice['notice_id']}", role="officer")[1]["status"]
               == "ready", timeout=60)
    staff(dev, "POST", f"/agency/bill/notices/{notice['notice_id']}/send", {})
    eventually(lambda: {r["endpoint"] for r in dev.line.received(citizen.user)} >= {"push", "multicast"}, timeout=90)


def test_after_an_erase_no_table_index_or_bucket_holds_the_citizen(dev):
    """GIVEN a citizen who followed, consented (so their name is kept), booked a queue, linked a water account,
    subscribed to an area, got a bill card and an area notice, and downloaded a copy of their data WHEN they
    erase it THEN a scan of every table, index and bucket finds neither their LINE id nor their display name, the
    export link answers nothing, and their seat went back."""
    name = "ทดสอบ ลบหมดจด"
    citizen = Citizen(dev)
    citizen.follow(name)
    citizen.tap("1/ct/consent?v=1")
    card = citizen.book()
    assert "จองคิวสำเร็จ" in words(card)
    citizen.say("ติดต่อเจ้าหน้าที่")  # a chat with staff, with a photo in it
    dev.line.put_content("700000000000000099", _png(), "image/png")
    assert wh.post(dev.url, dev.channel_secret, [wh.event("message", citizen.user, message={
        "type": "image", "id": "700000000000000099", "contentProvider": {"type": "line"}})])[0] == 200
    dev.stack.drain()
    citizen.tap("1/hd/end")
    _bills_and_a_notice(dev, citizen)
    dev.stack.drain()
    url, copy = _export(citizen)
    assert copy["records"]["handover"]["my_data"]
    assert copy["records"]["booking"]["my_data"] and copy["records"]["citizen"]["citizens"][0]["display_name"] == name
    held = copy["records"]["bill"]["my_data"]
    assert {r["kind"] for r in held} >= {"choice", "account", "bill"}
    assert any(r.get("account") == "1100000005" and r["kind"] == "choice" for r in held)
    purposes = {d["purpose"] for d in copy["records"]["citizen"]["deliveries"]}
    assert {"bill", "notice"} <= purposes  # the bill's push and the notice's multicast receipt
    dev.stack.drain()
    assert traces([citizen.user, name], dev.stack.resource)  # the scan sees them before …

    (ask,) = citizen.tap("1/ct/erase")
    (done,) = citizen.tap(button(ask, "1/ct/erase-confirm"))
    assert "ลบข้อมูลของท่านเรียบร้อยแล้ว" in done["text"]
    dev.stack.drain()

    assert traces([citizen.user, name], dev.stack.resource) == []  # … and nothing after
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=10)
    assert gone.value.code in (403, 404)
    assert bookings.of_citizen(citizen.user) == []


def test_an_erase_after_unfollow_still_erases_everything(dev):
    """GIVEN a citizen who booked and then blocked the account (unfollow) WHEN their erasure request is carried out
    (the same "delete my data" path staff run for a request by other channels) THEN nothing of them remains."""
    citizen = Citizen(dev)
    citizen.follow("คนที่เลิกติดตาม")
    citizen.tap("1/ct/consent?v=1")
    citizen.book()
    assert wh.post(dev.url, dev.channel_secret, [wh.event("unfollow", citizen.user)])[0] == 200
    eventually(lambda: not citizens.find(citizen.user).active)
    dev.stack.drain()
    privacy.erase(citizen.user)
    dev.stack.drain()
    assert traces([citizen.user, "คนที่เลิกติดตาม"], dev.stack.resource) == []
