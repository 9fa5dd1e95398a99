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
def line(monkeypatch):
    """The fake LINE on a loopback port, the functions' LINE_API_ENDPOINT pointing at it, the tables in moto."""
    with moto_stack():
        fake = FakeLine(TOKEN)
        server = make_server("127.0.0.1", 0, fake, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        monkeypatch.setenv("LINE_API_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
        monkeypatch.setattr(channel, "access_token", lambda: TOKEN)
        current.forget()
        try:
            yield fake
        finally:
            server.shutdown()
            thread.join()
            current.forget()


def calls(line: FakeLine, since: int = 0) -> list[str]:
    """The rich-menu requests LINE received (from the `since`-th request on), as `METHOD path`, ids as {id}."""
    return [f"{r['method']} {re.sub(r'richmenu-[0-9a-f]{32}', '{id}', r['path'])}" for r in line.requests()[since:]
            if "richmenu" in r["path"]]
