"""A small POSIX ``sh`` (the busybox ``ash`` subset that pod manifests actually use).

Kubernetes examples run their logic as ``command: ["sh", "-c", "..."]``. This interpreter runs
those scripts inside a simulated container (:class:`~k8s_internals.node.process.Process`), on
virtual time:

- lists ``a; b``, ``a && b``, ``a || b``, pipelines ``a | b`` (run one after the other), ``!``;
- ``while``/``until``/``for … in``/``if … elif … else … fi``, ``{ …; }``, ``( … )``;
- words with ``'…'``, ``"…"``, ``\\``, ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``$?``, ``$$``,
  ``$1``…, ``$(command)``, ``$((arithmetic))``; assignments ``i=0``;
- redirections ``> file``, ``>> file``, ``< file``, ``2>&1``, ``2>/dev/null``;
- ``trap 'cmd' TERM`` — run, as in a real shell, only after the current foreground command ends
  (so ``trap 'exit 0' TERM; sleep 3600`` still waits for the grace period: the classic gotcha);
- applets: ``echo printf sleep cat touch rm ls mkdir env printenv hostname date true false test [
  exit seq uname pwd id whoami wc grep head tail wget curl nslookup kill`` (which ones exist
  depends on the image: see :mod:`k8s_internals.node.images`).

``sh`` with no arguments and an open stdin is interactive (:func:`interactive`: a line at a
time, the prompt ``/ # `` on a TTY). Error texts are busybox's (``sh: foo: not found``, exit
127). Not supported: functions, ``case``, globbing, here-documents, background jobs (``&`` runs
in the foreground).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
import shlex
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from .process import SIGNALS, ConnectionRefused, ExitProcess, HttpRequest, Process

__all__ = ["APPLETS", "COREUTILS", "PROMPT", "ShellSyntaxError", "interactive", "run_applet",
           "run_script", "sh_program"]

Gen = Generator[Any, Any, int]


class ShellSyntaxError(Exception):
    """``sh: syntax error: ...``."""


# --------------------------------------------------------------------------------------------
# lexing
# --------------------------------------------------------------------------------------------

_OPS = ("&&", "||", ";;", ";", "&", "|", "(", ")")
_META = set(";&|()<>\n \t")


@dataclass
class Tok:
    kind: str  # WORD, OP, REDIR, NL, EOF
    value: Any


def _match_close(s: str, i: int, open_: str, close: str) -> int:
    """Index just past the ``close`` matching the ``open_`` whose content starts at ``i``."""
    depth = 1
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated quoted string")
            i = j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1)
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ShellSyntaxError("unexpected end of file")


def _skip_dquote(s: str, i: int) -> int:
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif s.startswith("$(", i):
            i = _match_close(s, i + 2, "(", ")")
        else:
            i += 1
    raise ShellSyntaxError("unterminated quoted string")


def tokenize(script: str) -> list[Tok]:
    toks: list[Tok] = []
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if c in " \t":
            i += 1
            continue
        if c == "\n":
            toks.append(Tok("NL", "\n"))
            i += 1
            continue
        if c == "#":
            while i < n and script[i] != "\n":
                i += 1
            continue
        m = re.match(r"(\d?)(>>|>&|<&|>|<)", script[i:])
        if m:
            fd = int(m.group(1)) if m.group(1) else (0 if m.group(2) in ("<", "<&") else 1)
            op = m.group(2)
            i += m.end()
            while i < n and script[i] in " \t":
                i += 1
            start = i
            i = _scan_word(script, i)
            if start == i:
                raise ShellSyntaxError("unexpected newline" if i >= n else
                                       f'unexpected "{script[i]}"')
            toks.append(Tok("REDIR", (fd, op, script[start:i])))
            continue
        op = next((o for o in _OPS if script.startswith(o, i)), None)
        if op is not None:
            toks.append(Tok("OP", op))
            i += len(op)
            continue
        start = i
        i = _scan_word(script, i)
        toks.append(Tok("WORD", script[start:i]))
    toks.append(Tok("EOF", None))
    return toks


def _scan_word(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] not in _META:
        c = s[i]
        if c == "\\":
            i += 2
        elif c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise ShellSyntaxError("unterminated quoted string")
            i = j + 1
        elif c == '"':
            i = _skip_dquote(s, i + 1)
        elif s.startswith("$((", i):
            i = _match_close(s, i + 3, "(", ")")
            if i < n and s[i] == ")":
                i += 1
        elif s.startswith("$(", i):
            i = _match_close(s, i + 2, "(", ")")
        elif s.startswith("${", i):
            j = s.find("}", i)
            if j < 0:
                raise ShellSyntaxError("bad substitution")
            i = j + 1
        else:
            i += 1
    return min(i, n)


# --------------------------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------------------------


@dataclass
class Simple:
    assigns: list[tuple[str, str]]
    words: list[str]
    redirs: list[tuple[int, str, str]]


@dataclass
class Pipeline:
    cmds: list[Any]
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]] = field(default_factory=list)


@dataclass
class Seq:
    items: list[AndOr]


@dataclass
class Loop:
    until: bool
    cond: Seq
    body: Seq


@dataclass
class For:
    var: str
    words: list[str] | None
    body: Seq


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    orelse: Seq | None


@dataclass
class Group:
    body: Seq
    subshell: bool


_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


class _Parser:
    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.i = 0

    def peek(self) -> Tok:
        return self.toks[self.i]

    def next(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def unexpected(self) -> ShellSyntaxError:
        tok = self.peek()
        if tok.kind == "EOF":
            return ShellSyntaxError("unexpected end of file")
        if tok.kind == "NL":
            return ShellSyntaxError("unexpected newline")
        return ShellSyntaxError(f'unexpected "{tok.value if tok.kind != "REDIR" else ">"}"')

    def expect_word(self, word: str) -> None:
        self.skip_newlines()
        tok = self.peek()
        if tok.kind == "WORD" and tok.value == word:
            self.i += 1
            return
        raise self.unexpected()

    def skip_newlines(self) -> None:
        while self.peek().kind == "NL" or (self.peek().kind == "OP" and self.peek().value == ";"):
            self.i += 1

    def parse(self) -> Seq:
        seq = self.parse_list(set())
        if self.peek().kind != "EOF":
            raise self.unexpected()
        return seq

    def parse_list(self, stop: set[str]) -> Seq:
        items: list[AndOr] = []
        while True:
            while self.peek().kind == "NL" or (self.peek().kind == "OP" and
                                               self.peek().value in (";", "&")):
                if self.peek().kind == "OP" and not items:
                    raise self.unexpected()
                self.i += 1
            tok = self.peek()
            if tok.kind == "EOF" or (tok.kind == "OP" and tok.value == ")") or (
                    tok.kind == "WORD" and tok.value in stop):
                return Seq(items)
            items.append(self.parse_and_or())
            tok = self.peek()
            if (tok.kind == "OP" and tok.value in (";", "&")) or tok.kind == "NL":
                self.i += 1
            elif not (tok.kind == "EOF" or (tok.kind == "OP" and tok.value == ")") or (
                    tok.kind == "WORD" and tok.value in stop)):
                raise self.unexpected()

    def parse_and_or(self) -> AndOr:
        node = AndOr(self.parse_pipeline())
        while self.peek().kind == "OP" and self.peek().value in ("&&", "||"):
            op = self.next().value
            while self.peek().kind == "NL":
                self.i += 1
            node.rest.append((op, self.parse_pipeline()))
        return node

    def parse_pipeline(self) -> Pipeline:
        negate = False
        if self.peek().kind == "WORD" and self.peek().value == "!":
            self.i += 1
            negate = True
        cmds = [self.parse_command()]
        while self.peek().kind == "OP" and self.peek().value == "|":
            self.i += 1
            while self.peek().kind == "NL":
                self.i += 1
            cmds.append(self.parse_command())
        return Pipeline(cmds, negate)

    def parse_command(self) -> Any:
        tok = self.peek()
        if tok.kind == "WORD":
            if tok.value in ("while", "until"):
                self.i += 1
                cond = self.parse_list({"do"})
                self.expect_word("do")
                body = self.parse_list({"done"})
                self.expect_word("done")
                return Loop(tok.value == "until", cond, body)
            if tok.value == "for":
                self.i += 1
                var = self.next()
                if var.kind != "WORD":
                    raise self.unexpected()
                words: list[str] | None = None
                if self.peek().kind == "WORD" and self.peek().value == "in":
                    self.i += 1
                    words = []
                    while self.peek().kind == "WORD":
                        words.append(self.next().value)
                self.skip_newlines()
                self.expect_word("do")
                body = self.parse_list({"done"})
                self.expect_word("done")
                return For(var.value, words, body)
            if tok.value == "if":
                self.i += 1
                branches: list[tuple[Seq, Seq]] = []
                cond = self.parse_list({"then"})
                self.expect_word("then")
                body = self.parse_list({"elif", "else", "fi"})
                branches.append((cond, body))
                orelse = None
                while True:
                    t = self.next()
                    if t.kind == "WORD" and t.value == "elif":
                        cond = self.parse_list({"then"})
                        self.expect_word("then")
                        branches.append((cond, self.parse_list({"elif", "else", "fi"})))
                        continue
                    if t.kind == "WORD" and t.value == "else":
                        orelse = self.parse_list({"fi"})
                        self.expect_word("fi")
                    elif not (t.kind == "WORD" and t.value == "fi"):
                        self.i -= 1
                        raise self.unexpected()
                    break
                return If(branches, orelse)
            if tok.value == "{":
                self.i += 1
                body = self.parse_list({"}"})
                self.expect_word("}")
                return Group(body, False)
            if tok.value in ("do", "done", "then", "fi", "elif", "else", "}", "in"):
                raise self.unexpected()
        if tok.kind == "OP" and tok.value == "(":
            self.i += 1
            body = self.parse_list(set())
            if not (self.peek().kind == "OP" and self.peek().value == ")"):
                raise self.unexpected()
            self.i += 1
            return Group(body, True)
        assigns: list[tuple[str, str]] = []
        words: list[str] = []
        redirs: list[tuple[int, str, str]] = []
        while True:
            tok = self.peek()
            if tok.kind == "WORD":
                if not words and _ASSIGN.match(tok.value):
                    name, value = tok.value.split("=", 1)
                    assigns.append((name, value))
                else:
                    words.append(tok.value)
                self.i += 1
            elif tok.kind == "REDIR":
                redirs.append(tok.value)
                self.i += 1
            else:
                break
        if not assigns and not words and not redirs:
            raise self.unexpected()
        return Simple(assigns, words, redirs)


def parse(script: str) -> Seq:
    return _Parser(tokenize(script)).parse()


# --------------------------------------------------------------------------------------------
# arithmetic: $(( ... ))
# --------------------------------------------------------------------------------------------

_ARITH_TOKEN = re.compile(r"\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|&&|\|\||[-+*/%()<>!])")


def arith(expr: str, lookup: Callable[[str], str]) -> int:
    toks: list[str] = []
    pos = 0
    expr = expr.strip()
    while pos < len(expr):
        m = _ARITH_TOKEN.match(expr, pos)
        if not m:
            raise ShellSyntaxError(f"arithmetic syntax error: {expr!r}")
        toks.append(m.group(1))
        pos = m.end()
        while pos < len(expr) and expr[pos] in " \t":
            pos += 1
    toks.append("")
    idx = [0]

    def peek() -> str:
        return toks[idx[0]]

    def take() -> str:
        t = toks[idx[0]]
        idx[0] += 1
        return t

    def atom() -> int:
        t = take()
        if t == "(":
            v = level(0)
            if take() != ")":
                raise ShellSyntaxError("arithmetic syntax error")
            return v
        if t == "-":
            return -atom()
        if t == "+":
            return atom()
        if t == "!":
            return int(not atom())
        if t.isdigit():
            return int(t)
        if t and (t[0].isalpha() or t[0] == "_"):
            raw = lookup(t).strip() or "0"
            try:
                return int(raw)
            except ValueError:
                return arith(raw, lookup)
        raise ShellSyntaxError("arithmetic syntax error")

    levels = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]

    def level(k: int) -> int:
        if k == len(levels):
            return atom()
        v = level(k + 1)
        while peek() in levels[k]:
            op = take()
            w = level(k + 1)
            if op == "+":
                v += w
            elif op == "-":
                v -= w
            elif op == "*":
                v *= w
            elif op in ("/", "%"):
                if w == 0:
                    raise ShellSyntaxError("divide by zero")
                q = abs(v) // abs(w) * (1 if (v >= 0) == (w >= 0) else -1)
                v = q if op == "/" else v - q * w
            elif op == "==":
                v = int(v == w)
            elif op == "!=":
                v = int(v != w)
            elif op == "<":
                v = int(v < w)
            elif op == ">":
                v = int(v > w)
            elif op == "<=":
                v = int(v <= w)
            elif op == ">=":
                v = int(v >= w)
            elif op == "&&":
                v = int(bool(v) and bool(w))
            else:
                v = int(bool(v) or bool(w))
        return v

    value = level(0)
    if peek() != "":
        raise ShellSyntaxError("arithmetic syntax error")
    return value


# --------------------------------------------------------------------------------------------
# the interpreter
# --------------------------------------------------------------------------------------------


@dataclass
class IO:
    """Where a command's output goes and what it reads."""

    out: Callable[[str], None]
    err: Callable[[str], None]
    stdin: str = ""


