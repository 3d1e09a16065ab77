"""Cron schedules as ``github.com/robfig/cron/v3`` parses and runs them: what the API server's
CronJob validation (``cron.ParseStandard``) and the CronJob controller (``schedule.Next``) use.

- :func:`parse_standard` — five fields (minute, hour, day of month, month, day of week), each a
  comma list of ``*``/``?``, ``N``, ``N-M``, ``*/S``, ``N/S``, ``N-M/S``, month and weekday
  names (``jan``, ``mon``); the descriptors ``@yearly``/``@annually``, ``@monthly``,
  ``@weekly``, ``@daily``/``@midnight``, ``@hourly`` and ``@every <duration>``; a ``TZ=`` or
  ``CRON_TZ=`` prefix. Errors carry robfig's texts (``expected exactly 5 fields, found 1:
  [bad]``, ``end of range (60) above maximum (59): 60``...), which the API server prints after
  ``spec.schedule: Invalid value: "...":``.
- :meth:`SpecSchedule.next` — ``SpecSchedule.Next``: the first matching second strictly after
  ``t``; day of month and day of week are ORed when both are restricted, ANDed when either is
  ``*`` (the ``starBit``); ``None`` (Go's zero time) when nothing matches within five years
  (``30 0 31 2 *``).

Simplifications: the wall-clock walk runs on naive local times of the schedule's zone, so a
daylight-saving gap or overlap is not handled as robfig does (UTC, the simulator's default, has
none). ``@every`` accepts Go durations made of ``h``, ``m`` and ``s`` parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["ConstantDelaySchedule", "CronError", "Schedule", "SpecSchedule", "load_location",
           "parse_standard"]

#: ``starBit``: the field was ``*`` (or ``?``) with step 1
STAR_BIT = 1 << 63
_MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_DOWS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
#: (min, max, names) of minute, hour, dom, month, dow
_BOUNDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DOWS))
_INT = re.compile(r"[+-]?[0-9]+")


class CronError(ValueError):
    """A schedule robfig/cron refuses; ``str()`` is its error text."""


def load_location(name: str) -> tzinfo:
    """``time.LoadLocation``: ``""`` and ``UTC`` are UTC, else the IANA database."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return UTC  # the simulated controller manager runs in UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CronError(f"unknown time zone {name}") from exc


