from civic import line_api, sender


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_the_rate_limiter_keeps_an_instance_under_its_share_of_lines_limit():
    """GIVEN a limiter of 100 requests/s WHEN 1,000 sends are made as fast as possible THEN they take ≥ 9 s
    (the first second's burst of 100 is allowed), so instances × rate bounds the channel's rate (row 18)."""
    clock = FakeClock()
    limiter = sender.RateLimiter(100, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire()
    assert 8.99 <= clock.now <= 9.01


def test_back_off_grows_with_each_receive_and_is_capped():
    """GIVEN a 2 s base WHEN the n-th receive backs off THEN the delay lies in [2, 2·2^(n-1)] and never over 300 s."""
    for receive in range(1, 12):
        for _ in range(50):
            delay = sender.backoff(receive, base_s=2)
            assert 2 <= delay <= min(300, 2 * 2 ** (receive - 1))


def test_every_attempt_of_a_message_carries_the_same_uuid_retry_key():
    """GIVEN an outbound message id WHEN its retry key is derived twice THEN the same UUID; another id, another."""
    key = line_api.retry_key("E1.0")
    assert key == line_api.retry_key("E1.0") != line_api.retry_key("E1.1")
    assert len(key) == 36 and key.count("-") == 4
