"""LineSender's rules for one outbound message: reply while the token is fresh, else push; never twice.

- A delivery already recorded as delivered or undeliverable is a no-op (a redelivered SQS record).
- Reply when the token is younger than REPLY_TOKEN_MAX_AGE_S (LINE's tokens live about a minute).
- A reply of ours that got no answer (read time-out, connection dropped after sending; or we crashed
  before recording the answer) may have used the single-use token. The delivery notes it, and from then
  on the message is only ever replied: LINE's "invalid reply token" means that attempt landed, and there
  is no fall-back push, even after the token's age limit. The retry comes soon (1–3 s) while the token is
  young, so a reply that never reached LINE still goes out. A reply that certainly never reached LINE
  (connect time-out, refused) keeps the usual rule: a stale token falls back to a push.
- Push and multicast carry X-Line-Retry-Key = uuid5(message id); LINE's 409 means "already accepted".
- 429, 5xx and time-outs raise RetryLater with a jittered back-off; other 4xx are recorded as
  undeliverable and not retried.
- A multicast (up to 500 recipients, one chunk of a fan-out) is one message with one id and one retry key:
  a crash between chunks re-sends none twice. Once LINE took it, a receipt per recipient is written (so a
  citizen's "my data" export and erase find it), then the chunk is marked delivered.
- Ceilings are per endpoint and channel-wide: reply and push (LINE: 2,000/s each) and multicast (LINE: 200/s)
  each have LINE_<ENDPOINT>_CEILING. The outbox event source runs at most LINE_SEND_MAX_CONCURRENCY instances
  (its ScalingConfig), each with a token bucket of ceiling ÷ that many, starting empty and holding one token
  at most: instances × share never exceeds the ceiling, with no shared counter to read or write per send.

Trade-off: an unanswered reply that in fact never reached LINE, whose retry also finds the token expired,
is counted delivered and the citizen misses it; we accept that rather than risk a duplicate, billed push.
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
UNANSWERED_REPLY_RETRY_S = (1, 3)  # seconds: soon enough to reply again within the token's minute


class RetryLater(Exception):
    def __init__(self, delay_s: int, answer: line_api.Answer):
        super().__init__(f"LINE answered {answer.http_status or answer.error}; retry in {delay_s}s")
        self.delay_s = delay_s
        self.answer = answer


def backoff(receive_count: int, base_s: float | None = None) -> int:
    """Exponential back-off with jitter in its upper half: random in [max(base, c/2), c], c = base·2^(n-1)
    capped. The floor grows too, so seven retries always span over two minutes (base 2 s): a 30 s burst of
    429s cannot use up a message's receives, whatever the dice say."""
    base = float(base_s if base_s is not None else os.environ.get("LINE_RETRY_BASE_S", "2"))
    ceiling = min(BACKOFF_CAP_S, base * 2 ** max(0, receive_count - 1))
    return int(max(1, random.uniform(max(base, ceiling / 2), max(base, ceiling))))


class RateLimiter:
    """A token bucket: `rate` sends per second, at most one token held, starting empty (a new instance does
    not burst). One per endpoint per instance; the event source's maximum concurrency bounds the instances."""

    def __init__(self, rate_per_s: float, clock=time.monotonic, sleep=time.sleep):
        self.rate, self.clock, self.sleep = rate_per_s, clock, sleep
        self.tokens, self.last = 0.0, clock()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            now = self.clock()
            self.tokens = min(1.0, self.tokens + max(0.0, now - self.last) * self.rate)
            self.last = now
            if self.tokens < 1:
                self.sleep((1 - self.tokens) / self.rate)
                self.last = self.clock()  # what the wait earned is spent on this send
                self.tokens = 0
            else:
                self.tokens -= 1


ENDPOINTS = ("reply", "push", "multicast")
_instance = threading.local()  # Lambda runs an instance's invocations on one thread; the local stack, one per batch


def limiter(endpoint: str) -> RateLimiter:
    """This instance's bucket for an endpoint: the channel's ceiling shared over the maximum instances."""
    buckets = getattr(_instance, "buckets", None)
    if buckets is None:
        config = settings()
        shares = {name: config.line_ceilings[name] / config.line_send_max_concurrency for name in ENDPOINTS}
        buckets = _instance.buckets = {name: RateLimiter(rate) for name, rate in shares.items()}
    return buckets[endpoint]


def _finish(delivery, answer: line_api.Answer, billed: int, soon: bool = False, tally: str | None = None,
            recipients: int = 1) -> str:
    if answer.outcome == "delivered":
        deliveries.finish(delivery, "delivered", answer.http_status, answer.request_id, billed=billed, tally=tally,
                          recipients=recipients, agency_id=settings().agency_id)
        return "delivered"
    deliveries.finish(delivery, "undeliverable" if answer.outcome == "rejected" else "retrying",
                      answer.http_status, answer.request_id, error=answer.error,
                      reply_unanswered=answer.unanswered and delivery.endpoint == "reply", tally=tally,
                      recipients=recipients, agency_id=settings().agency_id)
    if answer.outcome == "retryable":
        raise RetryLater(random.randint(*UNANSWERED_REPLY_RETRY_S) if soon else backoff(delivery.attempts or 1),
                         answer)
    return "undeliverable"


def _our_reply_may_have_landed(earlier) -> bool:
    """An earlier reply attempt got no answer (time-out, dropped) or died before recording one."""
    return bool(earlier and (earlier.reply_unanswered_at is not None
                             or (earlier.endpoint == "reply" and earlier.status == "sending")))


def deliver(message: Outbound, now: float | None = None) -> str:
    """Send one outbound message; returns "delivered" or "undeliverable", or raises RetryLater."""
    earlier = deliveries.find(message.id)
    if earlier and earlier.status in ("delivered", "undeliverable"):
        return earlier.status
    tally = message.meta.get("tally")  # a fan-out's results (a notice, a batch of bills), counted per recipient
    if isinstance(message.to, list):
        delivery = deliveries.begin(message.id, f"multicast:{len(message.to)}", "multicast", message.purpose,
                                    earlier)
        limiter("multicast").acquire()
        answer = line_api.multicast(message.to, message.messages, message.id)
        if answer.outcome == "delivered":
            deliveries.receipts(message.id, message.to, message.purpose)
        return _finish(delivery, answer, len(message.to), tally=tally, recipients=len(message.to))

    # After an erase, the delivery log must not name the citizen again.
    logged_as = privacy.pseudonym(message.to) if message.meta.get("pseudonymous") else message.to
    age = outbox.age_ms(message, now)
    fresh = age is not None and age < settings().reply_token_max_age_s * 1000
    ours = _our_reply_may_have_landed(earlier)
    if fresh or (ours and message.reply_token):
        earlier = deliveries.begin(message.id, logged_as, "reply", message.purpose, earlier)
        limiter("reply").acquire()
        answer = line_api.reply(message.reply_token, message.messages)
        if answer.invalid_reply_token and ours:
            # Tokens are single use and this one was ours alone: our earlier attempt delivered the message.
            answer = line_api.Answer("delivered", answer.http_status, None)
        if not answer.invalid_reply_token:
            return _finish(earlier, answer, billed=0, soon=answer.unanswered and fresh, tally=tally)
    delivery = deliveries.begin(message.id, logged_as, "push", message.purpose, earlier)
    limiter("push").acquire()
    return _finish(delivery, line_api.push(message.to, message.messages, message.id), billed=1, tally=tally)
