"""``etcdctl`` 3.4 (``ETCDCTL_API=3``) as a text front on any :class:`~.types.Store`.

:func:`run` parses an etcdctl command line and prints, byte for byte, what the real etcdctl
3.4.23 prints for the same data: the same printers, flags, argument checks, error lines and exit
codes. It mirrors etcd-io/etcd ``etcdctl/ctlv3/command/`` at v3.4:

- ``printer.go`` (``makeEndpointStatusTable``, the table printer with olekukonko/tablewriter,
  sizes with dustin/go-humanize ``humanize.Bytes``), ``printer_simple.go``, ``printer_json.go``
  (``json.Marshal`` of the gogo-protobuf responses: int64/uint64 as JSON numbers, bytes as
  base64, ``omitempty`` fields left out, clientv3's own structs with Go field names),
  ``printer_fields.go`` (Go ``%q`` quoting), ``util.go`` (``printKV``, ``addHexPrefix``,
  ``Argify``);
- ``get_command.go``, ``put_command.go``, ``del_command.go``, ``txn_command.go``,
  ``watch_command.go``, ``compaction_command.go``, ``lease_command.go``, ``ep_command.go``,
  ``version_command.go``; flags parse as spf13/pflag parses them (``--flag=v``, ``--flag v``,
  ``-w json``, ``-wjson``, ``--`` ends the flags, ints in Go's base-0 syntax);
- ``error.go``: an error is :class:`EtcdctlError`, carrying the ``Error: ...`` line etcdctl
  writes on stderr and its exit code (1 error, 2 bad connection, 3 invalid input, 4 bad feature,
  5 interrupted, 128 bad args). Server errors use the gRPC texts of
  ``etcdserver/api/v3rpc/rpctypes/error.go`` (``etcdserver: mvcc: required revision has been
  compacted``).

Every behaviour here was checked against the real etcdctl 3.4.23 and etcd 3.4.23
(``tests/store/test_etcdctl.py`` runs both and compares bytes).

Commands: ``get``, ``put``, ``del``, ``txn`` (stdin through ``run(..., stdin=...)``, as
``printf ... | etcdctl txn``), ``watch``, ``compaction``, ``lease grant|revoke|timetolive|
keep-alive``, ``endpoint status|health``, ``version``. Output formats ``simple``, ``json``,
``fields`` and (``endpoint status`` only, as etcdctl) ``table``. A leading ``etcdctl`` and
``ETCDCTL_API=3`` are accepted; global flags (``--endpoints``, ``--dial-timeout``, TLS flags, ...)
are accepted and ignored, except ``--hex``, ``-w`` and ``--endpoints`` (the endpoint name
``endpoint status`` prints).

Where this differs from the real tool, and why:

- **watch is bounded.** The real ``etcdctl watch`` blocks until interrupted. Here it prints the
  events already in the store's history from ``--rev`` up to the current revision, then returns
  (without ``--rev`` that is nothing, as a real watch started now has printed nothing yet). Two
  simulator flags bound it otherwise: ``--wait DURATION`` (``2s``, ``500ms`` or seconds; keep
  watching for new events that long, wall-clock) and ``--limit-events N`` (stop after ``N``
  events). A watch canceled because its start revision was compacted fails as etcdctl does
  (``watch was canceled (...)`` then ``Error: watch is canceled by the server``, exit 5), with
  ``-w json`` output of the cancel response in ``EtcdctlError.stdout``. To find the events it
  watches the whole keyspace from ``--rev`` and filters by key: every revision is one write, so
  the stream is known to be complete once it reaches the current revision. ``-w json`` groups
  history into one response per 1,000 revisions as etcd's ``syncWatchers``
  (``watchBatchMaxRevs``) does, and live events into one response per revision.
- ``endpoint status`` prints one row for the store. Its endpoint column is the ``--endpoints``
  value if given (as etcdctl prints what it was told), else ``host:port`` of an ``etcd://``
  store, else the store's URL (``memory://``). The values are the store's ``status()``.
- ``lease keep-alive`` without ``--once`` renews once (the real one renews until the lease is
  gone). ``endpoint health`` returns its line as output (etcdctl 3.4 writes it on stderr).
- ``lease timetolive`` needs the TTL the lease was granted with, which the
  :class:`~.types.Store` interface does not expose: it is taken from a store's optional
  ``lease_granted_ttl(lease_id)`` method if it has one, else from leases granted through this
  front, else shown as the remaining TTL. Attached keys (``--keys``) are found by a range over
  the keyspace, and listed in key order (etcd lists them in Go map order, which varies).
- ``put --ignore-value``/``--ignore-lease`` read the key, then write it (the interface has no
  such flags), so a failing one does not cost a raft entry as it does in etcd.
- ``get --count-only`` is etcdctl 3.5's flag (3.4 answers ``unknown flag``); it behaves as in
  3.5: only with ``-w fields``.
- ``--order``/``--sort-by`` sort on the client (etcd sorts on the server, then applies
  ``--limit``: the same result; ties keep key order, which Go's unstable sort may not).
- Not offered (the interface has no such calls; exit code 4): ``lease list``, ``member``,
  ``snapshot``, ``defrag``, ``auth``/``user``/``role``, ``lock``, ``elect`` and the other
  maintenance commands; ``-w protobuf``; ``watch -i`` and ``watch ... -- COMMAND``.
- Not reproduced: cobra's usage and help text (``-h``, a bad flag, a group without its
  sub-command; errors give only the ``Error:`` lines), and the retry warnings clientv3 logs to
  stderr (JSON lines with timestamps).

Output is ``str``: bytes that are not UTF-8 (binary keys/values, as the simple printer writes
them raw) are decoded with ``surrogateescape``, so ``out.encode("utf-8", "surrogateescape")`` is
exactly what etcdctl writes; :func:`run_bytes` returns those bytes directly.

Taught in notebooks/02-etcd.ipynb.
"""

from __future__ import annotations

import base64
import contextlib
import math
import re
import shlex
import time
import unicodedata
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .types import (
    CompactedError,
    Compare,
    CompareResult,
    CompareTarget,
    DeleteRange,
    DeleteResponse,
    EventType,
    FutureRevisionError,
    KeyValue,
    LeaseNotFoundError,
    Put,
    PutResponse,
    Range,
    RangeResponse,
    Store,
    StoreError,
    TxnResponse,
    WatchEvent,
    WatchResponse,
    prefix_range_end,
)

__all__ = [
    "ETCDCTL_VERSION",
    "EXIT_BAD_ARGS",
    "EXIT_BAD_CONNECTION",
    "EXIT_BAD_FEATURE",
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID_INPUT",
    "EtcdctlError",
    "run",
    "run_bytes",
]

#: The etcdctl release whose output this module reproduces.
ETCDCTL_VERSION = "3.4.23"
_API_VERSION = "3.4"

# ``ctlv3/command/error.go``
EXIT_ERROR = 1
EXIT_BAD_CONNECTION = 2
EXIT_INVALID_INPUT = 3
EXIT_BAD_FEATURE = 4
EXIT_INTERRUPTED = 5
EXIT_BAD_ARGS = 128

#: etcd ``mvcc/watchable_store.go`` ``watchBatchMaxRevs``: revisions per catch-up response.
_WATCH_BATCH_MAX_REVS = 1000
#: How long a watch may take to replay history up to the current revision before giving up.
_CATCH_UP_TIMEOUT = 10.0


class EtcdctlError(Exception):
    """etcdctl failed. ``str(err)`` / ``err.line`` is the ``Error: ...`` line it prints on
    stderr; ``err.stderr`` everything it prints there (some failures print more than one line);
    ``err.stdout`` what it printed on stdout before failing; ``err.exit_code`` its exit status.
    """

    def __init__(
        self, line: str, exit_code: int = EXIT_ERROR, stderr: str | None = None, stdout: str = ""
    ) -> None:
        super().__init__(line)
        self.line = line
        self.exit_code = exit_code
        self.stderr = line + "\n" if stderr is None else stderr
        self.stdout = stdout


def _fail(message: str, code: int = EXIT_ERROR) -> EtcdctlError:
    """``ExitWithError(code, err)``: prints ``Error: <err>`` on stderr and exits."""
    return EtcdctlError(f"Error: {message}", code)


# -- Go formatting ----------------------------------------------------------------------------

_GO_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}


def _decode_rune(b: bytes, i: int) -> tuple[str | None, int]:
    """``utf8.DecodeRune``: the character at ``b[i]`` and its width, or (None, 1) if invalid."""
    lead = b[i]
    if lead < 0x80:
        return chr(lead), 1
    n = 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if lead <= 0xF4 else 0
    if n == 0:
        return None, 1
    try:
        return b[i : i + n].decode("utf-8"), n
    except UnicodeDecodeError:
        return None, 1


