"""Schedule and ScheduleV2 events: fired now on request, and on time by rate() and cron()."""

import re
import threading
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from infra.local.schedules import Rate, Schedule, ScheduleRunner, parse_expression
from infra.local.template import TemplateError

UTC = ZoneInfo("UTC")
BANGKOK = ZoneInfo("Asia/Bangkok")


def epoch(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


def utc(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %a %H:%M")


def schedule(timing, name="Tick"):
    return Schedule(function_id="ScheduledFunction", event_name=name, kind="Schedule", name=name,
                    expression="test", timing=timing, input=None, enabled=True)


def test_fire_schedule_sends_eventbridges_scheduled_event(stack):
    """GIVEN the Schedule event Hourly (rate(1 hour), rule name fixture-hourly) with no Input
    WHEN it is fired now
    THEN the handler gets the scheduled-event notification EventBridge sends."""
    event = stack.fire_schedule("ScheduledFunction", "Hourly")["received"]

    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:ap-southeast-7:123456789012:rule/fixture-hourly"]
    assert (event["account"], event["region"], event["detail"], event["version"]) == (
        "123456789012", "ap-southeast-7", {}, "0")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event["time"])


def test_fire_schedule_v2_sends_its_input(stack):
    """GIVEN the ScheduleV2 event Nightly with Input '{"job": "nightly-report"}'
    WHEN it is fired now
    THEN the handler gets exactly that input."""
    assert stack.fire_schedule("ScheduledFunction", "Nightly") == {"received": {"job": "nightly-report"}}


def test_fire_schedule_needs_the_event_name_when_a_function_has_several(stack):
    """GIVEN ScheduledFunction has two schedules
    WHEN fire_schedule is given only the function
    THEN it refuses and lists the schedules it knows."""
    with pytest.raises(KeyError, match="ScheduledFunction/Hourly"):
        stack.fire_schedule("ScheduledFunction")


def test_rate_schedule_fires_on_time_on_its_thread():
    """GIVEN a one-second rate
    WHEN the runner's thread runs for two periods
    THEN it has fired twice, a second apart."""
    fired, twice = [], threading.Event()

    def fire(_schedule, at):
        fired.append(time.time())
        if len(fired) == 2:
            twice.set()

    runner = ScheduleRunner([schedule(Rate(1))], fire)
    started = time.time()
    runner.start()
    assert twice.wait(timeout=5)
    runner.stop()

    assert 0.9 <= fired[0] - started <= 2.0
    assert 0.9 <= fired[1] - fired[0] <= 2.0


def test_rate_schedule_fires_every_period_from_its_start():
    """GIVEN rate(1 hour) and a clock that moves only when the runner waits
    WHEN the runner runs until three fires
    THEN they come at one, two and three hours after it started."""
    now = [epoch("2026-01-10T00:00:00")]
    fired = []

    def wait(seconds):
        now[0] += seconds
        return len(fired) == 3

    ScheduleRunner([schedule(parse_expression("rate(1 hour)", UTC))],
                   lambda _schedule, at: fired.append(at), clock=lambda: now[0], wait=wait).run()

    assert [utc(at) for at in fired] == ["2026-01-10 Sat 01:00", "2026-01-10 Sat 02:00", "2026-01-10 Sat 03:00"]


def test_cron_fires_at_its_time_zones_wall_clock():
    """GIVEN cron(0 2 * * ? *) in Asia/Bangkok (UTC+7)
    WHEN the next fire after midnight UTC is computed
    THEN it is 02:00 in Bangkok, 19:00 UTC."""
    nightly = parse_expression("cron(0 2 * * ? *)", BANGKOK)

    assert utc(nightly.next_after(epoch("2026-01-10T00:00:00"), 0)) == "2026-01-10 Sat 19:00"


def test_cron_lists_ranges_steps_and_weekdays():
    """GIVEN cron(0/15 8-9 ? * MON-FRI *): every quarter hour from 08:00 to 09:45 on weekdays
    WHEN the next fires are computed from a Saturday noon, from Monday 08:00 and from Monday 09:45
    THEN they are Monday 08:00, Monday 08:15 and Tuesday 08:00."""
    office = parse_expression("cron(0/15 8-9 ? * MON-FRI *)", UTC)

    assert utc(office.next_after(epoch("2026-01-10T12:00:00"), 0)) == "2026-01-12 Mon 08:00"
    assert utc(office.next_after(epoch("2026-01-12T08:00:00"), 0)) == "2026-01-12 Mon 08:15"
    assert utc(office.next_after(epoch("2026-01-12T09:45:00"), 0)) == "2026-01-13 Tue 08:00"


def test_cron_last_day_nearest_weekday_and_nth_weekday():
    """GIVEN L (last day of the month), 15W (weekday nearest the 15th) and 2#1 (first Monday)
    WHEN the next fires in February 2026 are computed (the 15th is a Sunday)
    THEN they are the 28th, Monday the 16th and Monday the 2nd."""
    after = epoch("2026-02-01T00:00:00")

    assert utc(parse_expression("cron(0 0 L * ? *)", UTC).next_after(after, 0)) == "2026-02-28 Sat 00:00"
    assert utc(parse_expression("cron(0 0 15W * ? *)", UTC).next_after(after, 0)) == "2026-02-16 Mon 00:00"
    assert utc(parse_expression("cron(0 0 ? * 2#1 *)", UTC).next_after(after, 0)) == "2026-02-02 Mon 00:00"


def test_cron_with_both_day_fields_set_is_refused():
    """GIVEN cron(0 2 * * * *), which AWS rejects (one day field must be '?')
    WHEN it is parsed
    THEN the template is refused with the reason."""
    with pytest.raises(TemplateError, match="'\\?'"):
        parse_expression("cron(0 2 * * * *)", UTC)
