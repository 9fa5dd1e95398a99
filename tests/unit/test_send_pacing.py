from civic import line_api, sender


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_the_rate_limiter_keeps_an_instance_under_its_share_of_lines_limit():
    """GIVEN a limiter of 100 requests/s WHEN 1,000 sends are made as fast as possible THEN they take 10 s: a new
    bucket starts empty and holds one token at most, so no instance ever bursts above its share (row 18)."""
    clock = FakeClock()
    limiter = sender.RateLimiter(100, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire()
    assert 9.99 <= clock.now <= 10.01


def _sends_per_second(times: list[float]) -> int:
    """The most sends inside any one-second window."""
    times, most, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0 - 1e-9:  # float steps of 1/rate add up a hair short
            start += 1
        most = max(most, end - start + 1)
    return most


def test_a_fan_out_of_200000_pushes_over_every_instance_stays_under_the_channel_ceiling(monkeypatch):
    """GIVEN a push ceiling of 1,800/s over 10 LineSender instances WHEN 200,000 pushes are sent, each instance
    as fast as its own bucket allows, side by side THEN no one-second window holds more than 1,800 sends
    across the instances, and the last goes out when the ceiling says: 200,000 / 1,800 s (row 18)."""
    monkeypatch.setenv("LINE_PUSH_CEILING", "1800")
    monkeypatch.setenv("LINE_SEND_MAX_CONCURRENCY", "10")
    config = sender.settings()
    share = config.line_ceilings["push"] / config.line_send_max_concurrency
    times = []
    for _ in range(config.line_send_max_concurrency):  # instances run in parallel: each on its own clock
        clock = FakeClock()
        limiter = sender.RateLimiter(share, clock=clock, sleep=clock.sleep)
        for _ in range(200_000 // config.line_send_max_concurrency):
            limiter.acquire()
            times.append(clock.now)
    assert _sends_per_second(times) <= 1800
    assert max(times) <= 200_000 / 1800 + 0.01


def test_push_and_multicast_have_separate_ceilings_shared_over_the_instances(monkeypatch):
    """GIVEN ceilings of 1,800 pushes/s and 180 multicasts/s over 10 instances WHEN an instance's buckets are
    read THEN push is paced at 180/s and multicast at 18/s, each on its own bucket."""
    monkeypatch.setenv("LINE_PUSH_CEILING", "1800")
    monkeypatch.setenv("LINE_MULTICAST_CEILING", "180")
    monkeypatch.setenv("LINE_SEND_MAX_CONCURRENCY", "10")
    monkeypatch.setattr(sender._instance, "buckets", None, raising=False)
    assert sender.limiter("push").rate == 180 and sender.limiter("multicast").rate == 18
    assert sender.limiter("push") is not sender.limiter("multicast")


def test_back_off_grows_with_each_receive_and_is_capped():
    """GIVEN a 2 s base WHEN the n-th receive backs off THEN the delay lies in [max(2, c/2), c], c = 2·2^(n-1),
    and never over 300 s."""
    for receive in range(1, 12):
        for _ in range(50):
            delay = sender.backoff(receive, base_s=2)
            ceiling = min(300, 2 * 2 ** (receive - 1))
            assert max(2, ceiling // 2) <= delay <= ceiling


def test_seven_retries_span_more_than_thirty_seconds_of_429s_whatever_the_jitter():
    """GIVEN the outbox's 8 receives and a 2 s base WHEN the shortest possible back-offs are added up THEN the
    eighth try comes over two minutes after the first: a 30 s burst of 429s cannot dead-letter a message
    (row 15)."""
    shortest = sum(max(2, min(300, 2 * 2 ** (n - 1)) / 2) for n in range(1, 8))
    assert shortest >= 120


def test_every_attempt_of_a_message_carries_the_same_uuid_retry_key():
    """GIVEN an outbound message id WHEN its retry key is derived twice THEN the same UUID; another id, another."""
    key = line_api.retry_key("E1.0")
    assert key == line_api.retry_key("E1.0") != line_api.retry_key("E1.1")
    assert len(key) == 36 and key.count("-") == 4