def _go_quote(b: bytes) -> str:
    """Go's ``strconv.Quote`` (``%q`` of a string): printable runes as they are, the rest escaped.

    >>> _go_quote("a\\tb\\x01\\u00e9\\"".encode())
    '"a\\\\tb\\\\x01é\\\\""'
    """
    out = ['"']
    i = 0
    while i < len(b):
        ch, width = _decode_rune(b, i)
        if ch is None:
            out.append(f"\\x{b[i]:02x}")
        elif ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        else:
            cp = ord(ch)
            if cp in _GO_ESCAPES:
                out.append(_GO_ESCAPES[cp])
            elif cp < 0x20 or cp == 0x7F:
                out.append(f"\\x{cp:02x}")
            elif cp < 0x10000:
                out.append(f"\\u{cp:04x}")
            else:
                out.append(f"\\U{cp:08x}")
        i += width
    out.append('"')
    return "".join(out)


def _go_json_string(s: str) -> str:
    """``encoding/json`` of a string as Go 1.19 writes it (HTML-safe: ``<>&`` escaped)."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif cp < 0x20 or ch in "<>&" or cp in (0x2028, 0x2029):
            out.append(f"\\u{cp:04x}")
        elif 0xD800 <= cp <= 0xDFFF:  # not UTF-8 (a surrogate-escaped byte): Go writes U+FFFD
            out.append("\\ufffd")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_json(v: Any) -> str:
    """``json.Marshal``: compact, keys in the order given (Go's struct field order)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return _go_json_string(v)
    if isinstance(v, dict):
        return "{" + ",".join(f"{_go_json_string(k)}:{_go_json(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list | tuple):
        return "[" + ",".join(_go_json(x) for x in v) + "]"
    raise TypeError(f"cannot encode {type(v).__name__}")


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def humanize_bytes(n: int) -> str:
    """dustin/go-humanize ``Bytes``: SI units (1 kB = 1000 B), one decimal below 10.

    >>> humanize_bytes(20480), humanize_bytes(5), humanize_bytes(1_500_000), humanize_bytes(82)
    ('20 kB', '5 B', '1.5 MB', '82 B')
    """
    if n < 10:
        return f"{n} B"
    sizes = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
    e = math.floor(math.log(n) / math.log(1000))
    val = math.floor(n / 1000**e * 10 + 0.5) / 10
    return f"{val:.0f} {sizes[e]}" if val >= 10 else f"{val:.1f} {sizes[e]}"


def _hex_prefix(b: bytes) -> str:
    """``addHexPrefix(hex.EncodeToString(b))``: ``\\x`` before every byte."""
    return "".join(f"\\x{x:02x}" for x in b)


def _go_duration(seconds: float) -> str:
    """Go's ``time.Duration.String`` (for the few values printed here)."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    if ns < 1000:
        return f"{ns}ns"
    for unit, size in (("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000)):
        if ns < size * 1000 or unit == "s":
            whole, frac = divmod(ns, size)
            digits = len(str(size)) - 1
            text = str(whole)
            if frac:
                text += "." + f"{frac:0{digits}d}".rstrip("0")
            if unit == "s" and whole >= 60:
                break
            return text + unit
    m, s = divmod(ns / 1e9, 60)
    h, m = divmod(int(m), 60)
    sec = f"{s:.9f}".rstrip("0").rstrip(".")
    return (f"{h}h" if h else "") + f"{m}m{sec}s"


def _display_width(s: str) -> int:
    """mattn/go-runewidth ``StringWidth``: East Asian wide characters count two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _parse_int(text: str, base: int = 10) -> int:
    """``strconv.ParseInt(text, base, 64)``; ``base`` 0 accepts Go's ``0x``/``0o``/``0b``/``0``
    prefixes and underscores (pflag's int flags). Raises ValueError with Go's message."""
    s = text
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    b = base
    if base == 0:
        b = 10
        low = s.lower()
        if low.startswith("0x"):
            b, s = 16, s[2:]
        elif low.startswith("0o"):
            b, s = 8, s[2:]
        elif low.startswith("0b"):
            b, s = 2, s[2:]
        elif s.startswith("0") and len(s) > 1:
            b, s = 8, s[1:]
        s = s.replace("_", "")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"[:b]
    if not s or any(c not in digits for c in s.lower()):
        raise ValueError(f"strconv.ParseInt: parsing {_go_quote(text.encode())}: invalid syntax")
    v = sign * int(s, b)
    if not -(1 << 63) <= v < (1 << 63):
        raise ValueError(
            f"strconv.ParseInt: parsing {_go_quote(text.encode())}: value out of range"
        )
    return v


_BOOLS = {
    "1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
    "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False,
}  # fmt: skip


def _go_unquote(s: str) -> str:
    """``fmt.Sscanf(s, "%q")`` of a double-quoted Go string literal."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise ValueError("bad quoted string")
    body = s[1:-1]
    out = bytearray()
    i = 0
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        i += 1
        if i >= len(body):
            raise ValueError("bad quoted string")
        c = body[i]
        if c in simple:
            out.append(simple[c])
            i += 1
        elif c == "x":
            out.append(int(body[i + 1 : i + 3], 16))
            i += 3
        elif c in "01234567":
            out.append(int(body[i : i + 3], 8))
            i += 3
        elif c in "uU":
            n = 4 if c == "u" else 8
            out += chr(int(body[i + 1 : i + 1 + n], 16)).encode()
            i += 1 + n
        else:
            raise ValueError("bad quoted string")
    return out.decode("utf-8", "surrogateescape")


_ARGIFY = re.compile(r"""\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^'\"\s]\S*[^'\"\s]?""")


def _argify(line: str) -> list[str]:
    """``Argify`` (``util.go``), with its v3.4 quirk: a single-quoted argument is cut to
    ``arg[1 : len(args)-1]`` (the number of arguments, not the argument's length)."""
    args = _ARGIFY.findall(line)
    for i, a in enumerate(args):
        if a.startswith("'"):
            end = len(args) - 1
            if end < 1 or end > len(a):
                raise _fail(f"slice bounds out of range [:{end}] with length {len(a)}",
                            EXIT_INVALID_INPUT)  # fmt: skip
            args[i] = a[1:end]
        elif a.startswith('"'):
            try:
                args[i] = _go_unquote(a)
            except ValueError:
                raise _fail("invalid syntax", EXIT_INVALID_INPUT) from None
    return args


# -- flags (spf13/pflag) ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Flag:
    name: str
    kind: str  # "bool" | "int" | "str"
    default: Any
    short: str = ""


def _flags(*flags: _Flag) -> dict[str, _Flag]:
    return {f.name: f for f in flags}


_GLOBAL = _flags(
    _Flag("cacert", "str", ""),
    _Flag("cert", "str", ""),
    _Flag("command-timeout", "str", "5s"),
    _Flag("debug", "bool", False),
    _Flag("dial-timeout", "str", "2s"),
    _Flag("discovery-srv", "str", "", "d"),
    _Flag("discovery-srv-name", "str", ""),
    _Flag("endpoints", "str", "127.0.0.1:2379"),
    _Flag("hex", "bool", False),
    _Flag("insecure-discovery", "bool", True),
    _Flag("insecure-skip-tls-verify", "bool", False),
    _Flag("insecure-transport", "bool", True),
    _Flag("keepalive-time", "str", "2s"),
    _Flag("keepalive-timeout", "str", "6s"),
    _Flag("key", "str", ""),
    _Flag("password", "str", ""),
    _Flag("user", "str", ""),
    _Flag("write-out", "str", "simple", "w"),
)

_COMMAND_FLAGS: dict[str, dict[str, _Flag]] = {
    "get": _flags(
        _Flag("consistency", "str", "l"),
        _Flag("order", "str", ""),
        _Flag("sort-by", "str", ""),
        _Flag("limit", "int", 0),
        _Flag("prefix", "bool", False),
        _Flag("from-key", "bool", False),
        _Flag("rev", "int", 0),
        _Flag("keys-only", "bool", False),
        _Flag("count-only", "bool", False),  # etcdctl 3.5
        _Flag("print-value-only", "bool", False),
    ),
    "put": _flags(
        _Flag("lease", "str", "0"),
        _Flag("prev-kv", "bool", False),
        _Flag("ignore-value", "bool", False),
        _Flag("ignore-lease", "bool", False),
    ),
    "del": _flags(
        _Flag("prefix", "bool", False),
        _Flag("prev-kv", "bool", False),
        _Flag("from-key", "bool", False),
    ),
    "txn": _flags(_Flag("interactive", "bool", False, "i")),
    "watch": _flags(
        _Flag("interactive", "bool", False, "i"),
        _Flag("prefix", "bool", False),
        _Flag("rev", "int", 0),
        _Flag("prev-kv", "bool", False),
        _Flag("wait", "str", ""),  # simulator
        _Flag("limit-events", "int", 0),  # simulator
    ),
    "compaction": _flags(_Flag("physical", "bool", False)),
    "lease grant": {},
    "lease revoke": {},
    "lease timetolive": _flags(_Flag("keys", "bool", False)),
    "lease keep-alive": _flags(_Flag("once", "bool", False)),
    "endpoint status": _flags(_Flag("cluster", "bool", False)),
    "endpoint health": _flags(_Flag("cluster", "bool", False)),
    "version": {},
}
_GROUPS = {"lease", "endpoint"}
#: etcdctl 3.4 commands this front does not offer (the Store interface has no such calls).
_NOT_HERE = {
    "alarm", "auth", "check", "defrag", "elect", "endpoint hashkv", "lease list", "lock",
    "make-mirror", "member", "migrate", "move-leader", "role", "snapshot", "user",
}  # fmt: skip


def _flag_error(message: str) -> EtcdctlError:
    """A flag the parser refused: cobra prints the error, the usage (on stdout, not
    reproduced), then etcdctl prints the error again."""
    return EtcdctlError(f"Error: {message}", EXIT_ERROR, f"Error: {message}\n\nError: {message}\n")


def _set_flag(values: dict[str, Any], flag: _Flag, raw: str) -> None:
    shown = f"-{flag.short}, --{flag.name}" if flag.short else f"--{flag.name}"
    if flag.kind == "bool":
        if raw not in _BOOLS:
            raise _flag_error(
                f"invalid argument {_go_quote(raw.encode())} for {_go_quote(shown.encode())} "
                f"flag: strconv.ParseBool: parsing {_go_quote(raw.encode())}: invalid syntax"
            )
        values[flag.name] = _BOOLS[raw]
    elif flag.kind == "int":
        try:
            values[flag.name] = _parse_int(raw, 0)
        except ValueError as e:
            raise _flag_error(
                f"invalid argument {_go_quote(raw.encode())} for {_go_quote(shown.encode())} "
                f"flag: {e}"
            ) from None
    else:
        values[flag.name] = raw


def _parse_flags(
    tokens: Sequence[str], flags: dict[str, _Flag]
) -> tuple[dict[str, Any], list[str]]:
    """pflag's ``Parse`` with interspersed arguments: flags anywhere, ``--`` ends them."""
    values = {name: f.default for name, f in flags.items()}
    shorts = {f.short: f for f in flags.values() if f.short}
    args: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        i += 1
        if t == "--":
            args.extend(tokens[i:])
            break
        if t.startswith("--"):
            name, eq, raw = t[2:].partition("=")
            flag = flags.get(name)
            if flag is None:
                raise _flag_error(f"unknown flag: --{name}")
            if flag.kind == "bool" and not eq:
                raw = "true"
            elif not eq:
                if i >= len(tokens):
                    raise _flag_error(f"flag needs an argument: --{name}")
                raw = tokens[i]
                i += 1
            _set_flag(values, flag, raw)
        elif t.startswith("-") and len(t) > 1:
            rest = t[1:]
            while rest:
                c, rest = rest[0], rest[1:]
                flag = shorts.get(c)
                if flag is None:
                    raise _flag_error(f"unknown shorthand flag: {_go_quote_rune(c)} in {t}")
                if flag.kind == "bool":
                    if rest.startswith("="):
                        _set_flag(values, flag, rest[1:])
                        rest = ""
                    else:
                        _set_flag(values, flag, "true")
                    continue
                if rest:
                    raw = rest[1:] if rest.startswith("=") else rest
                    rest = ""
                elif i < len(tokens):
                    raw = tokens[i]
                    i += 1
                else:
                    raise _flag_error(f"flag needs an argument: {_go_quote_rune(c)} in {t}")
                _set_flag(values, flag, raw)
        else:
            args.append(t)
    return values, args


def _go_quote_rune(c: str) -> str:
    """``%q`` of a rune: ``'w'``."""
    return "'" + c + "'"


def _split_command(tokens: list[str]) -> tuple[str, list[str]]:
    """Find the command (and sub-command) words among the tokens as cobra does, skipping the
    global flags before them and their values; returns the command and the other tokens."""
    words: list[int] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t == "--":
            break
        if t.startswith("-") and len(t) > 1:
            flag: _Flag | None = None
            if t.startswith("--"):
                name, eq, _ = t[2:].partition("=")
                flag = _GLOBAL.get(name)
                if flag is not None and flag.kind != "bool" and not eq:
                    i += 1
            elif len(t) == 2:
                flag = next((f for f in _GLOBAL.values() if f.short == t[1]), None)
                if flag is not None and flag.kind != "bool":
                    i += 1
            i += 1
            continue
        words.append(i)
        if len(words) == 2 or tokens[words[0]] not in _GROUPS:
            break
        i += 1
    if not words:
        raise EtcdctlError("Error: no command given (try: get, put, del, watch, ...)")
    name = " ".join(tokens[j] for j in words)
    rest = [t for j, t in enumerate(tokens) if j not in words]
    if name in _COMMAND_FLAGS:
        return name, rest
    first = tokens[words[0]]
    if name in _NOT_HERE or first in _NOT_HERE:
        raise _fail(f"`etcdctl {name}` is not supported by this simulator", EXIT_BAD_FEATURE)
    if first in _GROUPS:
        if len(words) < 2:  # cobra prints the group's help (not reproduced) and exits 0
            raise EtcdctlError(f"Error: `etcdctl {first}` needs a sub-command")
        msg = f'unknown command "{tokens[words[1]]}" for "etcdctl {first}"'
        raise EtcdctlError(f"Error: {msg}")
    msg = f'unknown command "{first}" for "etcdctl"'
    raise EtcdctlError(
        f"Error: {msg}",
        EXIT_ERROR,
        f"Error: {msg}\nRun 'etcdctl --help' for usage.\nError: {msg}\n",
    )


# -- errors from the store --------------------------------------------------------------------


def _grpc_text(err: StoreError) -> str:
    """The message clientv3 reports for a server error: ``rpctypes`` texts, where mvcc errors
    carry the ``etcdserver: `` prefix."""
    if isinstance(err, CompactedError):
        return "etcdserver: mvcc: required revision has been compacted"
    if isinstance(err, FutureRevisionError):
        return "etcdserver: mvcc: required revision is a future revision"
    text = str(err)
    return "etcdserver: " + text if text.startswith("mvcc: ") else text


# -- the response header ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Header:
    """``etcdserverpb.ResponseHeader``."""

    cluster_id: int = 0
    member_id: int = 0
    revision: int = 0
    raft_term: int = 0

    def json(self) -> dict[str, int]:
        """The header's JSON fields (all ``omitempty``)."""
        d = {
            "cluster_id": self.cluster_id,
            "member_id": self.member_id,
            "revision": self.revision,
            "raft_term": self.raft_term,
        }
        return {k: v for k, v in d.items() if v}


# -- printers ---------------------------------------------------------------------------------


class _Out:
    """What etcdctl writes on stdout, as bytes."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: str | bytes) -> None:
        self.parts.append(
            data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")
        )

    def line(self, data: str | bytes = "") -> None:
        self.write(data)
        self.parts.append(b"\n")

    def bytes(self) -> bytes:
        return b"".join(self.parts)

    def text(self) -> str:
        return self.bytes().decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class _Lease:
    """What the lease printers need: ``LeaseTimeToLiveResponse`` and friends."""

    id: int
    ttl: int
    granted_ttl: int = 0
    keys: tuple[bytes, ...] | None = None


@dataclass(frozen=True)
class _Status:
    """``epStatus``: an endpoint and its ``StatusResponse``."""

    endpoint: str
    header: _Header
    version: str
    db_size: int
    leader: int
    raft_index: int
    raft_term: int
    raft_applied_index: int
    errors: tuple[str, ...]
    db_size_in_use: int
    is_learner: bool

    def row(self) -> list[str]:
        """``makeEndpointStatusTable`` (v3.4)."""
        return [
            self.endpoint,
            f"{self.header.member_id:x}",
            self.version,
            humanize_bytes(self.db_size),
            _go_bool(self.leader == self.header.member_id),
            _go_bool(self.is_learner),
            str(self.raft_term),
            str(self.raft_index),
            str(self.raft_applied_index),
            ", ".join(self.errors),
        ]


_STATUS_HEADER = [
    "endpoint", "ID", "version", "db size", "is leader", "is learner", "raft term",
    "raft index", "raft applied index", "errors",
]  # fmt: skip


def _go_bool(v: bool) -> str:
    return "true" if v else "false"


class _Printer:
    """``printer`` (``printer.go``); the default for each method is etcdctl's refusal."""

    name = ""

    def __init__(self, out: _Out, is_hex: bool = False) -> None:
        self.out = out
        self.is_hex = is_hex
        self.value_only = False

    def _unsupported(self) -> EtcdctlError:
        return _fail(f"{self.name} not supported as output format", EXIT_BAD_FEATURE)

    def get(self, h: _Header, r: RangeResponse) -> None:
        raise self._unsupported()

    def put(self, h: _Header, r: PutResponse) -> None:
        raise self._unsupported()

    def delete(self, h: _Header, r: DeleteResponse) -> None:
        raise self._unsupported()

    def txn(self, h: _Header, r: TxnResponse) -> None:
        raise self._unsupported()

    def watch(self, h: _Header, events: Sequence[WatchEvent], compact_revision: int = 0) -> None:
        raise self._unsupported()

    def grant(self, h: _Header, lease: _Lease) -> None:
        raise self._unsupported()

    def revoke(self, h: _Header, lease_id: int) -> None:
        raise self._unsupported()

    def keepalive(self, h: _Header, lease: _Lease) -> None:
        raise self._unsupported()

    def time_to_live(self, h: _Header, lease: _Lease, keys: bool) -> None:
        raise self._unsupported()

    def endpoint_status(self, statuses: Sequence[_Status]) -> None:
        raise self._unsupported()


class _SimplePrinter(_Printer):
    """``printer_simple.go``."""

    name = "simple"

    def kv(self, kv: KeyValue) -> None:
        """``printKV``."""
        k: str | bytes = kv.key
        v: str | bytes = kv.value
        if self.is_hex:
            k, v = _hex_prefix(kv.key), _hex_prefix(kv.value)
        if not self.value_only:
            self.out.line(k)
        self.out.line(v)

    def get(self, h: _Header, r: RangeResponse) -> None:
        for kv in r.kvs:
            self.kv(kv)

    def put(self, h: _Header, r: PutResponse) -> None:
        self.out.line("OK")
        if r.prev_kv is not None:
            self.kv(r.prev_kv)

    def delete(self, h: _Header, r: DeleteResponse) -> None:
        self.out.line(str(r.deleted))
        for kv in r.prev_kvs:
            self.kv(kv)

    def txn(self, h: _Header, r: TxnResponse) -> None:
        self.out.line("SUCCESS" if r.succeeded else "FAILURE")
        for resp in r.responses:
            self.out.line()
            if isinstance(resp, DeleteResponse):
                self.delete(h, resp)
            elif isinstance(resp, PutResponse):
                self.put(h, resp)
            else:
                self.get(h, resp)

    def watch(self, h: _Header, events: Sequence[WatchEvent], compact_revision: int = 0) -> None:
        for e in events:
            self.out.line(e.type.value)
            if e.prev_kv is not None:
                self.kv(e.prev_kv)
            self.kv(e.kv)

    def grant(self, h: _Header, lease: _Lease) -> None:
        self.out.line(f"lease {lease.id:016x} granted with TTL({lease.ttl}s)")

    def revoke(self, h: _Header, lease_id: int) -> None:
        self.out.line(f"lease {lease_id:016x} revoked")

    def keepalive(self, h: _Header, lease: _Lease) -> None:
        self.out.line(f"lease {lease.id:016x} keepalived with TTL({lease.ttl})")

    def time_to_live(self, h: _Header, lease: _Lease, keys: bool) -> None:
        if lease.granted_ttl == 0 and lease.ttl == -1:
            self.out.line(f"lease {lease.id:016x} already expired")
            return
        txt = f"lease {lease.id:016x} granted with TTL({lease.granted_ttl}s), "
        txt += f"remaining({lease.ttl}s)"
        if keys:
            names = b" ".join(lease.keys or ()).decode("utf-8", "surrogateescape")
            txt += f", attached keys([{names}])"
        self.out.line(txt)

    def endpoint_status(self, statuses: Sequence[_Status]) -> None:
        for s in statuses:
            self.out.line(", ".join(s.row()))


def _kv_json(kv: KeyValue) -> dict[str, Any]:
    """``mvccpb.KeyValue`` as ``json.Marshal`` writes it (every field ``omitempty``)."""
    d: dict[str, Any] = {}
    if kv.key:
        d["key"] = _b64(kv.key)
    for name in ("create_revision", "mod_revision", "version"):
        if getattr(kv, name):
            d[name] = getattr(kv, name)
    if kv.value:
        d["value"] = _b64(kv.value)
    if kv.lease:
        d["lease"] = kv.lease
    return d


def _event_json(e: WatchEvent) -> dict[str, Any]:
    """``mvccpb.Event``: ``type`` is the enum number (PUT = 0 is left out)."""
    d: dict[str, Any] = {}
    if e.type is EventType.DELETE:
        d["type"] = 1
    d["kv"] = _kv_json(e.kv)
    if e.prev_kv is not None:
        d["prev_kv"] = _kv_json(e.prev_kv)
    return d


def _range_json(h: _Header, r: RangeResponse) -> dict[str, Any]:
    d: dict[str, Any] = {"header": h.json()}
    if r.kvs:
        d["kvs"] = [_kv_json(kv) for kv in r.kvs]
    if r.more:
        d["more"] = True
    if r.count:
        d["count"] = r.count
    return d


def _put_json(h: _Header, r: PutResponse) -> dict[str, Any]:
    d: dict[str, Any] = {"header": h.json()}
    if r.prev_kv is not None:
        d["prev_kv"] = _kv_json(r.prev_kv)
    return d


def _delete_json(h: _Header, r: DeleteResponse) -> dict[str, Any]:
    d: dict[str, Any] = {"header": h.json()}
    if r.deleted:
        d["deleted"] = r.deleted
    if r.prev_kvs:
        d["prev_kvs"] = [_kv_json(kv) for kv in r.prev_kvs]
    return d


class _JSONPrinter(_Printer):
    """``printer_json.go`` (v3.4: ``json.Marshal`` of each response, no hex)."""

    name = "json"

    def emit(self, v: Any) -> None:
        self.out.line(_go_json(v))

    def get(self, h: _Header, r: RangeResponse) -> None:
        self.emit(_range_json(h, r))

    def put(self, h: _Header, r: PutResponse) -> None:
        self.emit(_put_json(h, r))

    def delete(self, h: _Header, r: DeleteResponse) -> None:
        self.emit(_delete_json(h, r))

    def txn(self, h: _Header, r: TxnResponse) -> None:
        d: dict[str, Any] = {"header": h.json()}
        if r.succeeded:
            d["succeeded"] = True
        ops: list[dict[str, Any]] = []
        for resp in r.responses:  # ResponseOp{Response: oneof}, headers hold only the revision
            inner = _Header(revision=resp.revision)
            if isinstance(resp, DeleteResponse):
                ops.append({"Response": {"ResponseDeleteRange": _delete_json(inner, resp)}})
            elif isinstance(resp, PutResponse):
                ops.append({"Response": {"ResponsePut": _put_json(inner, resp)}})
            else:
                ops.append({"Response": {"ResponseRange": _range_json(inner, resp)}})
        if ops:
            d["responses"] = ops
        self.emit(d)

    def watch(self, h: _Header, events: Sequence[WatchEvent], compact_revision: int = 0) -> None:
        # clientv3.WatchResponse: exported Go fields, no json tags
        self.emit(
            {
                "Header": h.json(),
                "Events": [_event_json(e) for e in events],
                "CompactRevision": compact_revision,
                "Canceled": bool(compact_revision),
                "Created": False,
            }
        )

    def grant(self, h: _Header, lease: _Lease) -> None:
        # clientv3.LeaseGrantResponse embeds *pb.ResponseHeader
        self.emit({**h.json(), "ID": lease.id, "TTL": lease.ttl, "Error": ""})

    def revoke(self, h: _Header, lease_id: int) -> None:
        self.emit({"header": h.json()})

    def keepalive(self, h: _Header, lease: _Lease) -> None:
        self.emit({**h.json(), "ID": lease.id, "TTL": lease.ttl})

    def time_to_live(self, h: _Header, lease: _Lease, keys: bool) -> None:
        ks = None if not lease.keys else [_b64(k) for k in lease.keys]
        self.emit(
            {**h.json(), "id": lease.id, "ttl": lease.ttl, "granted-ttl": lease.granted_ttl,
             "keys": ks}
        )  # fmt: skip

    def endpoint_status(self, statuses: Sequence[_Status]) -> None:
        rows = []
        for s in statuses:
            st: dict[str, Any] = {"header": s.header.json()}
            # pb.StatusResponse field order; every field omitempty
            for name, v in (
                ("version", s.version),
                ("dbSize", s.db_size),
                ("leader", s.leader),
                ("raftIndex", s.raft_index),
                ("raftTerm", s.raft_term),
                ("raftAppliedIndex", s.raft_applied_index),
                ("errors", list(s.errors)),
                ("dbSizeInUse", s.db_size_in_use),
                ("isLearner", s.is_learner),
            ):
                if v:
                    st[name] = v
            rows.append({"Endpoint": s.endpoint, "Status": st})
        self.emit(rows)


class _FieldsPrinter(_Printer):
    """``printer_fields.go``."""

    name = "fields"

    def hdr(self, h: _Header) -> None:
        self.out.line(f'"ClusterID" : {h.cluster_id}')
        self.out.line(f'"MemberID" : {h.member_id}')
        self.out.line(f'"Revision" : {h.revision}')
        self.out.line(f'"RaftTerm" : {h.raft_term}')

    def kv(self, pfx: str, kv: KeyValue) -> None:
        self.out.line(f'"{pfx}Key" : {_go_quote(kv.key)}')
        self.out.line(f'"{pfx}CreateRevision" : {kv.create_revision}')
        self.out.line(f'"{pfx}ModRevision" : {kv.mod_revision}')
        self.out.line(f'"{pfx}Version" : {kv.version}')
        self.out.line(f'"{pfx}Value" : {_go_quote(kv.value)}')
        self.out.line(f'"{pfx}Lease" : {kv.lease}')

    def get(self, h: _Header, r: RangeResponse) -> None:
        self.hdr(h)
        for kv in r.kvs:
            self.kv("", kv)
        self.out.line(f'"More" : {_go_bool(r.more)}')
        self.out.line(f'"Count" : {r.count}')

    def put(self, h: _Header, r: PutResponse) -> None:
        self.hdr(h)
        if r.prev_kv is not None:
            self.kv("Prev", r.prev_kv)

    def delete(self, h: _Header, r: DeleteResponse) -> None:
        self.hdr(h)
        self.out.line(f'"Deleted" : {r.deleted}')
        for kv in r.prev_kvs:
            self.kv("Prev", kv)

    def txn(self, h: _Header, r: TxnResponse) -> None:
        self.hdr(h)
        self.out.line(f'"Succeeded" : {_go_bool(r.succeeded)}')
        for resp in r.responses:
            inner = _Header(revision=resp.revision)
            if isinstance(resp, DeleteResponse):
                self.delete(inner, resp)
            elif isinstance(resp, PutResponse):
                self.put(inner, resp)
            else:
                self.get(inner, resp)

    def watch(self, h: _Header, events: Sequence[WatchEvent], compact_revision: int = 0) -> None:
        self.hdr(h)
        for e in events:
            self.out.line(f'"Type" : {e.type.value}')
            if e.prev_kv is not None:
                self.kv("Prev", e.prev_kv)
            self.kv("", e.kv)

    def grant(self, h: _Header, lease: _Lease) -> None:
        self.hdr(h)
        self.out.line(f'"ID" : {lease.id}')
        self.out.line(f'"TTL" : {lease.ttl}')

    def revoke(self, h: _Header, lease_id: int) -> None:
        self.hdr(h)

    def keepalive(self, h: _Header, lease: _Lease) -> None:
        self.grant(h, lease)

    def time_to_live(self, h: _Header, lease: _Lease, keys: bool) -> None:
        self.hdr(h)
        self.out.line(f'"ID" : {lease.id}')
        self.out.line(f'"TTL" : {lease.ttl}')
        self.out.line(f'"GrantedTTL" : {lease.granted_ttl}')
        for k in lease.keys or ():
            self.out.line(f'"Key" : {_go_quote(k)}')

    def endpoint_status(self, statuses: Sequence[_Status]) -> None:
        for s in statuses:
            self.hdr(s.header)
            self.out.line(f'"Version" : {_go_quote(s.version.encode())}')
            self.out.line(f'"DBSize" : {s.db_size}')
            self.out.line(f'"Leader" : {s.leader}')
            self.out.line(f'"IsLearner" : {_go_bool(s.is_learner)}')
            self.out.line(f'"RaftIndex" : {s.raft_index}')
            self.out.line(f'"RaftTerm" : {s.raft_term}')
            self.out.line(f'"RaftAppliedIndex" : {s.raft_applied_index}')
            self.out.line(f'"Errors" : [{" ".join(s.errors)}]')
            self.out.line(f'"Endpoint" : {_go_quote(s.endpoint.encode())}')
            self.out.line()


class _TablePrinter(_Printer):
    """``printer_table.go``: olekukonko/tablewriter, headers upper-cased and centred, cells
    right-aligned (``SetAlignment(ALIGN_RIGHT)``)."""

    name = "table"

    def endpoint_status(self, statuses: Sequence[_Status]) -> None:
        self.out.write(render_table(_STATUS_HEADER, [s.row() for s in statuses]))


def render_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """tablewriter's ``Render`` with etcdctl's settings (borders, header line, right-aligned
    cells, one space of padding).

    >>> print(render_table(["a", "bb"], [["1", "x"]]), end="")
    +---+----+
    | A | BB |
    +---+----+
    | 1 |  x |
    +---+----+
    """
    titles = [h.replace("_", " ").replace(".", " ").strip().upper() for h in header]
    widths = [_display_width(t) for t in titles]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], _display_width(cell))
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"

    def center(s: str, w: int) -> str:
        gap = w - _display_width(s)
        left = gap // 2
        return " " * left + s + " " * (gap - left)

    out = [line, "|" + "|".join(f" {center(t, w)} " for t, w in zip(titles, widths, strict=True))]
    out.append("|\n" + line)
    for row in rows:
        cells = (" " * (w - _display_width(c)) + c for c, w in zip(row, widths, strict=True))
        out.append("|" + "|".join(f" {c} " for c in cells) + "|\n")
    out.append(line)
    return "".join(out)


