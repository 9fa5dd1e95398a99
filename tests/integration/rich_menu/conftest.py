"""Publishing the rich menu against the fake LINE over real HTTP (loopback), with the template's tables in moto."""

import re
import threading

import pytest
from werkzeug.serving import make_server

from civic import channel
from civic.rich_menu import current
from infra.local.fake_line import FakeLine
from tests.moto_stack import moto_stack

TOKEN = "rich-menu-channel-access-token"
AGENCY = "demo-municipality"


@pytest.fixture
def names():
    """The template's tables, buckets and queues in moto: logical id → physical name (queue URL)."""
    with moto_stack() as found:
        yield found


@pytest.fixture
def line(names, monkeypatch):
    """The fake LINE on a loopback port, the functions' LINE_API_ENDPOINT pointing at it, the tables in moto."""
    fake = FakeLine(TOKEN)
    server = make_server("127.0.0.1", 0, fake, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    monkeypatch.setenv("LINE_API_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setattr(channel, "access_token", lambda: TOKEN)
    monkeypatch.setattr(channel, "refresh", lambda: False)  # the token is this one; a 401 is not a rotation
    current.forget()
    yield fake
    server.shutdown()
    thread.join()
    current.forget()


def calls(line: FakeLine, since: int = 0) -> list[str]:
    """The rich-menu requests LINE received (from the `since`-th request on), as `METHOD path`, ids as {id}."""
    return [f"{r['method']} {re.sub(r'richmenu-[0-9a-f]{32}', '{id}', r['path'])}" for r in line.requests()[since:]
            if "richmenu" in r["path"]]