def _bits(start: int, end: int, step: int) -> int:
    if step == 1:
        return ((1 << (end + 1)) - 1) & ~((1 << start) - 1)
    out = 0
    for i in range(start, end + 1, step):
        out |= 1 << i
    return out


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` (imported late: validation imports this module)."""
    from .validation.field import go_quote as quote

    return quote(s)


def _must_parse_int(expr: str) -> int:
    if not _INT.fullmatch(expr):
        raise CronError(f"failed to parse int from {expr}: strconv.Atoi: parsing "
                        f"{go_quote(expr)}: invalid syntax")
    num = int(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _must_parse_int(expr)


def _get_range(expr: str, lo: int, hi: int, names: dict[str, int] | None) -> int:
    """``getRange``: one ``N``, ``N-M``, ``*`` with an optional ``/step``."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    extra = 0
    if low_and_high[0] in ("*", "?"):
        start, end, extra = lo, hi, STAR_BIT
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _must_parse_int(range_and_step[1])
        if single:  # "N/step" means "N-max/step"
            end = hi
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return _bits(start, end, step) | extra


def _get_field(field: str, lo: int, hi: int, names: dict[str, int] | None) -> int:
    bits = 0
    for expr in field.split(","):
        bits |= _get_range(expr, lo, hi, names)
    return bits


class Schedule:
    """``cron.Schedule``."""

    location: tzinfo = UTC

    def next(self, t: datetime) -> datetime | None:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass
class SpecSchedule(Schedule):
    """``SpecSchedule``: one bit set per allowed value (seconds are always ``0``)."""

    minute: int
    hour: int
    dom: int
    month: int
    dow: int
    location: tzinfo = UTC

    def _day_matches(self, t: datetime) -> bool:
        dom_match = bool((1 << t.day) & self.dom)
        dow_match = bool((1 << ((t.weekday() + 1) % 7)) & self.dow)
        if self.dom & STAR_BIT or self.dow & STAR_BIT:
            return dom_match and dow_match
        return dom_match or dow_match

    def next(self, t: datetime) -> datetime | None:
        """``SpecSchedule.Next``: the next activation strictly after ``t`` (aware), in ``t``'s
        zone; ``None`` when there is none within five years."""
        orig = t.tzinfo or UTC
        local = t.astimezone(self.location).replace(tzinfo=None)
        # "the upcoming second"
        local = local.replace(microsecond=0) + timedelta(seconds=1)
        year_limit = local.year + 5
        added = False
        while True:  # WRAP
            if local.year > year_limit:
                return None
            wrapped = False
            while not (1 << local.month) & self.month:
                if not added:
                    added = True
                    local = local.replace(day=1, hour=0, minute=0, second=0)
                local = (local.replace(year=local.year + 1, month=1) if local.month == 12
                         else local.replace(month=local.month + 1))
                if local.month == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not self._day_matches(local):
                if not added:
                    added = True
                    local = local.replace(hour=0, minute=0, second=0)
                local += timedelta(days=1)
                if local.day == 1:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << local.hour) & self.hour:
                if not added:
                    added = True
                    local = local.replace(minute=0, second=0)
                local += timedelta(hours=1)
                if local.hour == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            while not (1 << local.minute) & self.minute:
                if not added:
                    added = True
                    local = local.replace(second=0)
                local += timedelta(minutes=1)
                if local.minute == 0:
                    wrapped = True
                    break
            if wrapped:
                continue
            if local.second != 0:  # the seconds field is always "0": on to the next minute
                added = True
                local = local.replace(second=0) + timedelta(minutes=1)
                continue
            return local.replace(tzinfo=self.location).astimezone(orig)


@dataclass
class ConstantDelaySchedule(Schedule):
    """``@every <duration>``: ``t`` plus the delay (whole seconds, at least 1)."""

    delay: int
    location: tzinfo = UTC

    def next(self, t: datetime) -> datetime | None:
        return t.replace(microsecond=0) + timedelta(seconds=self.delay)


_ALL = {i: _bits(lo, hi, 1) | STAR_BIT for i, (lo, hi, _) in enumerate(_BOUNDS)}
_DESCRIPTORS = {
    "@yearly": (1, 1, 1 << 1, 1 << 1, _ALL[4]),
    "@annually": (1, 1, 1 << 1, 1 << 1, _ALL[4]),
    "@monthly": (1, 1, 1 << 1, _ALL[3], _ALL[4]),
    "@weekly": (1, 1, _ALL[2], _ALL[3], 1),
    "@daily": (1, 1, _ALL[2], _ALL[3], _ALL[4]),
    "@midnight": (1, 1, _ALL[2], _ALL[3], _ALL[4]),
    "@hourly": (1, _ALL[1], _ALL[2], _ALL[3], _ALL[4]),
}
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?")


def _parse_descriptor(spec: str, loc: tzinfo) -> Schedule:
    if spec in _DESCRIPTORS:
        return SpecSchedule(*_DESCRIPTORS[spec], location=loc)
    if spec.startswith("@every "):
        text = spec[len("@every "):]
        m = _DURATION.fullmatch(text)
        if not text or m is None or not any(m.groups()):
            raise CronError(f'failed to parse duration {spec}: time: invalid duration '
                            f'{go_quote(text)}')
        h, mi, s = (float(g or 0) for g in m.groups())
        return ConstantDelaySchedule(max(1, round(h * 3600 + mi * 60 + s)), loc)
    raise CronError(f"unrecognized descriptor: {spec}")


def parse_standard(spec: str) -> Schedule:
    """``cron.ParseStandard``."""
    if not spec:
        raise CronError("empty spec string")
    loc: tzinfo = UTC
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i, eq = spec.find(" "), spec.index("=")
        name = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        try:
            loc = load_location(name)
        except CronError as exc:
            raise CronError(f"provided bad location {name}: {exc}") from exc
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        return _parse_descriptor(spec, loc)
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    bits = [_get_field(f, lo, hi, names) for f, (lo, hi, names) in zip(fields, _BOUNDS,
                                                                         strict=True)]
    return SpecSchedule(*bits, location=loc)