def _printer(kind: str, out: _Out, is_hex: bool) -> _Printer:
    """``NewPrinter``: unknown formats fail before the command runs."""
    if kind == "simple":
        return _SimplePrinter(out, is_hex)
    if kind == "json":
        return _JSONPrinter(out, is_hex)
    if kind == "fields":
        return _FieldsPrinter(out, is_hex)
    if kind == "table":
        return _TablePrinter(out, is_hex)
    if kind == "protobuf":
        raise _fail("protobuf output is not supported by this simulator", EXIT_BAD_FEATURE)
    raise _fail("unsupported output format", EXIT_BAD_FEATURE)


# -- running a command ------------------------------------------------------------------------


#: TTLs of leases granted through this front, per store (see the module docstring).
_GRANTED: weakref.WeakKeyDictionary[Store, dict[int, int]] = weakref.WeakKeyDictionary()


def _granted(store: Store) -> dict[int, int]:
    """The TTLs granted through this front on ``store`` (a throwaway dict for a store that
    cannot be weakly referenced or hashed)."""
    try:
        return _GRANTED.setdefault(store, {})
    except TypeError:
        return {}


class _Context:
    """One command: the store, its parsed flags and arguments, the printer."""

    def __init__(
        self, store: Store, command: str, values: dict[str, Any], args: list[str],
        stdin: bytes | None,
    ) -> None:  # fmt: skip
        self.store = store
        self.command = command
        self.values = values
        self.args = args
        self.stdin = stdin
        self.out = _Out()
        self.display = _printer(str(values["write-out"]), self.out, bool(values["hex"]))
        self._ids: tuple[int, int, int] | None = None

    def header(self, revision: int) -> _Header:
        """The response header: cluster and member ids and raft term from ``status()``
        (asked once, and only by the printers that show them)."""
        if not isinstance(self.display, _JSONPrinter | _FieldsPrinter):
            return _Header(revision=revision)
        if self._ids is None:
            st = self.store.status()
            self._ids = (
                int(st.get("cluster_id", 0)),
                int(st.get("member_id", 0)),
                int(st.get("raft_term", 0)),
            )
        cluster_id, member_id, raft_term = self._ids
        return _Header(cluster_id, member_id, revision, raft_term)

    def call(self, fn: Callable[[], Any], wrap: str = "%s", code: int = EXIT_ERROR) -> Any:
        """Run a store call; a :class:`StoreError` becomes etcdctl's error line."""
        try:
            return fn()
        except StoreError as e:
            raise _fail(wrap % _grpc_text(e), code) from None


