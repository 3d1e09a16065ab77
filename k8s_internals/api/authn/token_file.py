"""Static bearer tokens, as kube-apiserver's ``--token-auth-file``.

Upstream: ``staging/src/k8s.io/apiserver/pkg/authentication/token/tokenfile/tokenfile.go``.
The file is CSV read by Go's ``encoding/csv`` with ``FieldsPerRecord = -1``; each record is::

    token,user,uid,"group1,group2,group3"

- fewer than 3 columns is an error:
  ``token file '<path>' must have at least 3 columns (token, user name, user uid), found <n>``;
- an empty token is skipped with the warning
  ``empty token has been found in token file '<path>', record number '<n>'``;
- a duplicate token warns ``duplicate token has been found in token file '<path>', record number
  '<n>'`` and the later record wins;
- the 4th column, when present, is split on ``,`` into groups (so an empty 4th column gives one
  empty group name, as upstream's ``strings.Split("", ",")`` does); further columns are ignored;
- CSV syntax errors are Go's ``csv.ParseError`` texts, e.g.
  ``parse error on line 2, column 7: bare " in non-quoted-field``.

Lookup is an exact match of the whole token; an unknown token is "not mine" (``None``), which the
bearer-token authenticator turns into ``invalid bearer token`` if no other token authenticator
accepts it. Warnings (klog in upstream) are kept in :attr:`TokenFileAuthenticator.warnings`.

Taught in notebooks/03-api-server.ipynb.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..user import UserInfo
from .request import AuthRequest, AuthResult

__all__ = ["TokenEntry", "TokenFileAuthenticator", "TokenFileError", "parse_go_csv"]


class TokenFileError(ValueError):
    """The token file could not be read (kube-apiserver refuses to start)."""


@dataclass(frozen=True)
class TokenEntry:
    """One line of a token file."""

    token: str
    user: str
    uid: str = ""
    groups: tuple[str, ...] = ()


class TokenFileAuthenticator:
    """``tokenfile.TokenAuthenticator``: a map from token to user."""

    name = "tokenfile"

    def __init__(self, tokens: Mapping[str, UserInfo], warnings: Iterable[str] = ()) -> None:
        self.tokens: dict[str, UserInfo] = dict(tokens)
        self.warnings: list[str] = list(warnings)

    @classmethod
    def from_entries(
        cls, entries: Iterable[TokenEntry | tuple[str, ...]]
    ) -> TokenFileAuthenticator:
        """``tokenfile.New``: from entries or ``(token, user[, uid[, groups...]])`` tuples."""
        tokens: dict[str, UserInfo] = {}
        for entry in entries:
            if not isinstance(entry, TokenEntry):
                token, user, *rest = entry
                uid = rest[0] if rest else ""
                entry = TokenEntry(token, user, uid, tuple(rest[1:]))
            tokens[entry.token] = UserInfo(entry.user, entry.uid, tuple(entry.groups))
        return cls(tokens)

    @classmethod
    def from_csv(cls, text: str, path: str = "tokens.csv") -> TokenFileAuthenticator:
        """``tokenfile.NewCSV`` on ``text``; ``path`` is only used in messages."""
        tokens: dict[str, UserInfo] = {}
        warnings: list[str] = []
        record_num = 0
        for record in parse_go_csv(text):
            if len(record) < 3:
                raise TokenFileError(
                    f"token file '{path}' must have at least 3 columns "
                    f"(token, user name, user uid), found {len(record)}")
            record_num += 1
            if record[0] == "":
                warnings.append(f"empty token has been found in token file '{path}', "
                                f"record number '{record_num}'")
                continue
            if record[0] in tokens:
                warnings.append(f"duplicate token has been found in token file '{path}', "
                                f"record number '{record_num}'")
            groups = tuple(record[3].split(",")) if len(record) >= 4 else ()
            tokens[record[0]] = UserInfo(record[1], record[2], groups)
        return cls(tokens, warnings)

    @classmethod
    def from_file(cls, path: str | Path) -> TokenFileAuthenticator:
        """Read a token file from disk (``os.Open`` errors as Go prints them)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TokenFileError(f"open {path}: no such file or directory") from None
        except IsADirectoryError:
            raise TokenFileError(f"read {path}: is a directory") from None
        except PermissionError:
            raise TokenFileError(f"open {path}: permission denied") from None
        return cls.from_csv(text, str(path))

    def authenticate_token(self, token: str, req: AuthRequest | None = None) -> AuthResult | None:
        user = self.tokens.get(token)
        if user is None:
            return None
        return AuthResult(user, self.name)