class _Break(Exception):
    pass


class Shell:
    """One ``sh`` process (or subshell) running in ``proc``."""

    def __init__(self, proc: Process, args: list[str] | None = None, name: str = "sh") -> None:
        self.proc = proc
        self.name = name
        self.vars: dict[str, str] = dict(proc.env)
        self.args = list(args or [])
        self.status = 0
        self.traps: dict[str, str] = {}

    # -- entry points ---------------------------------------------------------------------------

    def run(self, script: str, io: IO) -> Gen:
        try:
            tree = parse(script)
        except ShellSyntaxError as exc:
            io.err(f"{self.name}: syntax error: {exc}\n")
            return 2
        status = yield from self.seq(tree, io)
        return status

    # -- nodes ----------------------------------------------------------------------------------

    def seq(self, node: Seq, io: IO) -> Gen:
        status = 0
        for item in node.items:
            status = yield from self.and_or(item, io)
        return status

    def and_or(self, node: AndOr, io: IO) -> Gen:
        status = yield from self.pipeline(node.first, io)
        for op, pipe in node.rest:
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = yield from self.pipeline(pipe, io)
        return status

    def pipeline(self, node: Pipeline, io: IO) -> Gen:
        data = io.stdin
        status = 0
        for i, cmd in enumerate(node.cmds):
            last = i == len(node.cmds) - 1
            buf: list[str] = []
            sub = IO(io.out if last else buf.append, io.err, data)
            status = yield from self.command(cmd, sub)
            data = "".join(buf)
        if node.negate:
            status = int(status == 0)
        self.status = status
        yield from self._run_pending_traps(io)
        return status

    def command(self, node: Any, io: IO) -> Gen:
        if isinstance(node, Simple):
            return (yield from self.simple(node, io))
        if isinstance(node, Loop):
            status = 0
            while True:
                cond = yield from self.seq(node.cond, io)
                if (cond == 0) == node.until:
                    break
                started = self.proc.kernel.now
                try:
                    status = yield from self.seq(node.body, io)
                except _Break:
                    break
                if self.proc.sync:
                    yield None
                elif self.proc.kernel.now == started:
                    # a loop that never sleeps still takes CPU time (and must not freeze the
                    # simulation): 10 ms per round
                    yield self.proc.sleep(0.01)
            return status
        if isinstance(node, For):
            words = (self.expand_words(node.words) if node.words is not None
                     else list(self.args[1:]))
            status = 0
            for w in words:
                self.vars[node.var] = w
                try:
                    status = yield from self.seq(node.body, io)
                except _Break:
                    break
            return status
        if isinstance(node, If):
            for cond, body in node.branches:
                c = yield from self.seq(cond, io)
                if c == 0:
                    return (yield from self.seq(body, io))
            if node.orelse is not None:
                return (yield from self.seq(node.orelse, io))
            return 0
        if isinstance(node, Group):
            if node.subshell:
                saved = dict(self.vars)
                try:
                    return (yield from self.seq(node.body, io))
                except ExitProcess as exc:
                    return exc.code
                finally:
                    self.vars = saved
            return (yield from self.seq(node.body, io))
        raise TypeError(node)

    def simple(self, node: Simple, io: IO) -> Gen:
        argv = self.expand_words(node.words)
        values = [(name, self.expand_one(value)) for name, value in node.assigns]
        try:
            io = self.redirect(node.redirs, io)
        except OSError as exc:
            io.err(f"{self.name}: {exc.args[0] if exc.args else exc}\n")
            self.status = 1
            return 1
        if not argv:
            for name, value in values:
                self.vars[name] = value
            self.status = 0
            return 0
        saved = {name: self.vars.get(name) for name, _ in values}
        for name, value in values:
            self.vars[name] = value
        try:
            status = yield from self.dispatch(argv, io)
        finally:
            for name, old in saved.items():
                if old is None:
                    self.vars.pop(name, None)
                else:
                    self.vars[name] = old
        self.status = status
        return status

    def redirect(self, redirs: list[tuple[int, str, str]], io: IO) -> IO:
        out, err, stdin = io.out, io.err, io.stdin
        fs = self.proc.fs
        for fd, op, target_word in redirs:
            target = self.expand_one(target_word)
            if op in (">&", "<&"):
                if target == "1":
                    err = out if fd == 2 else err
                elif target == "2":
                    out = err if fd == 1 else out
                continue
            if op == "<":
                path = fs.norm(target, self.proc.cwd)
                try:
                    stdin = fs.read(path)
                except FileNotFoundError:
                    raise OSError(f"can't open '{target}': No such file or directory") from None
                continue
            if target == "/dev/null":
                sink: Callable[[str], None] = _discard
            elif target in ("/dev/stdout", "/proc/self/fd/1"):
                sink = self.proc.stdout
            elif target in ("/dev/stderr", "/proc/self/fd/2"):
                sink = self.proc.stderr
            else:
                path = fs.norm(target, self.proc.cwd)
                try:
                    fs.write(path, "", append=op == ">>")
                except FileNotFoundError:
                    raise OSError(f"can't create {target}: nonexistent directory") from None
                except PermissionError:
                    raise OSError(f"can't create {target}: Read-only file system") from None
                except IsADirectoryError:
                    raise OSError(f"can't create {target}: Is a directory") from None
                sink = _file_sink(fs, path)
            if fd == 2:
                err = sink
            else:
                out = sink
        return IO(out, err, stdin)

    def dispatch(self, argv: list[str], io: IO) -> Gen:
        name = argv[0]
        base = posixpath.basename(name)
        builtin = _BUILTINS.get(name)
        if builtin is not None:
            return (yield from builtin(self, argv, io))
        image = self.proc.image
        if base in _APPLETS and (image is None or base in image.applets):
            return (yield from _APPLETS[base](self, argv, io))
        if image is not None and base in image.programs:
            # an external program (``exec nginx -g ...``): it runs in this process
            proc = self.proc
            saved_argv, saved_env = proc.argv, proc.env
            proc.argv, proc.env = list(argv), dict(self.vars)
            # its standard output and error are the command's (redirections, pipes)
            proc.stdout, proc.stderr = io.out, io.err  # type: ignore[method-assign]
            try:
                code = yield from image.programs[base](proc)
            finally:
                proc.argv, proc.env = saved_argv, saved_env
                del proc.stdout, proc.stderr
            return 0 if code is None else int(code)
        io.err(f"{self.name}: {name}: not found\n")
        return 127

    def _run_pending_traps(self, io: IO) -> Gen:
        pending, self.proc.pending_signals = self.proc.pending_signals, []
        for sig in pending:
            action = self.traps.get(sig)
            if action:
                yield from self.run(action, io)
        return 0

    # -- expansion ------------------------------------------------------------------------------

    def lookup(self, name: str) -> str:
        if name == "?":
            return str(self.status)
        if name == "$":
            return "1"
        if name == "#":
            return str(max(0, len(self.args) - 1))
        if name in ("@", "*"):
            return " ".join(self.args[1:])
        if name.isdigit():
            i = int(name)
            return self.args[i] if i < len(self.args) else ""
        if name == "RANDOM":
            return str(self.proc.kernel.rng.randrange(32768))
        if name == "HOSTNAME" and name not in self.vars:
            return self.proc.hostname
        if name == "PWD":
            return self.proc.cwd
        return self.vars.get(name, "")

    def expand_words(self, words: Iterable[str]) -> list[str]:
        out: list[str] = []
        for w in words:
            out.extend(self._expand(w, split=True))
        return out

    def expand_one(self, word: str) -> str:
        return " ".join(self._expand(word, split=False))

    def _expand(self, word: str, split: bool) -> list[str]:
        # segments of (text, splittable)
        segs: list[tuple[str, bool]] = []
        i, n = 0, len(word)
        quoted_any = False
        while i < n:
            c = word[i]
            if c == "'":
                j = word.index("'", i + 1)
                segs.append((word[i + 1:j], False))
                quoted_any = True
                i = j + 1
            elif c == '"':
                j = _skip_dquote(word, i + 1)
                segs.append((self._expand_dquoted(word[i + 1:j - 1]), False))
                quoted_any = True
                i = j
            elif c == "\\":
                segs.append((word[i + 1:i + 2], False))
                i += 2
            elif c == "$":
                text, i = self._dollar(word, i)
                segs.append((text, True))
            else:
                j = i
                while j < n and word[j] not in "'\"\\$":
                    j += 1
                segs.append((word[i:j], False))
                i = j
        if not split:
            return ["".join(t for t, _ in segs)]
        fields: list[str] = []
        cur = ""
        have = False
        for text, splittable in segs:
            if not splittable:
                cur += text
                have = have or bool(text) or quoted_any
                continue
            parts = re.split(r"[ \t\n]+", text)
            if len(parts) == 1:
                cur += parts[0]
                have = have or bool(parts[0])
                continue
            cur += parts[0]
            if cur or have:
                fields.append(cur)
            for p in parts[1:-1]:
                if p:
                    fields.append(p)
            cur, have = parts[-1], bool(parts[-1])
        if cur or have:
            fields.append(cur)
        return fields

    def _expand_dquoted(self, s: str) -> str:
        out: list[str] = []
        i, n = 0, len(s)
        while i < n:
            c = s[i]
            if c == "\\" and i + 1 < n and s[i + 1] in '$`"\\\n':
                out.append(s[i + 1])
                i += 2
            elif c == "$":
                text, i = self._dollar(s, i)
                out.append(text)
            else:
                out.append(c)
                i += 1
        return "".join(out)

    def _dollar(self, s: str, i: int) -> tuple[str, int]:
        """Expand the ``$...`` at ``s[i]``; return the text and the index after it."""
        if s.startswith("$((", i):
            end = _match_close(s, i + 3, "(", ")")
            if end < len(s) and s[end] == ")":
                expr = s[i + 3:end - 1]
                expr = re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                              lambda m: self.lookup(m.group(1)), expr)
                return str(arith(expr, self.lookup)), end + 1
        if s.startswith("$(", i):
            end = _match_close(s, i + 2, "(", ")")
            return self.substitute(s[i + 2:end - 1]), end
        if s.startswith("${", i):
            end = s.index("}", i)
            inner = s[i + 2:end]
            m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*|[0-9]|[?#$@*])(:?[-=+?])?(.*)$", inner)
            if not m:
                raise ShellSyntaxError("bad substitution")
            name, op, arg = m.group(1), m.group(2), m.group(3)
            value = self.lookup(name)
            is_set = name in self.vars or not name.isidentifier()
            if op:
                empty = (value == "") if op.startswith(":") else not is_set
                if op.endswith("-") and empty:
                    value = self.expand_one(arg)
                elif op.endswith("=") and empty:
                    value = self.expand_one(arg)
                    self.vars[name] = value
                elif op.endswith("+"):
                    value = "" if empty else self.expand_one(arg)
            return value, end + 1
        m = re.match(r"\$([A-Za-z_][A-Za-z0-9_]*|[0-9?#$@*])", s[i:])
        if not m:
            return "$", i + 1
        return self.lookup(m.group(1)), i + m.end()

    def substitute(self, script: str) -> str:
        """``$(script)``: run synchronously, capture stdout, strip trailing newlines."""
        buf: list[str] = []
        sub = Shell(self.proc, self.args, self.name)
        sub.vars = dict(self.vars)
        gen = sub.run(script, IO(buf.append, self.proc.stderr))
        was_sync = self.proc.sync
        self.proc.sync = True
        try:
            for _ in range(10_000):
                gen.send(None)
        except StopIteration as stop:
            self.status = int(stop.value)
        except ExitProcess as exc:
            self.status = exc.code
        finally:
            self.proc.sync = was_sync
        return "".join(buf).rstrip("\n")


def _discard(text: str) -> None:
    return None


def _file_sink(fs: Any, path: str) -> Callable[[str], None]:
    def write(text: str) -> None:
        fs.write(path, text, append=True)
    return write


# --------------------------------------------------------------------------------------------
# builtins (part of the shell) and applets (busybox programs)
# --------------------------------------------------------------------------------------------

Applet = Callable[[Shell, list[str], IO], Gen]


def _b_exit(sh: Shell, argv: list[str], io: IO) -> Gen:
    code = sh.status
    if len(argv) > 1:
        try:
            code = int(argv[1]) & 0xFF
        except ValueError:
            io.err(f"{sh.name}: exit: Illegal number: {argv[1]}\n")
            code = 2
    raise ExitProcess(code)
    yield  # pragma: no cover


def _b_export(sh: Shell, argv: list[str], io: IO) -> Gen:
    for a in argv[1:]:
        if "=" in a:
            k, v = a.split("=", 1)
            sh.vars[k] = v
    return 0
    yield  # pragma: no cover


def _b_unset(sh: Shell, argv: list[str], io: IO) -> Gen:
    for a in argv[1:]:
        sh.vars.pop(a, None)
    return 0
    yield  # pragma: no cover


def _b_trap(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 3:
        return 0
    action = argv[1]
    for sig in argv[2:]:
        name = sig.upper()
        if name.isdigit():
            name = next((k for k, v in SIGNALS.items() if v == int(name)), name)
        elif name in ("EXIT", "0"):
            continue
        elif not name.startswith("SIG"):
            name = "SIG" + name
        if action == "-":
            sh.traps.pop(name, None)
            sh.proc.trap(name, None)
            continue
        sh.traps[name] = action
        sh.proc.trap(name, _pending(sh.proc, name) if action else _ignore)
    return 0
    yield  # pragma: no cover


def _ignore() -> None:
    return None


def _pending(proc: Process, sig: str) -> Callable[[], None]:
    """A trapped signal is remembered; the shell runs the trap after the current command."""
    def pend() -> None:
        proc.pending_signals.append(sig)
    return pend


def _b_cd(sh: Shell, argv: list[str], io: IO) -> Gen:
    path = sh.proc.fs.norm(argv[1] if len(argv) > 1 else "/root", sh.proc.cwd)
    if not sh.proc.fs.isdir(path):
        io.err(f"{sh.name}: cd: can't cd to {argv[1]}: No such file or directory\n")
        return 2
    sh.proc.cwd = path
    return 0
    yield  # pragma: no cover


def _b_true(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 0
    yield  # pragma: no cover


def _b_false(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 1
    yield  # pragma: no cover


def _b_break(sh: Shell, argv: list[str], io: IO) -> Gen:
    raise _Break()
    yield  # pragma: no cover


def _b_exec(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) == 1:
        return 0
    code = yield from sh.dispatch(argv[1:], io)
    raise ExitProcess(code)


def _b_wait(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 0
    yield  # pragma: no cover


_BUILTINS: dict[str, Applet] = {
    "exit": _b_exit, "export": _b_export, "unset": _b_unset, "trap": _b_trap, "cd": _b_cd,
    ":": _b_true, "true": _b_true, "false": _b_false, "break": _b_break, "exec": _b_exec,
    "wait": _b_wait, "set": _b_true, "readonly": _b_export,
}


def _a_echo(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        flags = args.pop(0)
        newline = newline and "n" not in flags
        escapes = ("e" in flags) or (escapes and "E" not in flags)
    text = " ".join(args)
    if escapes:
        text = text.encode("utf-8").decode("unicode_escape")
    io.out(text + ("\n" if newline else ""))
    return 0
    yield  # pragma: no cover


def _a_printf(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        io.err("printf: usage: printf FORMAT [ARG]...\n")
        return 1
    fmt = argv[1].encode("utf-8").decode("unicode_escape")
    args = list(argv[2:])
    out: list[str] = []
    while True:
        def conv(m: re.Match[str]) -> str:
            spec = m.group(0)
            if spec == "%%":
                return "%"
            arg = args.pop(0) if args else ""
            if spec[-1] in "di":
                try:
                    return (spec[:-1] + "d") % int(arg or 0)
                except ValueError:
                    return "0"
            return (spec[:-1] + "s") % arg
        out.append(re.sub(r"%[-0-9.]*[sdi%]", conv, fmt))
        if not args or "%" not in fmt:
            break
    io.out("".join(out))
    return 0
    yield  # pragma: no cover


def _duration(arg: str) -> float | None:
    if arg == "infinity":
        return float("inf")
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", arg)
    if not m:
        return None
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _a_sleep(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 2:
        io.err("sleep: missing operand\n" if sh.proc.image is None or
               "busybox" not in sh.proc.image.repository else
               "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
               "Usage: sleep [N]...\n")
        return 1
    total = 0.0
    for arg in argv[1:]:
        d = _duration(arg)
        if d is None:
            io.err(f"sleep: invalid number '{arg}'\n")
            return 1
        total += d
    if total == float("inf"):
        yield sh.proc.forever()
        return 0
    yield sh.proc.sleep(total)
    return 0


def _a_cat(sh: Shell, argv: list[str], io: IO) -> Gen:
    files = [a for a in argv[1:] if a != "-"] if len(argv) > 1 else []
    if not files:
        io.out(io.stdin)
        return 0
    status = 0
    for f in files:
        path = sh.proc.fs.norm(f, sh.proc.cwd)
        try:
            io.out(sh.proc.fs.read(path))
        except FileNotFoundError:
            io.err(f"cat: can't open '{f}': No such file or directory\n")
            status = 1
        except IsADirectoryError:
            io.err("cat: read error: Is a directory\n")
            status = 1
    return status
    yield  # pragma: no cover


def _a_touch(sh: Shell, argv: list[str], io: IO) -> Gen:
    status = 0
    for f in argv[1:]:
        if f.startswith("-"):
            continue
        path = sh.proc.fs.norm(f, sh.proc.cwd)
        try:
            if not sh.proc.fs.isfile(path):
                sh.proc.fs.write(path, "")
        except FileNotFoundError:
            io.err(f"touch: {f}: No such file or directory\n")
            status = 1
        except PermissionError:
            io.err(f"touch: {f}: Read-only file system\n")
            status = 1
    return status
    yield  # pragma: no cover


def _a_rm(sh: Shell, argv: list[str], io: IO) -> Gen:
    force = any(a.startswith("-") and "f" in a for a in argv[1:])
    status = 0
    for f in (a for a in argv[1:] if not a.startswith("-")):
        path = sh.proc.fs.norm(f, sh.proc.cwd)
        try:
            sh.proc.fs.remove(path)
        except FileNotFoundError:
            if not force:
                io.err(f"rm: can't remove '{f}': No such file or directory\n")
                status = 1
        except PermissionError:
            io.err(f"rm: can't remove '{f}': Read-only file system\n")
            status = 1
    return status
    yield  # pragma: no cover


def _a_mkdir(sh: Shell, argv: list[str], io: IO) -> Gen:
    for f in (a for a in argv[1:] if not a.startswith("-")):
        sh.proc.fs.mkdir(sh.proc.fs.norm(f, sh.proc.cwd))
    return 0
    yield  # pragma: no cover


def _a_ls(sh: Shell, argv: list[str], io: IO) -> Gen:
    targets = [a for a in argv[1:] if not a.startswith("-")] or [sh.proc.cwd]
    status = 0
    for t in targets:
        path = sh.proc.fs.norm(t, sh.proc.cwd)
        if sh.proc.fs.isfile(path):
            io.out(t + "\n")
        elif sh.proc.fs.isdir(path):
            names = sh.proc.fs.listdir(path)
            if names:
                io.out("\n".join(names) + "\n")
        else:
            io.err(f"ls: {t}: No such file or directory\n")
            status = 1
    return status
    yield  # pragma: no cover


def _a_env(sh: Shell, argv: list[str], io: IO) -> Gen:
    env = dict(sh.vars)
    env.setdefault("HOSTNAME", sh.proc.hostname)
    if argv[0].endswith("printenv") and len(argv) > 1:
        status = 0
        for name in argv[1:]:
            if name in env:
                io.out(env[name] + "\n")
            else:
                status = 1
        return status
    io.out("".join(f"{k}={v}\n" for k, v in env.items()))
    return 0
    yield  # pragma: no cover


def _a_hostname(sh: Shell, argv: list[str], io: IO) -> Gen:
    if "-i" in argv[1:]:
        io.out(sh.proc.ip + "\n")
    else:
        io.out(sh.proc.hostname + "\n")
    return 0
    yield  # pragma: no cover


def _a_date(sh: Shell, argv: list[str], io: IO) -> Gen:
    now = sh.proc.kernel.datetime()
    fmt = next((a[1:] for a in argv[1:] if a.startswith("+")), None)
    if fmt is None:
        io.out(now.strftime("%a %b ") + f"{now.day:2d}" + now.strftime(" %H:%M:%S UTC %Y") + "\n")
    else:
        epoch = int((now - now.replace(year=1970, month=1, day=1, hour=0, minute=0, second=0,
                                       microsecond=0)) / timedelta(seconds=1))
        io.out(now.strftime(fmt.replace("%s", str(epoch))) + "\n")
    return 0
    yield  # pragma: no cover


def _a_test(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            io.err("[: missing ]\n")
            return 2
        args = args[:-1]
    negate = False
    if args and args[0] == "!":
        negate, args = True, args[1:]
    fs = sh.proc.fs
    result: bool
    if not args:
        result = False
    elif len(args) == 1:
        result = args[0] != ""
    elif len(args) == 2:
        op, val = args
        path = fs.norm(val, sh.proc.cwd)
        result = {"-z": val == "", "-n": val != "", "-f": fs.isfile(path),
                  "-d": fs.isdir(path), "-e": fs.exists(path),
                  "-s": fs.isfile(path) and fs.read(path) != ""}.get(op, False)
    else:
        a, op, b = args[0], args[1], args[2]
        if op in ("=", "=="):
            result = a == b
        elif op == "!=":
            result = a != b
        else:
            try:
                x, y = int(a), int(b)
            except ValueError:
                io.err(f"{argv[0]}: bad number\n")
                return 2
            result = {"-eq": x == y, "-ne": x != y, "-lt": x < y, "-le": x <= y,
                      "-gt": x > y, "-ge": x >= y}.get(op, False)
    return 0 if result != negate else 1
    yield  # pragma: no cover


def _a_seq(sh: Shell, argv: list[str], io: IO) -> Gen:
    nums = [int(a) for a in argv[1:]]
    first, step, last = (1, 1, nums[0]) if len(nums) == 1 else (
        (nums[0], 1, nums[1]) if len(nums) == 2 else (nums[0], nums[1], nums[2]))
    i = first
    out = []
    while (step > 0 and i <= last) or (step < 0 and i >= last):
        out.append(f"{i}\n")
        i += step
    io.out("".join(out))
    return 0
    yield  # pragma: no cover


def _a_uname(sh: Shell, argv: list[str], io: IO) -> Gen:
    if "-a" in argv:
        io.out(f"Linux {sh.proc.hostname} 6.8.0-51-generic #52-Ubuntu SMP PREEMPT_DYNAMIC "
               "Thu Dec  5 13:09:44 UTC 2024 x86_64 GNU/Linux\n")
    elif "-r" in argv:
        io.out("6.8.0-51-generic\n")
    else:
        io.out("Linux\n")
    return 0
    yield  # pragma: no cover


def _a_pwd(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.out(sh.proc.cwd + "\n")
    return 0
    yield  # pragma: no cover


def _a_id(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.out("uid=0(root) gid=0(root) groups=0(root),10(wheel)\n")
    return 0
    yield  # pragma: no cover


def _a_whoami(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.out("root\n")
    return 0
    yield  # pragma: no cover


def _input(sh: Shell, argv: list[str], io: IO) -> tuple[str, int]:
    files = [a for a in argv[1:] if not a.startswith("-")]
    if not files:
        return io.stdin, 0
    text = ""
    for f in files:
        try:
            text += sh.proc.fs.read(sh.proc.fs.norm(f, sh.proc.cwd))
        except (FileNotFoundError, IsADirectoryError):
            io.err(f"{argv[0]}: {f}: No such file or directory\n")
            return text, 1
    return text, 0


def _a_wc(sh: Shell, argv: list[str], io: IO) -> Gen:
    text, status = _input(sh, argv, io)
    lines, words, chars = text.count("\n"), len(text.split()), len(text)
    if "-l" in argv:
        io.out(f"{lines}\n")
    elif "-w" in argv:
        io.out(f"{words}\n")
    elif "-c" in argv:
        io.out(f"{chars}\n")
    else:
        io.out(f"{lines:>9} {words:>9} {chars:>9}\n")
    return status
    yield  # pragma: no cover


def _a_grep(sh: Shell, argv: list[str], io: IO) -> Gen:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    rest = [a for a in argv[1:] if not a.startswith("-")]
    if not rest:
        io.err("grep: no pattern\n")
        return 2
    pattern, files = rest[0], rest[1:]
    text, status = _input(sh, ["grep", *files], io)
    rx = re.compile(pattern, re.I if "i" in flags else 0)
    hits = [ln for ln in text.splitlines() if bool(rx.search(ln)) != ("v" in flags)]
    if "c" in flags:
        io.out(f"{len(hits)}\n")
    elif "q" not in flags:
        io.out("".join(h + "\n" for h in hits))
    return status or (0 if hits else 1)
    yield  # pragma: no cover


def _a_head_tail(sh: Shell, argv: list[str], io: IO) -> Gen:
    count, chars = 10, None
    args = list(argv[1:])
    for flag in ("-n", "-c"):
        if flag in args:
            i = args.index(flag)
            value = int(args[i + 1])
            del args[i:i + 2]
            if flag == "-n":
                count = value
            else:
                chars = value
    if args and re.fullmatch(r"-\d+", args[0]):
        count = int(args.pop(0)[1:])
    text, status = _input(sh, [argv[0], *args], io)
    head = argv[0].endswith("head")
    if chars is not None:
        io.out(text[:chars] if head else text[-chars:])
        return status
    lines = text.splitlines(keepends=True)
    io.out("".join(lines[:count] if head else lines[-count:]))
    return status
    yield  # pragma: no cover


def _a_kill(sh: Shell, argv: list[str], io: IO) -> Gen:
    sig = "SIGTERM"
    pids = []
    for a in argv[1:]:
        if a.startswith("-"):
            sig = a[1:]
        else:
            pids.append(a)
    if "1" in pids:
        sh.proc.signal(sig)
    return 0
    yield  # pragma: no cover


def _fetch(sh: Shell, url: str, tool: str, io: IO) -> tuple[int | None, str]:
    """``(status, body)``, or ``(None, error text)``."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    host = parts.hostname or ""
    net = sh.proc.network
    if net is None:
        return None, (f"wget: bad address '{host}'" if tool == "wget" else
                      f"curl: (6) Could not resolve host: {host}")
    req = HttpRequest("GET", (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                      {"Host": parts.netloc, "User-Agent": "Wget" if tool == "wget" else
                       "curl/8.5.0", "Accept": "*/*"}, sh.proc.ip, parts.netloc)
    try:
        resp = net.http(sh.proc.ip, url, req)
    except ConnectionRefused:
        port = parts.port or 80
        return None, (f"wget: can't connect to remote host ({host}): Connection refused"
                      if tool == "wget" else
                      f"curl: (7) Failed to connect to {host} port {port} after 0 ms: "
                      "Couldn't connect to server")
    except OSError as exc:
        return None, str(exc)
    return resp.status, resp.body


_REASONS = {200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently",
            302: "Found", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
            404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout"}


def _a_wget(sh: Shell, argv: list[str], io: IO) -> Gen:
    urls = [a for a in argv[1:] if not a.startswith("-") and a not in ("-", "/dev/null")]
    out_file = None
    args = argv[1:]
    for i, a in enumerate(args):
        if a in ("-O", "-O-"):
            out_file = "-" if a == "-O-" else (args[i + 1] if i + 1 < len(args) else "-")
        elif a.startswith("-qO") or a.startswith("-O"):
            out_file = a.split("O", 1)[1] or "-"
    if out_file and out_file in urls:
        urls.remove(out_file)
    if "-T" in args:
        t = args[args.index("-T") + 1]
        if t in urls:
            urls.remove(t)
    if not urls:
        io.err("wget: missing URL\n")
        return 1
    status, body = _fetch(sh, urls[0], "wget", io)
    if status is None:
        io.err(body + "\n")
        return 1
    if status >= 400:
        io.err(f"wget: server returned error: HTTP/1.1 {status} {_REASONS.get(status, '')}\n")
        return 1
    if out_file == "-":
        io.out(body)
    else:
        name = out_file or (posixpath.basename(urlsplit(urls[0]).path) or "index.html")
        sh.proc.fs.write(sh.proc.fs.norm(name, sh.proc.cwd), body)
    return 0
    yield  # pragma: no cover


def _a_curl(sh: Shell, argv: list[str], io: IO) -> Gen:
    urls = [a for a in argv[1:] if not a.startswith("-")]
    if not urls:
        io.err("curl: try 'curl --help' for more information\n")
        return 2
    status, body = _fetch(sh, urls[0], "curl", io)
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and not a.startswith("--"))
    if status is None:
        if "s" not in flags or "S" in flags:
            io.err(body + "\n")
        code = re.search(r"\((\d+)\)", body)
        return int(code.group(1)) if code else 7
    if "-f" in argv and status >= 400:
        io.err(f"curl: (22) The requested URL returned error: {status}\n")
        return 22
    io.out(body)
    return 0
    yield  # pragma: no cover


def _resolv_conf(sh: Shell) -> tuple[list[str], str | None]:
    """busybox's ``parse_resolvconf``: the nameservers, and the search list (``search``, else
    ``domain``, else the hostname's domain part; ``.`` means none)."""
    servers: list[str] = []
    search: str | None = None
    have_search = False
    try:
        text = sh.proc.fs.read("/etc/resolv.conf")
    except (FileNotFoundError, IsADirectoryError):
        text = ""
    for line in text.splitlines():
        key, _, arg = line.strip(" \t").partition(" ")
        arg = arg.strip()
        if not key or not arg:
            continue
        if key == "domain" and not have_search:
            search = arg
        elif key == "search":
            have_search = True
            search = arg
        elif key == "nameserver":
            servers.append(arg)
    if search is None and "." in sh.proc.hostname:
        search = sh.proc.hostname.split(".", 1)[1]
    if search == ".":
        search = None
    return servers, search


def _ptr_name(addr: str) -> str | None:
    """``make_ptr``: ``10.96.0.1`` → ``1.0.96.10.in-addr.arpa``."""
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return None
    return ip.reverse_pointer


def _a_nslookup(sh: Shell, argv: list[str], io: IO) -> Gen:
    """busybox 1.36's (``FEATURE_NSLOOKUP_BIG``) ``nslookup``: its own DNS client. A dotless
    name is asked under every search domain (``add_query_with_search``), a name with a dot only
    as it is — busybox ignores ``ndots``, which is why ``nslookup kubia.default`` fails in a pod
    where ``wget kubia.default`` works; A then AAAA queries; every answer printed in order
    (the real one prints them as the replies arrive), ``** server can't find NAME: NXDOMAIN``
    for each failed one, and exit status 1 if any failed. ``-type=`` asks other types (only A,
    AAAA questions get answers here)."""
    args = argv[1:]
    types: list[str] = []
    while args and args[0].startswith("-"):
        opt, _, val = args.pop(0)[1:].partition("=")
        if opt in ("type", "querytype"):
            if val.upper() not in ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV",
                                   "PTR", "ANY"):
                io.err(f'nslookup: invalid query type "{val}"\n')
                return 1
            types.append(val.upper())
        elif opt not in ("port", "retry", "debug", "t", "timeout"):
            args = []
            break
    if not args or len(args) > 2:
        io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
               "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\n"
               "Query DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any\n")
        return 1
    name = args[0]
    servers, search = _resolv_conf(sh)
    if len(args) == 2:
        servers = [args[1]]
    elif not servers:
        servers = ["127.0.0.1"]
    queries: list[tuple[str, str]] = []

    def with_search(qtype: str) -> None:
        if qtype == "PTR" or not search or "." in name:
            queries.append((qtype, name))
            return
        queries.extend((qtype, f"{name}.{domain}") for domain in search.split())

    if not types:
        ptr = _ptr_name(name)
        if ptr:
            queries.append(("PTR", ptr))
        else:
            with_search("A")
            with_search("AAAA")
    else:
        order = ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "SRV", "PTR", "ANY")
        for qtype in order:
            if qtype in types:
                with_search(qtype)
    net = sh.proc.network
    if net is None:
        io.out(";; connection timed out; no servers could be reached\n\n")
        return 1
    server = servers[0]
    io.out(f"Server:\t\t{server}\nAddress:\t{server}:53\n\n")
    failed = False
    for qtype, qname in queries:
        # the cluster DNS answers A questions (its docstring: no AAAA/PTR records); for
        # other types an existing name is an empty answer, as CoreDNS gives for AAAA
        answer = net.query(sh.proc.ip, qname)
        rcode, lines = answer.rcode, []
        for r in answer.records:
            if r.rtype == "CNAME":
                lines.append(f"{r.name.rstrip('.')}\tcanonical name = {r.data.rstrip('.')}")
            elif r.rtype == "A" and qtype in ("A", "ANY"):
                lines.append(f"Name:\t{r.name.rstrip('.')}\nAddress: {r.data}")
        if rcode != "NOERROR":
            io.out(f"** server can't find {qname}: {rcode}\n")
            failed = True
        else:
            io.out("".join(line + "\n" for line in lines))
        io.out("\n")
    return 1 if failed else 0
    yield  # pragma: no cover


def _a_sh(sh: Shell, argv: list[str], io: IO) -> Gen:
    """A nested ``sh -c '...'`` (runs in the same process, like ``exec``)."""
    if len(argv) >= 3 and argv[1] == "-c":
        sub = Shell(sh.proc, argv[2:] if len(argv) > 3 else [argv[0]], posixpath.basename(argv[0]))
        sub.vars = dict(sh.vars)
        return (yield from sub.run(argv[2], io))
    if len(argv) >= 2:
        path = sh.proc.fs.norm(argv[1], sh.proc.cwd)
        try:
            script = sh.proc.fs.read(path)
        except (FileNotFoundError, IsADirectoryError):
            io.err(f"{posixpath.basename(argv[0])}: can't open '{argv[1]}': "
                   "No such file or directory\n")
            return 2
        sub = Shell(sh.proc, argv[1:], posixpath.basename(argv[0]))
        sub.vars = dict(sh.vars)
        return (yield from sub.run(script, io))
    return 0


_APPLETS: dict[str, Applet] = {
    "echo": _a_echo, "printf": _a_printf, "sleep": _a_sleep, "cat": _a_cat, "touch": _a_touch,
    "rm": _a_rm, "mkdir": _a_mkdir, "ls": _a_ls, "env": _a_env, "printenv": _a_env,
    "hostname": _a_hostname, "date": _a_date, "test": _a_test, "[": _a_test, "seq": _a_seq,
    "uname": _a_uname, "pwd": _a_pwd, "id": _a_id, "whoami": _a_whoami, "wc": _a_wc,
    "grep": _a_grep, "head": _a_head_tail, "tail": _a_head_tail, "kill": _a_kill,
    "wget": _a_wget, "curl": _a_curl, "nslookup": _a_nslookup, "sh": _a_sh, "ash": _a_sh,
    "bash": _a_sh, "true": _b_true, "false": _b_false,
}
APPLETS = frozenset(_APPLETS) - {"curl", "bash"}
"""What busybox offers (``busybox --list``, the subset simulated)."""
COREUTILS = frozenset(_APPLETS) - {"wget", "nslookup", "ash"}
"""What a Debian-based image offers (coreutils, grep, procps, curl, bash)."""


def run_applet(proc: Process, argv: list[str]) -> Gen:
    """Run one applet as the container's program (``command: ["sleep", "3600"]``)."""
    sh = Shell(proc, argv, posixpath.basename(argv[0]))
    io = IO(proc.stdout, proc.stderr, proc.stdin_text)
    status = yield from sh.dispatch(argv, io)
    return status


def run_script(proc: Process, script: str, args: list[str] | None = None,
               name: str = "sh") -> Gen:
    """Run ``script`` as ``sh -c script args...`` in ``proc``."""
    sh = Shell(proc, args or [name], name)
    status = yield from sh.run(script, IO(proc.stdout, proc.stderr, proc.stdin_text))
    return status


def sh_program(proc: Process) -> Gen:
    """The program of ``/bin/sh``: ``sh -c SCRIPT [ARG0 ARGS...]`` or ``sh FILE``."""
    argv = proc.argv
    name = posixpath.basename(argv[0])
    if len(argv) >= 3 and argv[1] == "-c":
        status = yield from run_script(proc, argv[2], argv[3:] or [name], name)
        return status
    if len(argv) == 2 and argv[1] == "-c":
        proc.stderr(f"{name}: -c requires an argument\n")
        return 2
    if len(argv) >= 2:
        return (yield from run_applet(proc, argv))
    if proc.stdin_pipe is not None:
        return (yield from interactive(proc))
    # an interactive shell with no terminal reads EOF from stdin and exits at once
    return 0


#: busybox ash's default ``PS1`` (``\w \$ ``) for root in ``/``
PROMPT = "/ # "


def interactive(proc: Process) -> Gen:
    """``sh`` reading its commands from an open stdin (:class:`~.process.StdinPipe`), one
    line at a time, each run as it arrives; on a TTY it prompts, and says ``exit`` at the end
    of input. Exits with the last command's status (or ``exit N``)."""
    pipe = proc.stdin_pipe
    assert pipe is not None
    name = posixpath.basename(proc.argv[0]) if proc.argv else "sh"
    sh = Shell(proc, [name], name)
    io = IO(proc.stdout, proc.stderr)
    while True:
        if proc.tty:
            proc.stdout(PROMPT)
        line = yield pipe.read_line()
        if line is None:
            if proc.tty:
                proc.stdout("exit\n")
            return sh.status
        if not line.strip():
            continue
        try:
            yield from sh.run(line, io)
        except ExitProcess as exc:
            return exc.code


def quote(argv: list[str]) -> str:
    """How a command line is printed (``kubectl describe`` style)."""
    return " ".join(shlex.quote(a) for a in argv)
