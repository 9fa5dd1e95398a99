"""The issue's "done when", as a new user sees it: `python -m infra.local` (what `make run` starts) in its own
process, and nothing but HTTP on 127.0.0.1 — a signed follow, a text, a forged post, a redelivery — and Ctrl-C
stopping all of its processes (moto's servers and the functions' sandboxes)."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from infra.local import webhook_client as wh
from infra.local.devstack import DEFAULT_CHANNEL_SECRET, free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


class Running(str):
    """The stack's URL, and the process behind it."""
    process: subprocess.Popen


def _children(pid: int) -> list[int]:
    found = []
    for stat in os.listdir("/proc"):
        if stat.isdigit():
            try:
                fields = open(f"/proc/{stat}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(stat))
    return found


def _alive(pid: int) -> bool:
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env["PORT"] = str(port)
    output = tmp_path_factory.mktemp("make-run") / "output.txt"
    with output.open("w") as sink:
        process = subprocess.Popen([sys.executable, "-m", "infra.local"], cwd=ROOT, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 180
    # Ready when the banner is printed (after the handlers are loaded), as a person would wait for it.
    while "Ctrl-C to stop." not in output.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"the local stack did not start:\n{output.read_text()}")
        time.sleep(0.2)
    url = Running(f"http://127.0.0.1:{port}")
    url.process = process
    yield url
    if process.poll() is None:
        process.terminate()
        assert process.wait(timeout=120) == 0  # SIGTERM stops it cleanly; a loaded machine may be slow


def _inbox(url: str, user: str) -> list[dict]:
    return _get(f"{url}/_line/_fake/inbox/{user}")


def _wait_inbox(url: str, user: str, count: int, seconds: float) -> list[dict]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        inbox = _inbox(url, user)
        if len(inbox) >= count:
            return inbox
        time.sleep(0.05)
    return _inbox(url, user)


def test_a_signed_follow_gets_the_welcome(running):
    """GIVEN `make run` WHEN LINE posts a signed follow THEN the welcome and privacy notice reach LINE (how fast:
    make bench)."""
    user = wh.user_id()
    started = time.monotonic()
    status, _ = wh.post(running, DEFAULT_CHANNEL_SECRET, [wh.event("follow", user, "a" * 32)])
    inbox = _wait_inbox(running, user, 2, 60.0)
    assert status == 200
    assert len(inbox) == 2, f"got {inbox} after {time.monotonic() - started:.1f}s"
    assert "ยินดีต้อนรับ" in inbox[0]["message"]["text"]


def test_a_text_gets_the_help_menu(running):
    """GIVEN `make run` WHEN a citizen writes something the bot does not understand THEN the help menu."""
    user = wh.user_id()
    assert wh.post(running, DEFAULT_CHANNEL_SECRET, [wh.text(user, "สวัสดีครับ", "b" * 32)])[0] == 200
    (answer,) = _wait_inbox(running, user, 1, 60.0)
    assert answer["message"]["quickReply"]["items"]


def test_a_forged_signature_gets_401(running):
    """GIVEN `make run` WHEN a post is signed with the wrong secret THEN 401 and nothing reaches the citizen."""
    user = wh.user_id()
    status, _ = wh.post(running, "not-the-channel-secret", [wh.text(user, "เมนู", "c" * 32)])
    assert status == 401
    time.sleep(0.5)
    assert _inbox(running, user) == []


def test_the_same_event_twice_gets_one_reply(running):
    """GIVEN `make run` WHEN LINE delivers the same event twice THEN both 200 and one reply."""
    user = wh.user_id()
    event = wh.text(user, "เมนู", "d" * 32)
    assert wh.post(running, DEFAULT_CHANNEL_SECRET, [event])[0] == 200
    assert wh.post(running, DEFAULT_CHANNEL_SECRET, [{**event, "deliveryContext": {"isRedelivery": True}}])[0] == 200
    _wait_inbox(running, user, 1, 60.0)
    time.sleep(1.0)
    assert len(_inbox(running, user)) == 1


def test_the_agency_api_wants_a_token_and_documents_itself(running):
    """GIVEN `make run` WHEN /agency/me is called without and with a local staff token THEN 401, then the
    agency and role; and the OpenAPI document is served."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(f"{running}/agency/me")
    assert refused.value.code == 401
    token = urllib.request.urlopen(f"{running}/_local/token?agency=demo-municipality&role=officer").read().decode()
    token = json.loads(token)["token"] if token.startswith("{") else token.strip()
    request = urllib.request.Request(f"{running}/agency/me", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert json.loads(answer.read()) == {"subject": "local-user", "agency_id": "demo-municipality",
                                             "role": "officer"}
    assert "/agency/me" in _get(f"{running}/agency/openapi.json")["paths"]


def test_the_banner_prints_the_simulator_which_shows_the_rich_menu(running, tmp_path_factory):
    """GIVEN `make run` WHEN a new user opens the /simulator address the banner printed THEN the page is served, and
    the fake LINE has a default rich menu (published at start-up) with an area per registry entry and its image."""
    from civic.rich_menu import menu

    banner = next(tmp_path_factory.getbasetemp().glob("make-run*/output.txt")).read_text()
    assert f"{running}/simulator/" in banner
    with urllib.request.urlopen(f"{running}/simulator/", timeout=5) as answer:
        assert b'src="js/main.js"' in answer.read()
    shown = _get(f"{running}/_line/_fake/rich-menu")
    assert [a["action"]["data"] for a in shown["areas"]] == [menu.action(e)["data"] for e in menu.resolve()]
    with urllib.request.urlopen(f"{running}/_line/_fake/{shown['imageUrl']}", timeout=5) as image:
        assert image.headers["Content-Type"] == "image/png" and image.read(8) == b"\x89PNG\r\n\x1a\n"


def test_ctrl_c_stops_every_process_it_started(running):
    """GIVEN `make run` with its moto servers and a sandbox per function WHEN Ctrl-C (SIGINT) THEN it exits 0 and
    none of its processes is left running. (Last in this module: it stops the stack.)"""
    children = _children(running.process.pid)
    assert len(children) > 3
    running.process.send_signal(signal.SIGINT)
    assert running.process.wait(timeout=120) == 0
    assert not [pid for pid in children if _alive(pid)]
