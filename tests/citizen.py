"""A citizen in LINE, for tests on the local stack: signed webhooks in, what the fake LINE received back out.

It goes the way LINE goes (POST /line/webhook with a real signature, replies and pushes read from the fake
LINE's inbox), never through a side door into the workers.
"""

import json
import time
import uuid

from infra.local import webhook_client as wh


def eventually(check, timeout: float = 60.0, every: float = 0.05):
    """Poll until check() is truthy (returning it); a wait for the system, not a deadline on it."""
    deadline = time.monotonic() + timeout
    while not (value := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s: {check.__doc__ or check}")
        time.sleep(every)
    return value


def buttons(messages) -> list[str]:
    """Every postback data the citizen could tap in these messages, in order."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "postback" and "data" in node:
                found.append(node["data"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


def button(messages, prefix: str) -> str:
    matches = [d for d in buttons(messages) if d.startswith(prefix)]
    assert matches, f"no button {prefix!r} among {buttons(messages)}"
    return matches[0]


def words(messages) -> str:
    return json.dumps(messages, ensure_ascii=False)


class Citizen:
    def __init__(self, dev, user: str | None = None):
        self.dev, self.user = dev, user or wh.user_id()

    def send(self, make_event, answers: int = 1) -> list[dict]:
        """Post one signed event (made with a fresh reply token) and return the messages it was answered with."""
        seen = len(self.dev.line.received(self.user))
        status, _ = wh.post(self.dev.url, self.dev.channel_secret, [make_event(self.dev.line.issue_reply_token(self.user))])
        assert status == 200

        def answered():
            """the citizen received the answer"""
            got = self.dev.line.received(self.user)[seen:]
            return got if len(got) >= answers else None

        return [r["message"] for r in eventually(answered)]

    def follow(self, name: str = "สมชาย", language: str = "th") -> list[dict]:
        self.dev.line.set_profile(self.user, name, language)
        return self.send(lambda token: wh.event("follow", self.user, token, follow={"isUnblocked": False}), answers=2)

    def say(self, text: str) -> list[dict]:
        return self.send(lambda token: wh.text(self.user, text, token))

    def tap(self, data: str) -> list[dict]:
        return self.send(lambda token: wh.postback(self.user, data, token))

    def review(self, service: str = "id-card") -> list[dict]:
        """From the typed keyword through the first day and time offered to the review card with "confirm"."""
        days = self.tap(button(self.say("จองคิว"), f"1/bk/svc?s={service}"))
        step = self.tap(button(self.tap(button(days, "1/bk/day?")), "1/bk/time?"))
        if any(d.startswith("1/bk/ask?") for d in buttons(step)):  # priority seats kept: "not a priority group"
            step = self.tap(button(step, "1/bk/ask?"))
        return step

    def book(self, service: str = "id-card") -> list[dict]:
        """Through the review card to the confirmation."""
        return self.tap(button(self.review(service), "1/bk/ok?"))

    def photo(self, data: bytes, content_type: str = "image/jpeg", message_id: str | None = None) -> list[dict]:
        """Send a photo as LINE does: its bytes at the (fake) content endpoint, then an image message event."""
        message_id = message_id or str(uuid.uuid4().int)[:18]
        self.dev.line.put_content(message_id, data, content_type)
        return self.send(lambda token: wh.image(self.user, message_id, token))

    def place(self, lat: float, lng: float, title: str = "จุดเกิดเหตุ", address: str = "") -> list[dict]:
        """Share a location (the quick reply's location picker)."""
        return self.send(lambda token: wh.location(self.user, lat, lng, title, address, token))

    def report(self, category: str = "road", words: str = "ถนนเป็นหลุมลึก", photo: bytes | None = None,
               at: tuple[float, float] = (13.7563, 100.5018)) -> list[list[dict]]:
        """The complaint flow from the menu to the receipt: every answer, in order (one per step)."""
        steps = [self.say("แจ้งเรื่อง")]
        steps.append(self.tap(button(steps[-1], f"1/cp/cat?c={category}")))
        steps.append(self.say(words))
        if photo is not None:
            steps.append(self.photo(photo))
        steps.append(self.place(*at))
        steps.append(self.tap(button(steps[-1], "1/cp/send?")))
        return steps
