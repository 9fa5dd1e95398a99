"""LineSender's rules for one outbound message: reply while the token is fresh, else push; never twice.

- A delivery already recorded as delivered or undeliverable is a no-op (a redelivered SQS record).
- Reply when the token is younger than REPLY_TOKEN_MAX_AGE_S (LINE's tokens live about a minute).
  If LINE says the token is invalid and our own earlier attempt crashed before recording its answer,
  that attempt used the token: the citizen has the message. Otherwise the token was stale: push.
- Push and multicast carry X-Line-Retry-Key = uuid5(message id); LINE's 409 means "already accepted".
- 429, 5xx and time-outs raise RetryLater with a jittered back-off; other 4xx are recorded as
  undeliverable and not retried.
"""

import os
import random
import threading
import time

from civic import line_api, outbox, privacy
from civic.outbox import Outbound
from civic.settings import settings
from civic.tables import deliveries

BACKOFF_CAP_S = 300


class RetryLater(Exception):
    def __init__(self, delay_s: int, answer: line_api.Answer):
        super().__init__(f"LINE answered {answer.http_status or answer.error}; retry in {delay_s}s")
        self.delay_s = delay_s
        self.answer = answer


def backoff(receive_count: int, base_s: float | None = None) -> int:
    """Full-jitter exponential back-off: random in [base, base·2^(n-1)], capped."""
    base = float(base_s if base_s is not None else os.environ.get("LINE_RETRY_BASE_S", "2"))
    ceiling = min(BACKOFF_CAP_S, base * 2 ** max(0, receive_count - 1))
    return int(max(1, random.uniform(base, max(base, ceiling))))


class RateLimiter:
    """A token bucket per instance; with the event source's maximum concurrency it bounds requests/s to LINE."""

    def __init__(self, rate_per_s: float, clock=time.monotonic, sleep=time.sleep):
        self.rate, self.clock, self.sleep = rate_per_s, clock, sleep
        self.tokens, self.last = rate_per_s, clock()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            now = self.clock()
            self.tokens = min(self.rate, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens < 1:
                self.sleep((1 - self.tokens) / self.rate)
                self.last = self.clock()  # what the wait earned is spent on this send
                self.tokens = 0
            else:
                self.tokens -= 1


_limiter = RateLimiter(settings().send_rate_per_instance)


def _finish(delivery, answer: line_api.Answer, billed: int) -> str:
    if answer.outcome == "delivered":
        deliveries.finish(delivery, "delivered", answer.http_status, answer.request_id, billed=billed)
        return "delivered"
    deliveries.finish(delivery, "undeliverable" if answer.outcome == "rejected" else "retrying",
                      answer.http_status, answer.request_id, error=answer.error)
    if answer.outcome == "retryable":
        raise RetryLater(backoff(delivery.attempts or 1), answer)
    return "undeliverable"


def deliver(message: Outbound, now: float | None = None) -> str:
    """Send one outbound message; returns "delivered" or "undeliverable", or raises RetryLater."""
    earlier = deliveries.find(message.id)
    if earlier and earlier.status in ("delivered", "undeliverable"):
        return earlier.status
    if isinstance(message.to, list):
        delivery = deliveries.begin(message.id, f"multicast:{len(message.to)}", "multicast", message.purpose,
                                    earlier)
        _limiter.acquire()
        return _finish(delivery, line_api.multicast(message.to, message.messages, message.id), len(message.to))

    # After an erase, the delivery log must not name the citizen again.
    logged_as = privacy.pseudonym(message.to) if message.meta.get("pseudonymous") else message.to
    age = outbox.age_ms(message, now)
    if age is not None and age < settings().reply_token_max_age_s * 1000:
        crashed_mid_reply = bool(earlier and earlier.endpoint == "reply" and earlier.status == "sending")
        earlier = deliveries.begin(message.id, logged_as, "reply", message.purpose, earlier)
        _limiter.acquire()
        answer = line_api.reply(message.reply_token, message.messages)
        if not answer.invalid_reply_token:
            return _finish(earlier, answer, billed=0)
        if crashed_mid_reply:
            return _finish(earlier, line_api.Answer("delivered", answer.http_status, None), billed=0)
    delivery = deliveries.begin(message.id, logged_as, "push", message.purpose, earlier)
    _limiter.acquire()
    return _finish(delivery, line_api.push(message.to, message.messages, message.id), billed=1)
