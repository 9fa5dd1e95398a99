"""LINE message objects as plain JSON-ready dicts (the Messaging API's shapes).

Domain code builds messages here without importing the LINE SDK; LineSender turns them into the SDK's
models at the door, and the fake LINE platform checks them against LINE's OpenAPI spec in tests.
"""

from civic.postback import Postback
from civic.text import cut, cut_label

TEXT_MAX_UTF16 = 5000
QUICK_REPLY_MAX = 13
ALT_TEXT_MAX = 1500


def postback_action(label: str, data: Postback, display_text: str | None = None) -> dict:
    action = {"type": "postback", "label": cut_label(label), "data": data.encode()}
    if display_text:
        action["displayText"] = cut(display_text, 300, measure=len)
    return action


def uri_action(label: str, uri: str) -> dict:
    return {"type": "uri", "label": cut_label(label), "uri": uri}


def text(body: str, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "text", "text": cut(body, TEXT_MAX_UTF16)}
    if quick_replies:
        if len(quick_replies) > QUICK_REPLY_MAX:
            raise ValueError(f"{len(quick_replies)} quick replies; LINE allows {QUICK_REPLY_MAX}")
        message["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick_replies]}
    return message


def image(url: str, preview_url: str | None = None) -> dict:
    """A photo (LINE fetches both URLs over HTTPS; the preview may be the same image)."""
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview_url or url}


def flex(alt_text: str, contents: dict, quick_replies: list[dict] | None = None) -> dict:
    message = {"type": "flex", "altText": cut(alt_text, ALT_TEXT_MAX, measure=len), "contents": contents}
    if quick_replies:
        message["quickReply"] = {"items": [{"type": "action", "action": a} for a in quick_replies[:QUICK_REPLY_MAX]]}
    return message


# LINE's default primary green is too light for white text (under 4.5:1); this one reads (5.3:1).
PRIMARY = "#05803a"
MUTED = "#666666"  # grey small print that still reads on white (5.7:1)


def button(action: dict, primary: bool = False) -> dict:
    """A Flex footer button: the first of a card is primary, drawn in a green white text reads on."""
    if primary:
        return {"type": "button", "style": "primary", "color": PRIMARY, "height": "sm", "action": action}
    return {"type": "button", "style": "secondary", "height": "sm", "action": action}


def buttons_bubble(title: str, lines: list[str], actions: list[dict]) -> dict:
    """A plain card: a bold title, short lines, and up to four buttons (Flex bubble)."""
    body = [{"type": "text", "text": title, "weight": "bold", "size": "lg", "wrap": True}]
    body += [{"type": "text", "text": line, "size": "sm", "wrap": True, "color": "#555555"} for line in lines if line]
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if actions:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            button(a, primary=i == 0) for i, a in enumerate(actions[:4])
        ]}
    return bubble