def _encode(arg: str) -> bytes:
    return arg.encode("utf-8", "surrogateescape")


def _key_range(key: str, end: str | None, prefix: bool, from_key: bool) -> tuple[bytes, bytes]:
    """The ``(key, range_end)`` clientv3 sends (``WithPrefix``, ``WithFromKey``, ``WithRange``);
    ``range_end`` ``b""`` means a single key."""
    k = _encode(key)
    if prefix:
        if not k:
            return b"\x00", b"\x00"
        return k, prefix_range_end(k)
    if from_key:
        return (k or b"\x00"), b"\x00"
    return k, (_encode(end) if end is not None else b"")


def _check_key(key: bytes) -> None:
    """The server's ``checkRangeRequest``/``checkPutRequest``: a key is needed."""
    if not key:
        raise _fail("etcdserver: key is not provided")


# get ------------------------------------------------------------------------------------------

_SORT_TARGETS: dict[str, Callable[[KeyValue], Any]] = {
    "CREATE": lambda kv: kv.create_revision,
    "KEY": lambda kv: kv.key,
    "MODIFY": lambda kv: kv.mod_revision,
    "VALUE": lambda kv: kv.value,
    "VERSION": lambda kv: kv.version,
}


def _get_op(v: dict[str, Any], args: list[str]) -> tuple[Range, str, str]:
    """``getGetOp``: the range request, sort order and sort target."""
    if not args:
        raise _fail(
            "get command needs one argument as key and an optional argument as range_end",
            EXIT_BAD_ARGS,
        )
    if v["prefix"] and v["from-key"]:
        raise _fail(
            "`--prefix` and `--from-key` cannot be set at the same time, choose one",
            EXIT_BAD_ARGS,
        )
    if v["keys-only"] and v["count-only"]:
        raise _fail(
            "`--keys-only` and `--count-only` cannot be set at the same time, choose one",
            EXIT_BAD_ARGS,
        )
    if v["consistency"] not in ("l", "s"):
        raise _fail(f"unknown consistency flag {_go_quote(v['consistency'].encode())}",
                    EXIT_BAD_FEATURE)  # fmt: skip
    end = None
    if len(args) > 1:
        if v["prefix"] or v["from-key"]:
            raise _fail(
                "too many arguments, only accept one argument when `--prefix` or `--from-key` "
                "is set",
                EXIT_BAD_ARGS,
            )
        end = args[1]
    order = v["order"].upper()
    if order not in ("", "ASCEND", "DESCEND"):
        raise _fail(f"bad sort order {v['order']}", EXIT_BAD_FEATURE)
    target = v["sort-by"].upper()
    if target not in ("", *_SORT_TARGETS):
        raise _fail(f"bad sort target {v['sort-by']}", EXIT_BAD_FEATURE)
    key, range_end = _key_range(args[0], end, v["prefix"], v["from-key"])
    rng = Range(
        key,
        range_end or None,
        limit=v["limit"],
        revision=max(v["rev"], 0),
        keys_only=v["keys-only"],
        count_only=v["count-only"],
    )
    # clientv3.WithSort: ascending by key is the server's order anyway
    target = target or "KEY"
    if target == "KEY" and order == "ASCEND":
        order = ""
    # etcdserver applyRange: another target without an order sorts ascending
    if target != "KEY" and order == "":
        order = "ASCEND"
    return rng, order, target


