"""Schedule strings: a 5-field cron expression (UTC), an alias (@hourly @daily @weekly @monthly @yearly)
or `@every <n>{s,m,h,d}`. Cron arithmetic is croniter's (a well-kept parser; DST and month lengths are
its problem, and UTC has no DST); intervals are anchored on the Unix epoch so they need no stored state
to be deterministic. Also the deterministic jitter per (agent, subject) and the quiet-hours window."""

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ALIASES = ("@hourly", "@daily", "@weekly", "@monthly", "@yearly")
EVERY = re.compile(r"@every\s+(\d+)\s*([smhd])")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# The longest interval: a year with a leap day. Longer ones overflow datetime arithmetic soon enough
# (and a run a year away is an on-demand agent in disguise).
MAX_INTERVAL_SECONDS = 366 * 86400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HINT = ("use a 5-field cron expression in UTC (\"0 3 * * *\"), one of " + " ".join(ALIASES)
        + ", or \"@every <n>s|m|h|d\" (\"@every 6h\")")


@dataclass(frozen=True)
class Schedule:
    text: str
    interval: float | None = None     # seconds, for @every; None: cron

    def next_after(self, moment: datetime) -> datetime:
        """The first due time strictly after moment (UTC)."""
        moment = _utc(moment)
        if self.interval is not None:
            periods = math.floor((moment - EPOCH).total_seconds() / self.interval) + 1
            return EPOCH + timedelta(seconds=periods * self.interval)
        from croniter import croniter
        return _utc(croniter(self.text, moment).get_next(datetime))

    def last_at_or_before(self, moment: datetime) -> datetime:
        """The latest due time not after moment: where a service that was down catches up to, once."""
        moment = _utc(moment)
        if self.interval is not None:
            periods = math.floor((moment - EPOCH).total_seconds() / self.interval)
            return EPOCH + timedelta(seconds=periods * self.interval)
        from croniter import croniter
        # croniter counts in whole seconds; one second on makes a due time exactly at moment count.
        return _utc(croniter(self.text, moment + timedelta(seconds=1)).get_prev(datetime))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse(text: str) -> Schedule:
    """A Schedule, or ValueError with a sentence naming the text and what is accepted."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"schedule {text!r} is empty; {HINT}")
    text = " ".join(text.split())
    if text.startswith("@every"):
        match = EVERY.fullmatch(text)
        if not match or int(match[1]) < 1:
            raise ValueError(f"schedule {text!r} is not an interval of at least 1; {HINT}")
        seconds = int(match[1]) * UNIT_SECONDS[match[2]]
        if seconds > MAX_INTERVAL_SECONDS:
            raise ValueError(f"schedule {text!r} is too long an interval: at most 366 days; {HINT}")
        return _comes(Schedule(text, interval=float(seconds)))
    if text.startswith("@"):
        if text not in ALIASES:
            raise ValueError(f"schedule {text!r} is not a known alias; {HINT}")
        return _comes(Schedule(text))
    if len(text.split()) != 5:
        raise ValueError(f"schedule {text!r} has {len(text.split())} fields where cron has 5; {HINT}")
    from croniter import croniter
    if not croniter.is_valid(text):
        raise ValueError(f"schedule {text!r} is not a valid cron expression; {HINT}")
    return _comes(Schedule(text))


def _comes(schedule: Schedule) -> Schedule:
    """A schedule the runtime can plan: its due times before and after now exist. Valid cron syntax can
    name a day that never comes ("0 0 30 2 *", 30 February): croniter then raises at planning time,
    which must be the pillar's refusal, not the service's crash."""
    now = datetime.now(UTC)
    try:
        schedule.next_after(now)
        schedule.last_at_or_before(now)
    except Exception as error:  # noqa: BLE001 - croniter's errors differ by version; any failure is the same refusal
        raise ValueError(f"schedule {schedule.text!r} never comes (no due time can be worked out: {error}); "
                         f"{HINT}") from None
    return schedule


def jitter(agent: str, subject: str, seconds: float) -> timedelta:
    """0..seconds, the same for one (agent, subject) on every run and every restart, so subjects of one
    agent spread out but none drifts."""
    if seconds <= 0:
        return timedelta(0)
    digest = hashlib.sha256(f"{agent}\0{subject}".encode()).digest()
    return timedelta(seconds=seconds * int.from_bytes(digest[:8], "big") / 2**64)


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time
    zone: ZoneInfo

    def holds(self, moment: datetime) -> bool:
        """Inside the window at moment (the window may cross midnight; start == end is no window)."""
        local = _utc(moment).astimezone(self.zone).time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def quiet_hours(value: dict | None) -> QuietHours | None:
    """From config.json's {"start": "22:00", "end": "06:00", "zone": "Europe/Berlin"} (or null)."""
    if not value:
        return None
    try:
        start, end = (time.fromisoformat(value[key]) for key in ("start", "end"))
        zone = ZoneInfo(value.get("zone") or "UTC")
    except (KeyError, TypeError, ValueError, ZoneInfoNotFoundError) as error:
        raise ValueError(f"quiet_hours {value!r} needs start and end as HH:MM and a known zone ({error})") from None
    return QuietHours(start, end, zone)
