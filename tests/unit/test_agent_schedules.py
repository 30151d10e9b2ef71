from datetime import UTC, datetime, timedelta

import pytest

from sigmavault.agents import schedules

T = datetime(2026, 3, 1, 2, 59, 30, tzinfo=UTC)


def test_a_cron_expression_is_due_on_its_minute_in_utc():
    assert schedules.parse("0 3 * * *").next_after(T) == datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
    assert schedules.parse("0 3 * * *").next_after(datetime(2026, 3, 1, 3, 0, tzinfo=UTC)) == \
        datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("alias", "due"), [
    ("@hourly", datetime(2026, 3, 1, 3, 0, tzinfo=UTC)), ("@daily", datetime(2026, 3, 2, tzinfo=UTC)),
    ("@weekly", datetime(2026, 3, 8, tzinfo=UTC)), ("@monthly", datetime(2026, 4, 1, tzinfo=UTC)),
    ("@yearly", datetime(2027, 1, 1, tzinfo=UTC))])
def test_aliases_are_the_cron_they_name(alias, due):
    assert schedules.parse(alias).next_after(T) == due


@pytest.mark.parametrize(("text", "seconds"), [("@every 5s", 5), ("@every 2m", 120), ("@every 6h", 21600),
                                                ("@every 1d", 86400), ("@every   3s", 3)])
def test_an_interval_is_due_every_period_on_the_epoch_grid(text, seconds):
    schedule = schedules.parse(text)
    first = schedule.next_after(T)
    assert first > T and first.timestamp() % seconds == 0
    assert schedule.next_after(first) - first == timedelta(seconds=seconds)


def test_the_latest_due_time_is_where_a_service_that_was_down_catches_up_once():
    every = schedules.parse("@every 10s")
    later = T + timedelta(hours=5, seconds=3)
    assert every.last_at_or_before(later) == later - timedelta(seconds=3)
    assert schedules.parse("0 3 * * *").last_at_or_before(datetime(2026, 3, 5, 3, 0, tzinfo=UTC)) == \
        datetime(2026, 3, 5, 3, 0, tzinfo=UTC)
    assert schedules.parse("0 3 * * *").last_at_or_before(datetime(2026, 3, 5, 2, 0, tzinfo=UTC)) == \
        datetime(2026, 3, 4, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "words"), [
    ("", "empty"), ("@every 0s", "at least 1"), ("@every 5w", "interval"), ("@fortnightly", "alias"),
    ("* * *", "3 fields"), ("61 * * * *", "not a valid cron"), ("0 3 * * * *", "6 fields")])
def test_a_bad_schedule_is_refused_with_a_sentence_saying_what_is_accepted(text, words):
    with pytest.raises(ValueError) as refused:
        schedules.parse(text)
    assert words in str(refused.value) and "@every <n>s|m|h|d" in str(refused.value)


def test_jitter_is_deterministic_per_agent_and_subject_and_within_bounds():
    one = schedules.jitter("compression", "media", 60)
    assert one == schedules.jitter("compression", "media", 60)
    spread = {schedules.jitter("compression", f"job{n}", 60) for n in range(20)}
    assert len(spread) == 20 and all(timedelta(0) <= j < timedelta(seconds=60) for j in spread)
    assert schedules.jitter("compression", "media", 0) == timedelta(0)


def test_quiet_hours_across_midnight_in_the_owners_zone():
    quiet = schedules.quiet_hours({"start": "22:00", "end": "06:00", "zone": "Europe/Berlin"})
    # Berlin is UTC+1 in winter: 21:30 UTC is 22:30 there, 05:30 UTC is 06:30 there.
    assert quiet.holds(datetime(2026, 1, 10, 21, 30, tzinfo=UTC))
    assert quiet.holds(datetime(2026, 1, 10, 4, 30, tzinfo=UTC))
    assert not quiet.holds(datetime(2026, 1, 10, 5, 30, tzinfo=UTC))
    assert not quiet.holds(datetime(2026, 1, 10, 12, 0, tzinfo=UTC))


def test_quiet_hours_within_one_day_and_none():
    quiet = schedules.quiet_hours({"start": "09:00", "end": "17:00", "zone": "UTC"})
    assert quiet.holds(datetime(2026, 1, 10, 9, 0, tzinfo=UTC))
    assert not quiet.holds(datetime(2026, 1, 10, 17, 0, tzinfo=UTC))
    assert not quiet.holds(datetime(2026, 1, 10, 3, 0, tzinfo=UTC))
    assert schedules.quiet_hours(None) is None


def test_bad_quiet_hours_name_the_value():
    with pytest.raises(ValueError, match="quiet_hours"):
        schedules.quiet_hours({"start": "22:00", "end": "06:00", "zone": "Mars/Olympus"})
    with pytest.raises(ValueError, match="HH:MM"):
        schedules.quiet_hours({"start": "late", "end": "06:00"})


@pytest.mark.parametrize(("text", "words"), [
    ("0 0 30 2 *", "never comes"), ("0 0 31 4 *", "never comes"),
    ("@every 3000000d", "too long"), ("@every 367d", "too long"), ("@every 9999999999999h", "too long")])
def test_a_schedule_that_never_comes_or_overflows_is_refused_not_left_to_crash_the_service(text, words):
    with pytest.raises(ValueError) as refused:
        schedules.parse(text)
    assert words in str(refused.value) and repr(text) in str(refused.value)


def test_the_longest_interval_and_a_leap_day_still_come():
    assert schedules.parse("@every 366d").next_after(T) > T
    assert schedules.parse("0 0 29 2 *").next_after(T) == datetime(2028, 2, 29, tzinfo=UTC)