def _range(ctx: _Context, r: Range, order: str = "", target: str = "KEY") -> RangeResponse:
    _check_key(r.key)
    if not order:
        return ctx.call(
            lambda: ctx.store.range(r.key, r.range_end, limit=r.limit, revision=r.revision or None,
                                    keys_only=r.keys_only, count_only=r.count_only)
        )  # fmt: skip
    # sorted: fetch everything, sort, then apply the limit (etcdserver applyRange)
    full = ctx.call(
        lambda: ctx.store.range(r.key, r.range_end, revision=r.revision or None,
                                keys_only=r.keys_only and target != "VALUE",
                                count_only=r.count_only)
    )  # fmt: skip
    kvs = sorted(full.kvs, key=_SORT_TARGETS[target], reverse=order == "DESCEND")
    more = False
    if r.limit > 0 and len(kvs) > r.limit:
        kvs, more = kvs[: r.limit], True
    if r.keys_only:
        kvs = [KeyValue(kv.key, kv.create_revision, kv.mod_revision, kv.version, b"", kv.lease)
               for kv in kvs]  # fmt: skip
    return RangeResponse(kvs, full.count, more, full.revision)


def _cmd_get(ctx: _Context) -> None:
    rng, order, target = _get_op(ctx.values, ctx.args)
    resp = _range(ctx, rng, order, target)
    if ctx.values["count-only"] and not isinstance(ctx.display, _FieldsPrinter):
        raise _fail("--count-only is only for `--write-out=fields`", EXIT_BAD_ARGS)
    if ctx.values["print-value-only"]:
        if not isinstance(ctx.display, _SimplePrinter):
            raise _fail("print-value-only is only for `--write-out=simple`", EXIT_BAD_ARGS)
        ctx.display.value_only = True
    ctx.display.get(ctx.header(resp.revision), resp)


