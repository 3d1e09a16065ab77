"""--token-auth-file: CSV parsing and errors as tokenfile.go + Go's encoding/csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8s_internals.api.authn.token_file import (
    TokenEntry,
    TokenFileAuthenticator,
    TokenFileError,
    parse_go_csv,
)
from k8s_internals.api.user import UserInfo

CSV = """\
31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"dev,ops"
2b3c7d1e,bob,1002
admin-token,admin,admin,system:masters
"""


def test_lookup() -> None:
    auth = TokenFileAuthenticator.from_csv(CSV)
    result = auth.authenticate_token("31ada4fd-adec-460c-809a-9e56ceb75269")
    assert result is not None
    assert result.user == UserInfo("alice", "1001", ("dev", "ops"))
    assert result.authenticator == "tokenfile"
    assert auth.tokens["2b3c7d1e"] == UserInfo("bob", "1002")
    assert auth.tokens["admin-token"].groups == ("system:masters",)
    assert auth.warnings == []


def test_unknown_token_is_not_mine() -> None:
    auth = TokenFileAuthenticator.from_csv(CSV)
    assert auth.authenticate_token("nope") is None
    assert auth.authenticate_token("31ada4fd") is None  # exact match only
    assert auth.authenticate_token("") is None


def test_fewer_than_three_columns() -> None:
    with pytest.raises(TokenFileError) as exc:
        TokenFileAuthenticator.from_csv("tok,alice,1\ntok2,bob\n", "/etc/k8s/tokens.csv")
    assert str(exc.value) == ("token file '/etc/k8s/tokens.csv' must have at least 3 columns "
                              "(token, user name, user uid), found 2")


def test_empty_token_is_skipped_with_a_warning() -> None:
    auth = TokenFileAuthenticator.from_csv(",alice,1\ntok,bob,2\n", "tokens.csv")
    assert list(auth.tokens) == ["tok"]
    assert auth.warnings == [
        "empty token has been found in token file 'tokens.csv', record number '1'"]


def test_duplicate_token_warns_and_the_later_record_wins() -> None:
    auth = TokenFileAuthenticator.from_csv("tok,alice,1\ntok,bob,2\n", "tokens.csv")
    assert auth.tokens["tok"] == UserInfo("bob", "2")
    assert auth.warnings == [
        "duplicate token has been found in token file 'tokens.csv', record number '2'"]


def test_group_column_quirks() -> None:
    auth = TokenFileAuthenticator.from_csv('a,alice,1,\nb,bob,2,"x,y",ignored\n')
    assert auth.tokens["a"].groups == ("",)  # strings.Split("", ",") is [""]
    assert auth.tokens["b"].groups == ("x", "y")


def test_csv_syntax() -> None:
    text = 'a,"multi\nline",u\r\n\n\n"q""uoted",b,c'
    assert parse_go_csv(text) == [["a", "multi\nline", "u"], ['q"uoted', "b", "c"]]
    assert parse_go_csv("a,b,c,") == [["a", "b", "c", ""]]
    assert parse_go_csv(" a,b") == [[" a", "b"]]  # white space is part of a field
    assert parse_go_csv("field1,field2\r") == [["field1", "field2"]]
    assert parse_go_csv("") == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a""b,c', 'parse error on line 1, column 2: bare " in non-quoted-field'),
        ('tok,alice,1\ntok2,b"ob,2', 'parse error on line 2, column 7: bare " in non-quoted-field'),
        ('"a "word","b"', 'parse error on line 1, column 4: extraneous or missing " in '
                          'quoted-field'),
        ('"foo"bar"\r\n', 'parse error on line 1, column 5: extraneous or missing " in '
                          'quoted-field'),
        ('a,"b\nc"d,e', 'record on line 1; parse error on line 2, column 2: extraneous or '
                        'missing " in quoted-field'),
        ('"""""""', 'parse error on line 1, column 8: extraneous or missing " in quoted-field'),
    ],
)
def test_csv_errors(text: str, message: str) -> None:
    with pytest.raises(TokenFileError) as exc:
        TokenFileAuthenticator.from_csv(text)
    assert str(exc.value) == message


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    path.write_text(CSV)
    assert TokenFileAuthenticator.from_file(path).tokens["2b3c7d1e"].name == "bob"
    with pytest.raises(TokenFileError, match=r"^open .*/missing\.csv: no such file or directory$"):
        TokenFileAuthenticator.from_file(tmp_path / "missing.csv")


def test_from_entries() -> None:
    auth = TokenFileAuthenticator.from_entries([
        TokenEntry("t1", "alice", "1", ("dev",)),
        ("t2", "bob"),
        ("t3", "carol", "3", "g1", "g2"),
    ])
    assert auth.tokens == {
        "t1": UserInfo("alice", "1", ("dev",)),
        "t2": UserInfo("bob"),
        "t3": UserInfo("carol", "3", ("g1", "g2")),
    }
