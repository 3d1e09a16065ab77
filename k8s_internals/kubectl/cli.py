"""A small command-line parser with kubectl's (``spf13/pflag``'s) conventions and messages.

- ``--name=value``, ``--name value``, ``-n value``, ``-nvalue``, ``-n=value``; boolean flags take
  no value unless written ``--flag=false``; grouped short booleans ``-Aw``; ``--`` ends flags;
- the error texts pflag prints: ``error: unknown flag: --foo``,
  ``error: unknown shorthand flag: 'x' in -x``, ``error: flag needs an argument: --output``,
  each followed by ``See 'kubectl get --help' for usage.``
- durations as Go's ``time.ParseDuration`` reads them (``30s``, ``1m30s``, ``500ms``).

Flags that only make sense against a real server (``--kubeconfig``, ``--context``...) are
accepted and ignored.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["GLOBAL_FLAGS", "Flag", "UsageError", "parse", "parse_duration", "split"]


class UsageError(Exception):
    """A command-line error; ``str()`` is the full text kubectl prints (without newline)."""


@dataclass(frozen=True)
class Flag:
    """One flag: ``kind`` is ``bool``, ``str``, ``int``, ``list`` (repeatable) or
    ``duration`` (seconds as float)."""

    name: str
    short: str = ""
    kind: str = "bool"
    default: Any = None

    @property
    def key(self) -> str:
        return self.name.replace("-", "_")


#: kubectl's persistent flags (``genericclioptions.ConfigFlags``) that matter here
GLOBAL_FLAGS: tuple[Flag, ...] = (
    Flag("namespace", "n", "str", ""),
    Flag("request-timeout", "", "duration", None),
    Flag("kubeconfig", "", "str", ""),
    Flag("context", "", "str", ""),
    Flag("cluster", "", "str", ""),
    Flag("user", "", "str", ""),
    Flag("v", "v", "int", 0),
)

_BOOL_WORDS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
               "0": False, "f": False, "F": False, "FALSE": False, "false": False,
               "False": False}

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
          "h": 3600.0}


def parse_duration(text: str) -> float:
    """``time.ParseDuration`` in seconds: ``"1m30s"`` → 90.0; a bare ``"0"`` is 0.

    >>> parse_duration("1m30s"), parse_duration("500ms"), parse_duration("2h")
    (90.0, 0.5, 7200.0)
    """
    s = text.strip()
    if s in ("0", "+0", "-0"):
        return 0.0
    sign = -1.0 if s.startswith("-") else 1.0
    body = s.lstrip("+-")
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)", body)
    if not body or "".join(n + u for n, u in parts) != body:
        raise ValueError(f'time: invalid duration "{text}"')
    return sign * sum(float(n) * _UNITS[u] for n, u in parts)


def split(command: str | Sequence[str]) -> list[str]:
    """Split a command line as a POSIX shell would (quotes, escapes); drop a leading
    ``kubectl``."""
    args = shlex.split(command) if isinstance(command, str) else list(command)
    if args and args[0] in ("kubectl", "k"):
        args = args[1:]
    return args


def _usage(command: str, message: str) -> UsageError:
    return UsageError(f"error: {message}\nSee 'kubectl {command} --help' for usage.")


def _convert(flag: Flag, value: str, shown: str) -> Any:
    if flag.kind == "bool":
        if value not in _BOOL_WORDS:
            raise UsageError(f'error: invalid argument "{value}" for "{shown}" flag: '
                             f'strconv.ParseBool: parsing "{value}": invalid syntax')
        return _BOOL_WORDS[value]
    if flag.kind == "int":
        try:
            return int(value)
        except ValueError:
            raise UsageError(f'error: invalid argument "{value}" for "{shown}" flag: '
                             f'strconv.ParseInt: parsing "{value}": invalid syntax') from None
    if flag.kind == "duration":
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise UsageError(f'error: invalid argument "{value}" for "{shown}" flag: '
                             f"{exc}") from None
    return value


def parse(args: Sequence[str], flags: Sequence[Flag], command: str
          ) -> tuple[dict[str, Any], list[str]]:
    """Parse ``args`` against ``flags`` (plus :data:`GLOBAL_FLAGS`): ``(values, positionals)``.

    ``values`` has every flag's ``key`` (``all_namespaces``...), defaulted.
    """
    known = [*flags, *GLOBAL_FLAGS]
    by_long = {f.name: f for f in known}
    by_short = {f.short: f for f in known if f.short}
    values: dict[str, Any] = {f.key: ([] if f.kind == "list" else f.default) for f in known}
    seen: set[str] = set()
    positionals: list[str] = []

    def assign(flag: Flag, value: Any) -> None:
        if flag.kind == "list":  # pflag StringSlice: comma-separated, repeatable
            values[flag.key].extend(v for v in str(value).split(",") if v)
        else:
            values[flag.key] = value
        seen.add(flag.key)

    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            positionals.extend(args[i + 1:])
            break
        if arg.startswith("--") and len(arg) > 2:
            name, eq, inline = arg[2:].partition("=")
            flag = by_long.get(name)
            if flag is None:
                raise _usage(command, f"unknown flag: --{name}")
            if flag.kind == "bool":
                assign(flag, _convert(flag, inline, f"--{name}") if eq else True)
            elif eq:
                assign(flag, _convert(flag, inline, f"--{name}"))
            elif i + 1 < len(args):
                i += 1
                assign(flag, _convert(flag, args[i], f"--{name}"))
            else:
                raise _usage(command, f"flag needs an argument: --{name}")
        elif arg.startswith("-") and len(arg) > 1 and not _is_number(arg):
            j = 1
            while j < len(arg):
                ch = arg[j]
                flag = by_short.get(ch)
                if flag is None:
                    raise _usage(command, f"unknown shorthand flag: '{ch}' in {arg}")
                rest = arg[j + 1:]
                if flag.kind == "bool":
                    if rest.startswith("="):
                        assign(flag, _convert(flag, rest[1:], f"-{ch}"))
                        break
                    assign(flag, True)
                    j += 1
                    continue
                if rest:
                    assign(flag, _convert(flag, rest[1:] if rest.startswith("=") else rest,
                                          f"-{ch}"))
                elif i + 1 < len(args):
                    i += 1
                    assign(flag, _convert(flag, args[i], f"-{ch}"))
                else:
                    raise _usage(command, f"flag needs an argument: '{ch}' in -{ch}")
                break
        else:
            positionals.append(arg)
        i += 1
    values["_set"] = seen
    return values, positionals


def _is_number(arg: str) -> bool:
    return bool(re.fullmatch(r"-\d+(\.\d+)?", arg))