# put ------------------------------------------------------------------------------------------


def _put_op(v: dict[str, Any], args: list[str], stdin: bytes | None) -> Put:
    """``getPutOp``."""
    needs = "put command needs 1 argument and input from stdin or 2 arguments"
    if not args:
        raise _fail(needs, EXIT_BAD_ARGS)
    if v["ignore-value"] and len(args) > 1:
        raise _fail("put command needs only 1 argument when 'ignore-value' is set",
                    EXIT_BAD_ARGS)  # fmt: skip
    value = b""
    if not v["ignore-value"]:
        if len(args) > 1:
            value = _encode(args[1])
        elif stdin:
            value = stdin
        else:
            raise _fail(needs, EXIT_BAD_ARGS)
    try:
        lease = _parse_int(v["lease"], 16)
    except ValueError as e:
        raise _fail(f"bad lease ID ({e}), expecting ID in Hex", EXIT_BAD_ARGS) from None
    return Put(_encode(args[0]), value, lease, v["prev-kv"])


def _cmd_put(ctx: _Context) -> None:
    op = _put_op(ctx.values, ctx.args, ctx.stdin)
    resp = _put(ctx, op, ctx.values["ignore-value"], ctx.values["ignore-lease"])
    ctx.display.put(ctx.header(resp.revision), resp)


def _put(ctx: _Context, op: Put, ignore_value: bool = False, ignore_lease: bool = False
         ) -> PutResponse:  # fmt: skip
    _check_key(op.key)
    value, lease = op.value, op.lease
    if ignore_lease and lease:
        raise _fail("etcdserver: lease is provided")  # v3rpc checkPutRequest
    if ignore_value or ignore_lease:
        # the server keeps the current value / lease; a missing key is an error. The Store
        # interface has no such flags: read, then write (not atomic, as etcd's apply is)
        cur = ctx.call(lambda: ctx.store.get(op.key))
        if cur is None:
            raise _fail("etcdserver: key not found")
        value = cur.value if ignore_value else value
        lease = cur.lease if ignore_lease else lease
    return ctx.call(lambda: ctx.store.put(op.key, value, lease or None, op.prev_kv))


# del ------------------------------------------------------------------------------------------


def _del_op(v: dict[str, Any], args: list[str]) -> DeleteRange:
    """``getDelOp``."""
    if not args or len(args) > 2:
        raise _fail(
            "del command needs one argument as key and an optional argument as range_end",
            EXIT_BAD_ARGS,
        )
    if v["prefix"] and v["from-key"]:
        raise _fail(
            "`--prefix` and `--from-key` cannot be set at the same time, choose one",
            EXIT_BAD_ARGS,
        )
    if len(args) > 1 and (v["prefix"] or v["from-key"]):
        raise _fail(
            "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
            EXIT_BAD_ARGS,
        )
    key, end = _key_range(args[0], args[1] if len(args) > 1 else None, v["prefix"],
                          v["from-key"])  # fmt: skip
    return DeleteRange(key, end or None, v["prev-kv"])


def _delete(ctx: _Context, op: DeleteRange) -> DeleteResponse:
    _check_key(op.key)
    return ctx.call(lambda: ctx.store.delete(op.key, prev_kv=op.prev_kv, range_end=op.range_end))


def _cmd_del(ctx: _Context) -> None:
    resp = _delete(ctx, _del_op(ctx.values, ctx.args))
    ctx.display.delete(ctx.header(resp.revision), resp)


# txn ------------------------------------------------------------------------------------------

_CMP_TARGETS = {
    "ver": CompareTarget.VERSION, "version": CompareTarget.VERSION,
    "c": CompareTarget.CREATE, "create": CompareTarget.CREATE,
    "m": CompareTarget.MOD, "mod": CompareTarget.MOD,
    "val": CompareTarget.VALUE, "value": CompareTarget.VALUE,
    "lease": CompareTarget.LEASE,
}  # fmt: skip
_CMP_OPS = {
    "=": CompareResult.EQUAL, "==": CompareResult.EQUAL, "!=": CompareResult.NOT_EQUAL,
    ">": CompareResult.GREATER, "<": CompareResult.LESS,
}  # fmt: skip
_CMP_LINE = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\)\s+(\S+)\s+("(?:[^"\\]|\\.)*")')


