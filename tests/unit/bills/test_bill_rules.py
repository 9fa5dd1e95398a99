"""The bill domain's decisions: leaks, reminder days, usage history, who a notice reaches, typed amounts."""

from datetime import date
from decimal import Decimal as D

from civic.bills import rules


def test_a_leak_is_a_usage_far_above_the_recent_average_with_enough_months_to_tell():
    """GIVEN about 12 units a month WHEN a month of 48, of 20, or of 48 after only two months comes THEN only the
    first warns: over twice the average and 10 units more, with three months to compare."""
    history = [D(12), D(11), D(13)]
    assert rules.leak_suspected(D(48), history)
    assert not rules.leak_suspected(D(20), history)
    assert not rules.leak_suspected(D(48), history[:2])
    assert not rules.leak_suspected(D(3), [D(1), D(1), D(1)])  # tripled, but 2 units is no leak


def test_the_history_keeps_six_months_in_order_and_a_month_again_replaces_itself():
    """GIVEN seven months added out of order and one repeated WHEN kept THEN the six newest, oldest first."""
    history = []
    for period, usage in [("2026-03", 1), ("2026-01", 2), ("2026-02", 3), ("2026-04", 4), ("2026-05", 5),
                          ("2026-06", 6), ("2026-07", 7), ("2026-04", 40)]:
        history = rules.with_month(history, period, D(usage))
    assert [p for p, _ in history] == ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    assert dict(history)["2026-04"] == "40"
    assert rules.before(history, "2026-04") == [D(3), D(1)]


def test_reminders_are_for_bills_due_in_two_days_and_those_due_yesterday():
    """GIVEN 1 Jan 2027 WHEN the reminder days are asked THEN bills due 3 Jan (before) and 31 Dec (after)."""
    assert rules.reminder_days(date(2027, 1, 1)) == {"before": date(2027, 1, 3), "after": date(2026, 12, 31)}


def test_a_citizen_in_two_of_a_notices_areas_is_sent_it_through_the_first_only():
    """GIVEN a notice for ในเมือง and then all of เมือง, and a citizen belonging to ท่าช้าง and ในเมือง WHEN matched
    THEN the first area (ในเมือง) is theirs: the walk of the whole district skips them."""
    audience = rules.Audience((rules.Area("เมือง", "ในเมือง"), rules.Area("เมือง")), "water_cut")
    assert rules.first_match(audience, {("เมือง", "ท่าช้าง"), ("เมือง", "ในเมือง")}) == (0, "เมือง", "ในเมือง")
    assert rules.first_match(audience, {("เมือง", "ท่าช้าง")}) == (1, "เมือง", "ท่าช้าง")
    assert rules.first_match(audience, {("บางใหญ่", "*")}) is None


def test_a_district_wide_subscriber_hears_a_notice_for_any_of_its_subdistricts():
    """GIVEN a subscriber to the whole of บางใหญ่ WHEN a notice for บางแม่นาง is matched THEN they hear it."""
    assert rules.Area("บางใหญ่", "บางแม่นาง").covers("บางใหญ่", "*")
    assert not rules.Area("บางใหญ่", "บางแม่นาง").covers("บางใหญ่", "เสาธงหิน")


def test_who_hears_a_topic_customers_unless_opted_out_subscribers_if_chosen_and_age_groups():
    """GIVEN a water-cut notice for those 60 and over WHEN a customer, an opted-out customer, a subscriber to
    events only and one to water cuts without an age are checked THEN only the customer of 60+ is reached."""
    audience = rules.Audience((rules.Area("เมือง"),), "water_cut", ("60_plus",))
    assert rules.refusal(audience, rules.Prefs(linked=True, age_group="60_plus")) is None
    assert rules.refusal(audience, rules.Prefs(linked=True, opt_outs={"water_cut"}, age_group="60_plus")) == "opted_out"
    assert rules.refusal(audience, rules.Prefs(topics={"events"}, age_group="60_plus")) == "not_subscribed"
    assert rules.refusal(audience, rules.Prefs(topics={"water_cut"})) == "age_group"


def test_typed_amounts_are_read_the_way_citizens_write_them():
    """GIVEN "1,234.5", "฿1234.50 บาท" and "abc" WHEN normalised THEN 1234.50, 1234.50 and None."""
    assert rules.normal_amount("1,234.5") == rules.normal_amount("฿1234.50 บาท") == "1234.50"
    assert rules.normal_amount("abc") is None and rules.normal_amount("-1") is None