# -- Go's encoding/csv ----------------------------------------------------------------------------

_ERR_BARE_QUOTE = 'bare " in non-quoted-field'
_ERR_QUOTE = 'extraneous or missing " in quoted-field'


def _parse_error(start_line: int, line: int, column: int, err: str) -> TokenFileError:
    """``csv.ParseError.Error()``."""
    if start_line != line:
        return TokenFileError(
            f"record on line {start_line}; parse error on line {line}, column {column}: {err}")
    return TokenFileError(f"parse error on line {line}, column {column}: {err}")


def parse_go_csv(text: str) -> list[list[str]]:
    """Records of ``text`` as Go's ``csv.Reader`` reads them with the options tokenfile.go uses
    (comma ``,``, no comment character, strict quotes, any number of fields): blank lines are
    skipped, ``\\r\\n`` reads as ``\\n``, quoted fields may hold commas, ``""`` and newlines.
    Errors name the line and the 1-based byte column of the offending quote (Go ≥ 1.17)."""
    lines = _go_lines(text)
    records: list[list[str]] = []
    idx = 0
    while idx < len(lines):
        line_no, line = lines[idx]
        idx += 1
        if line in (b"", b"\n"):
            continue  # blank line
        rec_line = line_no
        fields: list[str] = []
        col = 1  # 1-based byte column of line[0] in its physical line
        while True:  # one field per turn ("parseField" upstream)
            if not line.startswith(b'"'):
                comma = line.find(b",")
                raw = line[:comma] if comma >= 0 else line.removesuffix(b"\n")
                quote = raw.find(b'"')
                if quote >= 0:
                    raise _parse_error(rec_line, line_no, col + quote, _ERR_BARE_QUOTE)
                fields.append(raw.decode("utf-8", "replace"))
                if comma < 0:
                    break
                line = line[comma + 1:]
                col += comma + 1
                continue
            # quoted field
            line = line[1:]
            col += 1
            buf = bytearray()
            end_of_record = False
            while True:
                quote = line.find(b'"')
                if quote >= 0:
                    buf += line[:quote]
                    line = line[quote + 1:]
                    col += quote + 1
                    if line.startswith(b'"'):  # "" is a quote
                        buf += b'"'
                        line = line[1:]
                        col += 1
                    elif line.startswith(b","):  # end of field
                        line = line[1:]
                        col += 1
                        break
                    elif line in (b"", b"\n"):  # end of record
                        end_of_record = True
                        break
                    else:  # a quote inside a quoted field
                        raise _parse_error(rec_line, line_no, col - 1, _ERR_QUOTE)
                elif line:  # the field goes on on the next line
                    buf += line
                    col += len(line)
                    if idx < len(lines):
                        line_no, line = lines[idx]
                        idx += 1
                        col = 1
                    else:
                        line = b""
                else:  # end of file inside a quoted field
                    raise _parse_error(rec_line, line_no, col, _ERR_QUOTE)
            fields.append(buf.decode("utf-8", "replace"))
            if end_of_record:
                break
        records.append(fields)
    return records


def _go_lines(text: str) -> list[tuple[int, bytes]]:
    """Physical lines with their ``\\n`` (``\\r\\n`` normalised, a final ``\\r`` dropped)."""
    data = text.encode("utf-8")
    out: list[tuple[int, bytes]] = []
    start = 0
    n = 0
    while start < len(data):
        end = data.find(b"\n", start)
        line = data[start:] if end < 0 else data[start:end + 1]
        start = len(data) if end < 0 else end + 1
        n += 1
        if line.endswith(b"\r\n"):
            line = line[:-2] + b"\n"
        elif end < 0 and line.endswith(b"\r"):
            line = line[:-1]
        out.append((n, line))
    return out