def _parse_compare(line: str) -> Compare:
    """``parseCompare`` (``txn_command.go``): ``mod("key") > "5"``."""
    target, paren, rest = line.partition("(")
    if not paren:
        raise _fail(f"malformed comparison: {line}", EXIT_INVALID_INPUT)
    m = _CMP_LINE.match(rest)
    if m is None:
        raise _fail(f"malformed comparison: {line}", EXIT_INVALID_INPUT)
    try:
        key, val = _go_unquote(m.group(1)), _go_unquote(m.group(3))
    except ValueError:
        raise _fail(f"malformed comparison: {line}", EXIT_INVALID_INPUT) from None
    op = m.group(2)
    t = _CMP_TARGETS.get(target)
    if t is None:
        raise _fail(f"malformed comparison: {line} (unknown target {target})",
                    EXIT_INVALID_INPUT)  # fmt: skip
    operand: int | bytes
    if t is CompareTarget.VALUE:
        operand = _encode(val)
    else:
        try:
            operand = _parse_int(val, 16 if t is CompareTarget.LEASE else 10)
        except ValueError as e:
            raise _fail(f"invalid txn compare request: {line}", EXIT_INVALID_INPUT) from e
    if op not in _CMP_OPS:  # clientv3.Compare panics: "Unknown result op"
        raise _fail(f"Unknown result op {_go_quote(op.encode())}", EXIT_INVALID_INPUT)
    return Compare(_encode(key), t, _CMP_OPS[op], operand)


def _parse_request(line: str) -> Range | Put | DeleteRange:
    """``parseRequestUnion``: a ``get``/``put``/``del`` line inside a txn."""
    args = _argify(line)
    if len(args) < 2:
        raise _fail(f"invalid txn compare request: {line}", EXIT_INVALID_INPUT)
    name, rest = args[0], args[1:]
    if name not in ("get", "put", "del"):
        raise _fail(f"invalid txn request: {line}", EXIT_INVALID_INPUT)
    try:
        v, pos = _parse_flags(rest, _COMMAND_FLAGS[name])
    except EtcdctlError:
        raise _fail(f"invalid txn request: {line}", EXIT_INVALID_INPUT) from None
    if name == "get":
        rng, _, _ = _get_op(v, pos)
        return rng
    if name == "put":
        return _put_op(v, pos, None)
    return _del_op(v, pos)


class _Lines:
    """``bufio.Reader.ReadString('\\n')`` over stdin: a line without its newline at EOF is an
    error (``EOF``), as is no line at all."""

    def __init__(self, data: bytes) -> None:
        self.lines = data.decode("utf-8", "surrogateescape").split("\n")
        self.i = 0

    def read(self) -> str:
        if self.i >= len(self.lines) - 1:  # the last piece has no "\n" after it
            raise _fail("EOF", EXIT_INVALID_INPUT)
        self.i += 1
        return self.lines[self.i - 1]


def _cmd_txn(ctx: _Context) -> None:
    if ctx.args:
        raise _fail("txn command does not accept argument", EXIT_BAD_ARGS)
    reader = _Lines(ctx.stdin or b"")
    interactive = ctx.values["interactive"]

    def prompt(text: str) -> None:
        if interactive:
            ctx.out.line(text)

    def section(parse: Callable[[str], Any]) -> list[Any]:
        items = []
        while True:
            line = reader.read().strip(" \t\r\v\f")
            if not line:
                return items
            items.append(parse(line))

    try:
        prompt("compares:")
        compares = section(_parse_compare)
        prompt("success requests (get, put, del):")
        success = section(_parse_request)
        prompt("failure requests (get, put, del):")
        failure = section(_parse_request)
    except EtcdctlError as e:
        e.stdout = ctx.out.text()
        raise
    for op in (*success, *failure):
        _check_key(op.key)
    resp = ctx.call(lambda: ctx.store.txn(compares, success, failure))
    ctx.display.txn(ctx.header(resp.revision), resp)


# watch ----------------------------------------------------------------------------------------


def _parse_wait(text: str) -> float:
    """``--wait``: a Go duration (``1.5s``, ``500ms``, ``2m``) or plain seconds."""
    if not text:
        return 0.0
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)?", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise _fail(f"invalid --wait duration {_go_quote(text.encode())}", EXIT_BAD_ARGS)
    return sum(float(n) * units[u or "s"] for n, u in parts)


def _cmd_watch(ctx: _Context) -> None:
    v, args = ctx.values, ctx.args
    if v["interactive"]:
        raise _fail("interactive watch is not supported by this simulator", EXIT_BAD_FEATURE)
    if not args:
        raise _fail("bad number of arguments", EXIT_BAD_ARGS)
    if len(args) == 2 and v["prefix"]:
        raise _fail("`range_end` and `--prefix` are mutually exclusive", EXIT_BAD_ARGS)
    if len(args) > 2:  # etcdctl runs `watch key -- COMMAND ARGS` once per event
        raise _fail("`watch ... -- COMMAND` is not supported by this simulator", EXIT_BAD_FEATURE)
    key, end = _key_range(args[0], args[1] if len(args) > 1 else None, v["prefix"], False)
    wait = _parse_wait(v["wait"])
    limit = max(v["limit-events"], 0)

    def matches(k: bytes) -> bool:
        if not end:
            return k == key
        return key <= k and (end == b"\x00" or k < end)

    store = ctx.store
    current = ctx.call(lambda: store.revision)
    start = v["rev"]
    if start <= 0:
        if not wait:
            return  # a watch from "now" has seen nothing yet
        start = current + 1
    # Watch the whole keyspace and filter: each revision up to `current` is one write, so the
    # stream has replayed all history once it delivers an event at `current`.
    history: list[WatchEvent] = []  # up to `current`
    live: list[WatchEvent] = []  # after it (only with --wait)
    seen = start - 1  # the last revision the stream delivered
    canceled: WatchResponse | None = None
    deadline = time.monotonic() + _CATCH_UP_TIMEOUT
    wait_until: float | None = None
    try:
        watch = ctx.call(
            lambda: store.watch(b"\x00", start_revision=start, prev_kv=v["prev-kv"],
                                range_end=b"\x00")
        )  # fmt: skip
    except EtcdctlError:
        # a backend may refuse a compacted start revision at once instead of canceling
        rev = ctx.call(lambda: store.compact_revision)
        if start >= rev:
            raise
        canceled = WatchResponse((), canceled=True, compact_revision=rev)
        watch = None
    try:
        while watch is not None and not (limit and len(history) + len(live) >= limit):
            now = time.monotonic()
            if seen >= current:
                if wait_until is None:
                    wait_until = now + wait
                if now >= wait_until:
                    break
                timeout = wait_until - now
            else:
                if now >= deadline:
                    raise _fail(f"watch did not reach revision {current} in "
                                f"{_CATCH_UP_TIMEOUT:.0f}s")  # fmt: skip
                timeout = deadline - now
            resp = watch.get(timeout=timeout)
            if resp is None:
                continue
            if resp.canceled:
                canceled = resp
                break
            for e in resp.events:
                rev = e.kv.mod_revision
                seen = max(seen, rev)
                if matches(e.kv.key) and (rev <= current or wait):
                    (history if rev <= current else live).append(e)
    finally:
        if watch is not None:
            watch.cancel()
    if canceled is not None and (canceled.compact_revision or seen < current):
        # watchable_store sends {CompactRevision: N} with a zero revision in its header;
        # printWatchCh prints it (json, fields), then etcdctl exits
        with contextlib.suppress(EtcdctlError):
            ctx.display.watch(ctx.header(0), [], canceled.compact_revision)
        reason = canceled.cancel_reason
        if canceled.compact_revision:
            reason = "etcdserver: mvcc: required revision has been compacted"
        line = "Error: watch is canceled by the server"
        raise EtcdctlError(line, EXIT_INTERRUPTED, f"watch was canceled ({reason})\n{line}\n",
                           ctx.out.text())  # fmt: skip
    events = (history + live)[: limit or None]
    history, live = events[: len(history)], events[len(history) :]
    # history: one response per 1,000 revisions, header at the current revision
    batch: list[WatchEvent] = []
    revs: set[int] = set()
    for e in history:
        if e.kv.mod_revision not in revs and len(revs) == _WATCH_BATCH_MAX_REVS:
            ctx.display.watch(ctx.header(current), batch)
            batch, revs = [], set()
        batch.append(e)
        revs.add(e.kv.mod_revision)
    if batch:
        ctx.display.watch(ctx.header(current), batch)
    # live: one response per write
    i = 0
    while i < len(live):
        rev = live[i].kv.mod_revision
        j = i
        while j < len(live) and live[j].kv.mod_revision == rev:
            j += 1
        ctx.display.watch(ctx.header(rev), live[i:j])
        i = j


# compaction -----------------------------------------------------------------------------------


def _cmd_compaction(ctx: _Context) -> None:
    if len(ctx.args) != 1:
        raise _fail("compaction command needs 1 argument", EXIT_BAD_ARGS)
    try:
        rev = _parse_int(ctx.args[0])
    except ValueError as e:
        raise _fail(str(e)) from None
    ctx.call(lambda: ctx.store.compact(rev))
    ctx.out.line(f"compacted revision {rev}")


