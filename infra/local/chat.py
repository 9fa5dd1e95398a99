"""Talk to the running local stack as a citizen, from the terminal (`make chat`).

Type text as you would in LINE; type the number of a button or quick reply to tap it; `/follow`,
`/unfollow`, `/postback <data>`, `/photo <file>` (send a picture, as LINE's camera or photo roll would),
`/place <lat> <lng> [name]` (share a location), `/quit`. Each line is sent as a signed webhook event with a reply token
from the fake LINE platform, and the bot's answers are read back from the fake's inbox.
"""

import argparse
import json
import os
import time
import urllib.request

from infra.local import webhook_client as line
from infra.local.devstack import DEFAULT_CHANNEL_SECRET


def _get(url: str):
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())


def _post(url: str, payload: dict):
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def _put_content(url: str, message_id: str, data: bytes, content_type: str) -> None:
    """Put a photo's bytes where the fake LINE serves message content, as LINE keeps what a citizen sent."""
    request = urllib.request.Request(f"{url}/_line/_fake/content/{message_id}", data=data, method="POST",
                                     headers={"content-type": content_type})
    urllib.request.urlopen(request, timeout=5).close()


def _walk(node, on_text, on_button) -> None:
    """Visit a Flex tree in reading order: text components and buttons."""
    if isinstance(node, dict):
        if node.get("type") == "text" and "text" in node:
            on_text(node["text"])
        elif node.get("type") == "button" and "action" in node:
            on_button(node["action"])
        for key in ("header", "hero", "body", "footer", "contents"):
            _walk(node.get(key), on_text, on_button)
    elif isinstance(node, list):
        for child in node:
            _walk(child, on_text, on_button)


def _show(message: dict, actions: list[dict]) -> None:
    """Print a message as a citizen would read it; number every button and quick reply to tap."""

    def button(action):
        actions.append(action)
        print(f"   {len(actions)}) {action.get('label')}")

    if message["type"] == "text":
        print(f"🤖 {message['text']}")
    elif message["type"] == "flex":
        contents = message["contents"]
        bubbles = contents["contents"] if contents.get("type") == "carousel" else [contents]
        for bubble in bubbles:
            texts: list[str] = []

            def flush():
                if texts:
                    print("🤖 ┃ " + " · ".join(texts))
                    texts.clear()

            def on_button(action):
                flush()
                button(action)

            _walk(bubble, texts.append, on_button)
            flush()
    elif message["type"] == "image":
        print(f"🤖 [image] {message['originalContentUrl']}")
    else:
        print(f"🤖 [{message['type']}] {message.get('altText', '')}")
    for item in message.get("quickReply", {}).get("items", []):
        button(item["action"])


class Citizen:
    def __init__(self, url: str, secret: str, user: str):
        self.url, self.secret, self.user, self.seen = url, secret, user, 0
        self.line = f"{url}/_line/_fake"

    def send(self, make_event) -> list[dict]:
        token = _post(f"{self.line}/reply-tokens", {"userId": self.user})["replyToken"]
        status, answer = line.post(self.url, self.secret, [make_event(token)])
        if status != 200:
            print(f"(webhook answered {status}: {answer})")
            return []
        return self.wait()

    def wait(self, seconds: float = 6.0) -> list[dict]:
        deadline, new = time.time() + seconds, []
        while time.time() < deadline:
            inbox = _get(f"{self.line}/inbox/{self.user}")
            new = inbox[self.seen:]
            if new:
                time.sleep(0.3)  # a second message of the same answer may follow
                inbox = _get(f"{self.line}/inbox/{self.user}")
                new, self.seen = inbox[self.seen:], len(inbox)
                break
            time.sleep(0.1)
        return [entry["message"] for entry in new]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{os.environ.get('PORT', '3000')}")
    parser.add_argument("--user", default=line.user_id())
    parser.add_argument("--secret", default=os.environ.get("LINE_CHANNEL_SECRET", DEFAULT_CHANNEL_SECRET))
    args = parser.parse_args()
    citizen = Citizen(args.url, args.secret, args.user)
    print(f"You are {args.user}. Following the account…")
    actions: list[dict] = []

    def show(received):
        actions.clear()
        for message in received:
            _show(message, actions)
        if not received:
            print("(no answer yet — it may still come; press Enter to look again)")

    show(citizen.send(lambda token: line.event("follow", args.user, token, follow={"isUnblocked": False})))
    while True:
        try:
            said = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if said in ("/quit", "/exit"):
            return
        if not said:
            show(citizen.wait(1))
        elif said.isdigit() and 0 < int(said) <= len(actions):
            action = actions[int(said) - 1]
            if action["type"] == "postback":
                show(citizen.send(lambda token: line.postback(args.user, action["data"], token)))
            elif action["type"] == "message":
                show(citizen.send(lambda token: line.text(args.user, action["text"], token)))
            elif action["type"] in ("camera", "cameraRoll"):
                print("(type /photo <file> to send a picture)")
            elif action["type"] == "location":
                print("(type /place <lat> <lng> to share a location, e.g. /place 13.7563 100.5018)")
            else:
                print(f"(opens {action.get('uri')})")
        elif said.startswith("/postback "):
            show(citizen.send(lambda token: line.postback(args.user, said.split(" ", 1)[1], token)))
        elif said.startswith("/photo "):
            path = said.split(" ", 1)[1].strip()
            try:
                with open(path, "rb") as picture:
                    data = picture.read()
            except OSError as error:
                print(f"(cannot read {path}: {error.strerror})")
                continue
            message_id = str(int(time.time() * 1000))
            _put_content(args.url, message_id, data, "image/png" if path.lower().endswith(".png") else "image/jpeg")
            show(citizen.send(lambda token: line.image(args.user, message_id, token)))
        elif said.startswith("/place "):
            parts = said.split(" ", 3)
            try:
                lat, lng = float(parts[1]), float(parts[2])
            except (IndexError, ValueError):
                print("(/place <lat> <lng> [name], e.g. /place 13.7563 100.5018 หน้าวัด)")
                continue
            name = parts[3] if len(parts) > 3 else ""
            show(citizen.send(lambda token: line.location(args.user, lat, lng, name, "", token)))
        elif said == "/unfollow":
            citizen.send(lambda token: line.event("unfollow", args.user))
        elif said == "/follow":
            show(citizen.send(lambda token: line.event("follow", args.user, token, follow={"isUnblocked": True})))
        else:
            show(citizen.send(lambda token: line.text(args.user, said, token)))


if __name__ == "__main__":
    main()