# lease ----------------------------------------------------------------------------------------


def _lease_arg(arg: str) -> int:
    """``leaseFromArgs``: a lease id in hex."""
    try:
        return _parse_int(arg, 16)
    except ValueError as e:
        raise _fail(f"bad lease ID arg ({e}), expecting ID in Hex", EXIT_BAD_ARGS) from None


def _cmd_lease_grant(ctx: _Context) -> None:
    if len(ctx.args) != 1:
        raise _fail("lease grant command needs TTL argument", EXIT_BAD_ARGS)
    try:
        ttl = _parse_int(ctx.args[0])
    except ValueError as e:
        raise _fail(f"bad TTL ({e})", EXIT_BAD_ARGS) from None
    lease = ctx.call(lambda: ctx.store.lease_grant(ttl), "failed to grant lease (%s)")
    _granted(ctx.store)[lease.id] = lease.ttl
    revision = ctx.call(lambda: ctx.store.revision)
    ctx.display.grant(ctx.header(revision), _Lease(lease.id, lease.ttl))


def _cmd_lease_revoke(ctx: _Context) -> None:
    if len(ctx.args) != 1:
        raise _fail("lease revoke command needs 1 argument", EXIT_BAD_ARGS)
    lease_id = _lease_arg(ctx.args[0])
    ctx.call(lambda: ctx.store.lease_revoke(lease_id), "failed to revoke lease (%s)")
    _granted(ctx.store).pop(lease_id, None)
    revision = ctx.call(lambda: ctx.store.revision)
    ctx.display.revoke(ctx.header(revision), lease_id)


def _granted_ttl(store: Store, lease_id: int, remaining: int) -> int:
    """The TTL the lease was granted with (see the module docstring)."""
    hook = getattr(store, "lease_granted_ttl", None)
    if callable(hook):
        return int(hook(lease_id))
    return _granted(store).get(lease_id, remaining)


def _cmd_lease_timetolive(ctx: _Context) -> None:
    if len(ctx.args) != 1:
        raise _fail("lease timetolive command needs lease ID as argument", EXIT_BAD_ARGS)
    lease_id = _lease_arg(ctx.args[0])
    store = ctx.store
    ttl = ctx.call(lambda: store.lease_time_to_live(lease_id), code=EXIT_BAD_CONNECTION)
    revision = ctx.call(lambda: store.revision, code=EXIT_BAD_CONNECTION)
    if ttl < 0:
        lease = _Lease(lease_id, -1, 0, None)
    else:
        keys: tuple[bytes, ...] | None = None
        if ctx.values["keys"]:
            everything = ctx.call(lambda: store.range(b"\x00", range_end=b"\x00"))
            keys = tuple(kv.key for kv in everything.kvs if kv.lease == lease_id)
        lease = _Lease(lease_id, ttl, _granted_ttl(store, lease_id, ttl), keys)
    ctx.display.time_to_live(ctx.header(revision), lease, ctx.values["keys"])


def _cmd_lease_keepalive(ctx: _Context) -> None:
    if len(ctx.args) != 1:
        raise _fail("lease keep-alive command needs lease ID as argument", EXIT_BAD_ARGS)
    lease_id = _lease_arg(ctx.args[0])
    try:
        ttl = ctx.store.lease_keepalive(lease_id)
    except LeaseNotFoundError as e:
        if ctx.values["once"]:
            raise _fail(_grpc_text(e), EXIT_BAD_CONNECTION) from None
        ctx.out.line(f"lease {lease_id:016x} expired or revoked.")
        return
    except StoreError as e:
        raise _fail(_grpc_text(e), EXIT_BAD_CONNECTION) from None
    revision = ctx.call(lambda: ctx.store.revision)
    ctx.display.keepalive(ctx.header(revision), _Lease(lease_id, ttl))


# endpoint -------------------------------------------------------------------------------------


def _endpoint_name(ctx: _Context) -> str:
    """The endpoint column (see the module docstring)."""
    given = [e for e in str(ctx.values["endpoints"]).split(",") if e]
    explicit = ctx.values["endpoints"] != _GLOBAL["endpoints"].default
    url = getattr(ctx.store, "url", "") or ""
    if explicit and given:
        name = given[0]
    elif url.startswith("etcd://"):
        name = url[len("etcd://") :].split(",")[0]
    else:
        name = url or "memory://"
    if ctx.values["cluster"] and "://" not in name:
        name = "http://" + name  # --cluster prints the members' client URLs
    return name


def _cmd_endpoint_status(ctx: _Context) -> None:
    st = ctx.call(lambda: ctx.store.status())
    member_id = int(st.get("member_id", 0))
    header = _Header(
        int(st.get("cluster_id", 0)),
        member_id,
        int(st.get("revision", 0)),
        int(st.get("raft_term", 0)),
    )
    status = _Status(
        endpoint=_endpoint_name(ctx),
        header=header,
        version=str(st.get("version", "")),
        db_size=int(st.get("db_size", 0)),
        leader=int(st.get("leader", 0)),
        raft_index=int(st.get("raft_index", 0)),
        raft_term=int(st.get("raft_term", 0)),
        raft_applied_index=int(st.get("raft_applied_index", 0)),
        errors=tuple(str(e) for e in st.get("errors", ()) or ()),
        db_size_in_use=int(st.get("db_size_in_use", 0)),
        is_learner=bool(st.get("is_learner", False)),
    )
    ctx.display.endpoint_status([status])


def _cmd_endpoint_health(ctx: _Context) -> None:
    """etcdctl 3.4 writes the health line on stderr; here it is the output."""
    name = _endpoint_name(ctx)
    began = time.perf_counter()
    try:
        ctx.store.range(b"health")
    except StoreError as e:
        msg = f"{name} is unhealthy: failed to commit proposal: {_grpc_text(e)}"
        raise EtcdctlError("Error: unhealthy cluster", EXIT_ERROR,
                           f"{msg}\nError: unhealthy cluster\n") from None  # fmt: skip
    took = _go_duration(time.perf_counter() - began)
    ctx.out.line(f"{name} is healthy: successfully committed proposal: took = {took}")


def _cmd_version(ctx: _Context) -> None:
    ctx.out.line(f"etcdctl version: {ETCDCTL_VERSION}")
    ctx.out.line(f"API version: {_API_VERSION}")


_COMMANDS: dict[str, Callable[[_Context], None]] = {
    "get": _cmd_get,
    "put": _cmd_put,
    "del": _cmd_del,
    "txn": _cmd_txn,
    "watch": _cmd_watch,
    "compaction": _cmd_compaction,
    "lease grant": _cmd_lease_grant,
    "lease revoke": _cmd_lease_revoke,
    "lease timetolive": _cmd_lease_timetolive,
    "lease keep-alive": _cmd_lease_keepalive,
    "endpoint status": _cmd_endpoint_status,
    "endpoint health": _cmd_endpoint_health,
    "version": _cmd_version,
}


def _tokens(command: str | Sequence[str]) -> list[str]:
    tokens = shlex.split(command) if isinstance(command, str) else list(command)
    while tokens and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", tokens[0]):
        tokens.pop(0)  # ETCDCTL_API=3 and other environment assignments
    if tokens and tokens[0].rsplit("/", 1)[-1] == "etcdctl":
        tokens.pop(0)
    return tokens


def run_bytes(
    store: Store, command: str | Sequence[str], *, stdin: str | bytes | None = None
) -> bytes:
    """:func:`run`, returning exactly the bytes etcdctl writes on stdout."""
    tokens = _tokens(command)
    name, rest = _split_command(tokens)
    flags = {**_GLOBAL, **_COMMAND_FLAGS[name]}
    values, args = _parse_flags(rest, flags)
    data = stdin.encode("utf-8", "surrogateescape") if isinstance(stdin, str) else stdin
    ctx = _Context(store, name, values, args, data)
    try:
        _COMMANDS[name](ctx)
    except EtcdctlError as e:
        if not e.stdout:
            e.stdout = ctx.out.text()
        raise
    return ctx.out.bytes()


def run(store: Store, command: str | Sequence[str], *, stdin: str | bytes | None = None) -> str:
    """Run one etcdctl 3.4 command line on ``store`` and return what it prints on stdout.

    ``command`` is split as a POSIX shell would (:func:`shlex.split`), or given as a list of
    arguments; a leading ``etcdctl`` is optional. ``stdin`` is the command's standard input
    (``txn``, ``put KEY`` without a value). Failures raise :class:`EtcdctlError`.

    >>> from k8s_internals.store.memory import MemoryStore
    >>> s = MemoryStore()
    >>> run(s, "put /registry/pods/default/web '{}'")
    'OK\\n'
    >>> print(run(s, "etcdctl get /registry --prefix"), end="")
    /registry/pods/default/web
    {}
    """
    return run_bytes(store, command, stdin=stdin).decode("utf-8", "surrogateescape")
