"""``k8s_internals.store.etcdctl`` against the real etcdctl 3.4.

Each scenario is a list of etcdctl command lines. It runs three times, and every step's stdout,
stderr ``Error:`` lines and exit code must be byte-identical:

(a) the real ``etcdctl`` (subprocess, ``--endpoints 127.0.0.1:PORT``) on a fresh real etcd;
(b) :func:`run` on an :class:`EtcdStore` on a fresh etcd with the *same* ports, so it has the
    same member and cluster ids and reaches the same revisions and raft indexes;
(c) :func:`run` on a :class:`MemoryStore` given those ids.

A watch is run by the real etcdctl with a timeout (it never ends by itself) and compared with
what was printed by then. Lease ids and remaining TTLs depend on the clock: the lease scenario
compares them after putting placeholders in.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pytest

from k8s_internals.sim import Kernel
from k8s_internals.store import Store, etcdctl, open_store
from k8s_internals.store.etcdctl import (
    EtcdctlError,
    _display_width,
    _go_duration,
    _go_json,
    _go_quote,
    _parse_flags,
    _parse_int,
    humanize_bytes,
    render_table,
    run,
    run_bytes,
)
from k8s_internals.store.launcher import EtcdCluster
from k8s_internals.store.memory import MemoryStore

WATCH_TIMEOUT = 1.0  # seconds the real etcdctl watch runs (etcd syncs watchers every 100 ms)


@dataclass(frozen=True)
class Step:
    command: str
    stdin: str | None = None
    pause: float = 0.0  # seconds to wait after the step (on every side)


@dataclass(frozen=True)
class Result:
    stdout: bytes
    stderr: str  # without clientv3's JSON log lines
    code: int

    def show(self) -> str:
        return f"exit {self.code}\nstdout: {self.stdout!r}\nstderr: {self.stderr!r}"


def _real(endpoint: str, step: Step) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ETCDCTL_")}
    env["ETCDCTL_API"] = "3"
    argv = ["etcdctl", "--endpoints", endpoint, *shlex.split(step.command)]
    data = step.stdin.encode("utf-8", "surrogateescape") if step.stdin is not None else b""
    watching = argv[3] == "watch" if len(argv) > 3 else False
    try:
        p = subprocess.run(
            argv,
            input=data,
            capture_output=True,
            env=env,
            timeout=WATCH_TIMEOUT if watching else 30,
        )
        out, err, code = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:  # a watch: what it printed so far
        out, err, code = e.stdout or b"", e.stderr or b"", 0
    lines = err.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    stderr = "".join(x for x in lines if not x.startswith('{"level":'))
    # cobra's usage text (stdout after a flag error; stderr for a bad txn line): not reproduced
    stderr = re.sub(r"\AUsage:\n.*?\n\n(?=Error: )", "", stderr, flags=re.S)
    if out.startswith(b"NAME:\n"):
        out = b""  # cobra's usage text after a flag error: not reproduced by run()
    return Result(out, stderr, code)


def _ours(store: Store, endpoint: str, step: Step) -> Result:
    command = f"etcdctl --endpoints {endpoint} {step.command}"
    try:
        return Result(run_bytes(store, command, stdin=step.stdin), "", 0)
    except EtcdctlError as e:
        return Result(e.stdout.encode("utf-8", "surrogateescape"), e.stderr, e.exit_code)


def _run_all(
    scenario: Sequence[Step], leases: bool = False
) -> tuple[list[Result], list[Result], list[Result]]:
    """Run ``scenario`` on (a) the real etcdctl, (b) ``run()`` on EtcdStore, (c) ``run()`` on
    MemoryStore. With ``leases``, ``LEASE0`` in a command is the lease the first step granted
    on that side, and results are :func:`_normalized`."""

    def each(do: Callable[[Step], Result]) -> list[Result]:
        lease, results = "", []
        for s in scenario:
            result = do(Step(s.command.replace("LEASE0", lease), s.stdin))
            time.sleep(s.pause)
            if leases and not lease:
                lease = result.stdout.split()[1].decode()  # "lease 694d7a... granted ..."
            results.append(result)
        return _normalized(results) if leases else results

    with EtcdCluster(1) as cluster:
        ep = cluster.endpoints[0]
        real = each(lambda s: _real(ep, s))
        probe = open_store(cluster.url)
        try:
            status = probe.status()
        finally:
            probe.close()
        cluster.stop()  # a fresh etcd on the same ports: same member and cluster ids
        cluster.start()
        store = open_store(cluster.url)
        try:
            on_etcd = each(lambda s: _ours(store, ep, s))
        finally:
            store.close()
    mem = MemoryStore(
        kernel=Kernel(seed=0), cluster_id=status["cluster_id"], member_id=status["member_id"]
    )
    try:
        on_memory = each(lambda s: _ours(mem, ep, s))
    finally:
        mem.close()
    return real, on_etcd, on_memory


def _diff(scenario: Sequence[Step], real: list[Result], ours: list[Result], name: str) -> str:
    """Every step whose result differs from the real etcdctl's, shown side by side."""
    return "\n\n".join(
        f"step {i}: {s.command!r} on {name}\n--- real etcdctl\n{real[i].show()}\n"
        f"--- run()\n{ours[i].show()}"
        for i, s in enumerate(scenario)
        if ours[i] != real[i]
    )


def _compare(scenario: Sequence[Step], leases: bool = False) -> None:
    real, on_etcd, on_memory = _run_all(scenario, leases)
    problems = [_diff(scenario, real, on_etcd, "EtcdStore"),
                _diff(scenario, real, on_memory, "MemoryStore")]  # fmt: skip
    assert not any(problems), "\n\n".join(p for p in problems if p)


_LEASE = re.compile(rb'\b([0-9a-f]{16})\b|"(?:ID|id|lease)" ?: ?(\d{15,})')


def _normalized(results: list[Result]) -> list[Result]:
    """Lease ids (hex, or decimal in JSON and fields output) → L0, L1, ... in order of first
    appearance; remaining TTLs (etcd's clock has run a little, virtual time has not) → TTL."""
    names: dict[int, bytes] = {}

    def name(m: re.Match[bytes]) -> bytes:
        lease = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        label = names.setdefault(lease, b"L%d" % len(names))
        if m.group(1):
            return label
        return m.group(0)[: -len(m.group(2))] + label

    out = []
    for r in results:
        text = _LEASE.sub(name, r.stdout)
        text = re.sub(rb"remaining\(\d+s\)", b"remaining(TTL)", text)
        text = re.sub(rb'"ttl":\d+,"granted-ttl"', b'"ttl":TTL,"granted-ttl"', text)
        text = re.sub(rb'"TTL" : \d+\n"GrantedTTL"', b'"TTL" : TTL\n"GrantedTTL"', text)
        out.append(Result(text, r.stderr, r.code))
    return out


def steps(*commands: str | tuple[str, str]) -> list[Step]:
    return [Step(c) if isinstance(c, str) else Step(*c) for c in commands]


# -- scenarios --------------------------------------------------------------------------------

KV = steps(
    "put foo bar",
    'put "a b" ""',
    "put ключ значение",
    "put 'tab\tkey' 'line1\nline2'",
    'put /registry/pods/default/web \'{"kind":"Pod","a":"<&>"}\'',
    "put /registry/pods/default/db v1",
    "put /registry/pods/kube-system/dns v1",
    "put bin\x01\udcff \udcfe\x02",
    "get foo",
    'get ""',
    'get "" --prefix',
    "get --from-key a",
    "get foo -w json",
    'get "" --prefix -w json',
    'get "" --prefix -w fields',
    "get /registry --prefix --keys-only",
    "get /registry --prefix --keys-only -w json",
    "get /registry --prefix --print-value-only",
    "get /registry --prefix --limit 2",
    "get /registry --prefix --limit=2 -w json",
    "get /registry --prefix --limit 2 -w fields",
    "get /registry --prefix --hex",
    "get /registry/pods/default /registry/pods/kube-system",
    "get a z",
    "get /registry --prefix --sort-by=MODIFY --order=DESCEND",
    "get /registry --prefix --sort-by=key --order=descend --limit 1 -w json",
    "get nothing",
    "get nothing -w json",
    "get nothing -w fields",
    "get /registry --prefix --consistency=s --keys-only",
    "put foo baz --prev-kv",
    "put foo qux --prev-kv -w json",
    "put foo quux --prev-kv -w fields",
    "put newkey v -w json",
    "get foo --rev 2",
    "get foo --rev 2 -w json",
    "get foo --rev 0x3",
    "del foo --prev-kv",
    "del nothing",
    "del nothing -w json",
    "del /registry/pods/default --prefix --prev-kv -w json",
    "put k1 v1",
    "put k2 v2",
    "del k1 k3 -w fields",
    "del --from-key zzz --prev-kv",
    'del "" --prefix',
    "get --from-key ''",
)

ERRORS = steps(
    "put a 1",
    "put a 2",
    "put a 3",
    "get",
    "put",
    "put onlykey",
    "del",
    "get a --prefix --from-key",
    "get a z --prefix",
    "get a --order=sideways",
    "get a --sort-by=size",
    "get a --consistency=x",
    "get a -w yaml",
    "get a -w table",
    "put a 4 -w table",
    "get a --print-value-only -w json",
    "get a --rev abc",
    "get a --limit",
    "get a --bogus",
    "get a -x",
    "frobnicate",
    "put nokey --ignore-value",
    "put a --ignore-value",
    "put a v --ignore-value",
    "put a v --ignore-lease --lease=1",
    "put a 4 --ignore-lease -w json",
    "put a 5 --lease=zz",
    "put a 5 --lease=1234",
    "get a --rev 100",
    "get a --rev -1",
    "get a --limit -1",
    "get a --limit -1 -w json",
    "compaction -1",
    "get a --keys-only=maybe",
    "get a -w",
    "--hex get a",
    "-w json get a",
    "--dial-timeout 3s --command-timeout=9s --insecure-transport=true --debug=false get a",
    "compaction",
    "compaction abc",
    "compaction 99999999999999999999",
    "compaction 100",
    "compaction 3",
    "get a --rev 2",
    "get a --rev 2 -w json",
    "get a --rev 3",
    "compaction 3",
    "compaction 2",
    "compaction 4 -w json",
    "get a -w fields",
    "lease grant",
    "lease grant abc",
    "lease revoke zz",
    "lease revoke 1234",
    "lease timetolive",
    "lease keep-alive --once 1234",
    "lease keep-alive 1234",
    "watch",
    "watch a b --prefix",
    "version",
)

WATCH = steps(
    "put w1 a",
    "put w2 b",
    "del w1",
    "put w2 c",
    "put x1 other",
    "txn",  # EOF: nothing written
    "put w3 'with space'",
    "watch w --prefix --rev 2",
    "watch w --prefix --rev 2 --prev-kv",
    "watch w --prefix --rev 2 -w json",
    "watch w --prefix --rev 3 --prev-kv -w json",
    "watch w --prefix --rev 2 -w fields",
    "watch w2 --rev 1",
    "watch w1 w3 --rev 1 --hex",
    "watch w --prefix --rev 7",
    "watch w --prefix --rev 50",
    "watch nothing --rev 1",
    "watch w --prefix",
    "compaction 4",
    "watch w --prefix --rev 3",
    "watch w --prefix --rev 3 -w json",
    "watch w --prefix --rev 3 -w fields",
    "watch w --prefix --rev 5 --prev-kv",
)

TXN = [
    Step("put w2 old"),
    Step("txn", 'mod("w2") > "0"\n\nput w2 "new val"\nget w2\ndel nothing\n\nput w2 fail\n\n'),
    Step(
        "txn",
        'value("w2") = "nope"\nversion("w2") = "1"\n\nput w2 x\n\n'
        'put w3 "cre\\tated"\ndel w2 --prev-kv\nget w --prefix --keys-only\n\n',
    ),
    Step("txn -w json", 'mod("w3") > "0"\n\nput w3 again\nget w3\n\n\n'),
    Step("txn -w fields", 'mod("w3") > "0"\n\nput w3 "v3" --prev-kv\nget w3\ndel zz\n\n\n'),
    Step("txn -w json", "\n\n\n"),
    Step("txn", "\n\n\n"),
    Step("txn", 'c("w3") = "3"\nm("w3") != "1"\n\nget w3 -w json\n\n\n'),
    Step("txn -i", 'val("w3") = "v3"\n\nput q "x"\n\n\n'),
    Step("txn", "\nput 'k 2' v2\n\n\n"),
    Step("txn", 'mod("nokey") = "0"\n\nput "q\\"k" \'single v\'\n\n\n'),
    Step("get --prefix q"),
    Step("txn", 'mod("w2") > "0"\n\nput w2 "unterminated"\n\nput w2 fail\n'),
    Step("txn", "bogus\n\n\n"),
    Step("txn", 'ver("w2") > "abc"\n\n\n'),
    Step("txn", "\nput k1\n\n\n"),
    Step("txn", "\nfoo k1\n\n\n"),
    Step("txn", 'mod("w2") > "0"'),
    Step("txn extra"),
    Step("txn", '\nput "" v\n\n\n'),
    Step("put piped", "value from stdin\n"),
    Step("get piped -w json"),
]

STATUS = steps(
    "endpoint status",
    "endpoint status -w table",
    "endpoint status -w fields",
    "put a 1",
    "put b 2",
    "endpoint status",
    "compaction 2",
    "endpoint status -w table",
    "endpoint status --cluster",
    "endpoint status -w json",
)

LEASES = steps(
    "lease grant 600",
    "lease grant 600 -w json",
    "lease grant 600 -w fields",
    "put lk lv --lease=LEASE0",
    "get lk -w json",
    "lease timetolive LEASE0",
    "lease timetolive LEASE0 --keys",
    "lease timetolive LEASE0 --keys -w json",
    "lease timetolive LEASE0 --keys -w fields",
    "put lk2 lv2 --lease=LEASE0",  # etcd lists 2+ attached keys in Go map order: not compared
    "lease timetolive LEASE0 -w fields",
    "lease timetolive 1234",
    "lease timetolive 1234 -w json",
    "lease keep-alive --once LEASE0",
    "lease keep-alive --once LEASE0 -w json",
    "lease revoke LEASE0",
    'get "" --prefix',
    "lease revoke LEASE0",
    "lease timetolive LEASE0",
)


@pytest.mark.etcd
@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(KV, id="kv"),
        pytest.param(ERRORS, id="errors"),
        pytest.param(WATCH, id="watch"),
        pytest.param(TXN, id="txn"),
    ],
)
def test_same_bytes_as_real_etcdctl(scenario: list[Step]) -> None:
    _compare(scenario)


@pytest.mark.etcd
def test_leases_same_as_real_etcdctl() -> None:
    """Lease ids differ between runs (etcd derives them from its clock): ``LEASE0`` is each
    side's first lease, ids are compared as placeholders, remaining TTLs are not compared."""
    _compare(LEASES, leases=True)


# -- known divergences of the backends (xfail until the backend is fixed) ----------------------


_RAFT_INDEX = [
    re.compile(rb"^(?:[^,]*, ){7}(\d+), (\d+), "),  # simple
    re.compile(rb"^(?:\|[^|]*){7}\| +(\d+) \| +(\d+) \|", re.M),  # table
    re.compile(rb'"RaftIndex" : (\d+)\n.*\n"RaftAppliedIndex" : (\d+)'),  # fields
    re.compile(rb'"raftIndex":(\d+),.*"raftAppliedIndex":(\d+)'),  # json
]


def _relative_raft_index(results: list[Result]) -> list[Result]:
    """Raft indexes relative to the first ``endpoint status`` row, db sizes masked: a fresh
    etcd 3.4.23 starts at raft index 5 or 6, with a 20 or 25 kB file (measured: it varies from
    one start to the next), so only the raft index steps and the layout are compared."""
    base = int(results[0].stdout.split(b", ")[7])
    out = []
    for r in results:
        text = r.stdout
        for pattern in _RAFT_INDEX:
            m = pattern.search(text)
            if m:
                for g in (2, 1):
                    rel = b"B+%d" % (int(m.group(g)) - base)
                    text = text[: m.start(g)] + rel.rjust(len(m.group(g))) + text[m.end(g) :]
                break
        text = re.sub(rb"\b\d+(?:\.\d)? (?:B|kB|MB|GB)\b", lambda m: b"SIZE".rjust(len(m[0])), text)
        text = re.sub(rb'("dbSize":|"DBSize" : |"dbSizeInUse":)\d+', rb"\1SIZE", text)
        out.append(Result(text, r.stderr, r.code))
    return out


@pytest.mark.etcd
def test_endpoint_status() -> None:
    """run() prints what the backend's ``status()`` reports, on both backends, byte for byte
    once the raft index base and the db sizes (which vary between etcd starts) are masked."""
    real, on_etcd, on_memory = (_relative_raft_index(x) for x in _run_all(STATUS))
    assert not _diff(STATUS, real, on_etcd, "EtcdStore")
    assert not _diff(STATUS, real, on_memory, "MemoryStore")


@pytest.mark.etcd
def test_watch_from_the_compacted_revision() -> None:
    """A compaction at ``N`` returns before etcd has removed the old revisions from its backend
    (without ``--physical``); once it has, a DELETE at ``N`` is gone too (etcd 3.4's
    ``keyIndex.compact`` keeps no tombstone at or below ``N``), so a watch from ``N`` does not
    replay it. MemoryStore compacts synchronously, with the same result."""
    scenario = [
        *steps("put w1 a", "put w2 b", "del w1", "put w2 c"),
        Step("compaction 4", pause=0.5),  # let etcd finish the physical compaction
        *steps("watch w --prefix --rev 4", "watch w --prefix --rev 4 --prev-kv -w json"),
    ]
    real, on_etcd, on_memory = _run_all(scenario)
    assert not _diff(scenario, real, on_etcd, "EtcdStore")
    assert not _diff(scenario, real, on_memory, "MemoryStore")


# -- unit tests (no etcd) ---------------------------------------------------------------------


@pytest.fixture
def mem() -> Iterator[MemoryStore]:
    s = MemoryStore(kernel=Kernel(seed=0))
    yield s
    s.close()


def test_store_package_front(mem: MemoryStore) -> None:
    assert etcdctl(mem, "put a 1") == "OK\n"
    assert etcdctl(mem, "etcdctl get a") == "a\n1\n"
    assert run(mem, "ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:2379 get a -w simple") == "a\n1\n"
    assert run(mem, ["get", "a", "--print-value-only"]) == "1\n"


def test_binary_values_round_trip(mem: MemoryStore) -> None:
    run(mem, "put k \udcff\x01")
    out = run(mem, "get k")
    assert out.encode("utf-8", "surrogateescape") == b"k\n\xff\x01\n"
    assert run_bytes(mem, "get k --print-value-only") == b"\xff\x01\n"
    assert run(mem, "get k --hex") == "\\x6b\n\\xff\\x01\n"
    assert '"Value" : "\\xff\\x01"' in run(mem, "get k -w fields")


def test_error_carries_the_line_and_code(mem: MemoryStore) -> None:
    for i in range(3):
        run(mem, f"put a {i}")
    run(mem, "compaction 3")
    with pytest.raises(EtcdctlError) as e:
        run(mem, "get a --rev 2")
    assert str(e.value) == "Error: etcdserver: mvcc: required revision has been compacted"
    assert e.value.exit_code == 1
    with pytest.raises(EtcdctlError) as e:
        run(mem, "watch a --rev 1 -w json")
    assert e.value.exit_code == 5
    assert e.value.stderr.startswith("watch was canceled (etcdserver: mvcc: required revision")
    assert '"CompactRevision":3,"Canceled":true' in e.value.stdout
    with pytest.raises(EtcdctlError) as e:
        run(mem, "get")
    assert e.value.exit_code == 128


def test_count_only_as_etcdctl_3_5(mem: MemoryStore) -> None:
    for k in ("a", "b", "c"):
        run(mem, f"put /p/{k} v")
    out = run(mem, "get /p --prefix --count-only -w fields")
    assert out.endswith('"More" : false\n"Count" : 3\n') and '"Key"' not in out
    with pytest.raises(EtcdctlError, match="--count-only is only for `--write-out=fields`"):
        run(mem, "get /p --prefix --count-only")


NOT_OFFERED = [
    "lease list",
    "member list",
    "snapshot save x",
    "endpoint hashkv",
    "get a -w protobuf",
    "watch -i",
    "watch a -- echo hi",
]


@pytest.mark.parametrize("command", NOT_OFFERED)
def test_not_offered(mem: MemoryStore, command: str) -> None:
    with pytest.raises(EtcdctlError, match="not supported by this simulator") as e:
        run(mem, command)
    assert e.value.exit_code == 4


def test_unknown_commands(mem: MemoryStore) -> None:
    with pytest.raises(EtcdctlError) as e:
        run(mem, "frobnicate")
    assert e.value.stderr == (
        'Error: unknown command "frobnicate" for "etcdctl"\nRun \'etcdctl --help\' for usage.\n'
        'Error: unknown command "frobnicate" for "etcdctl"\n'
    )
    with pytest.raises(EtcdctlError, match='unknown command "nope" for "etcdctl lease"'):
        run(mem, "lease nope")
    with pytest.raises(EtcdctlError, match="needs a sub-command"):
        run(mem, "endpoint")


def test_watch_extensions(mem: MemoryStore) -> None:
    for i in range(5):
        run(mem, f"put k{i} v{i}")
    assert run(mem, "watch k --prefix --rev 2 --limit-events 2") == "PUT\nk0\nv0\nPUT\nk1\nv1\n"
    assert run(mem, "watch k --prefix") == ""  # from now: nothing yet
    assert run(mem, "watch k --prefix --wait 10ms") == ""
    with pytest.raises(EtcdctlError, match="invalid --wait"):
        run(mem, "watch k --wait soon")


def test_json_watch_batches_history_per_1000_revisions(mem: MemoryStore) -> None:
    for i in range(1002):
        mem.put(b"k", str(i).encode())
    lines = run(mem, "watch k --rev 2 -w json").splitlines()
    assert len(lines) == 2
    assert lines[0].count('"kv"') == 1000 and lines[1].count('"kv"') == 2
    assert '"revision":1003' in lines[0] and '"revision":1003' in lines[1]


def test_lease_timetolive_granted_ttl(mem: MemoryStore) -> None:
    out = run(mem, "lease grant 90")
    lease_id = out.split()[1]
    mem.put(b"x", b"1", lease=int(lease_id, 16))
    assert run(mem, f"lease timetolive {lease_id} --keys") == (
        f"lease {lease_id} granted with TTL(90s), remaining(90s), attached keys([x])\n"
    )
    assert run(mem, f"lease revoke {lease_id}") == f"lease {lease_id} revoked\n"
    assert run(mem, f"lease timetolive {lease_id}") == f"lease {lease_id} already expired\n"


def test_go_quote() -> None:
    assert _go_quote(b"plain") == '"plain"'
    assert _go_quote(b'a"b\\c\n\t\x07\x7f') == '"a\\"b\\\\c\\n\\t\\a\\x7f"'
    assert _go_quote("ключ é 日本".encode()) == '"ключ é 日本"'
    assert _go_quote(b"\xff\xe2\x82") == '"\\xff\\xe2\\x82"'
    assert _go_quote("\u00a0\u200b\U000e0001".encode()) == '"\\u00a0\\u200b\\U000e0001"'
    assert _go_quote("\ufffd".encode()) == '"\ufffd"'


def test_go_json() -> None:
    assert _go_json({"a": [1, True, None], "b": "<&>\u2028\x01é"}) == (
        '{"a":[1,true,null],"b":"\\u003c\\u0026\\u003e\\u2028\\u0001é"}'
    )
    assert _go_json({"n": 15043637741182570252}) == '{"n":15043637741182570252}'


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (9, "9 B"),
        (10, "10 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (16384, "16 kB"),
        (20480, "20 kB"),
        (24576, "25 kB"),
        (99_949, "100 kB"),
        (1_000_000, "1.0 MB"),
        (2_146_304, "2.1 MB"),
        (82_854_982, "83 MB"),
        (1_000_000_000, "1.0 GB"),
    ],
)
def test_humanize_bytes(n: int, text: str) -> None:
    """go-humanize's ``TestBytes`` cases."""
    assert humanize_bytes(n) == text


def test_go_duration() -> None:
    assert _go_duration(0.001295634) == "1.295634ms"
    assert _go_duration(0.0000005) == "500ns"
    assert _go_duration(0.0000123) == "12.3µs"
    assert _go_duration(2.5) == "2.5s"
    assert _go_duration(90) == "1m30s"


def test_table_matches_tablewriter() -> None:
    """The layout etcdctl 3.4.23 printed for ``endpoint status -w table``."""
    header = ["endpoint", "ID", "version", "db size", "is leader", "is learner", "raft term",
              "raft index", "raft applied index", "errors"]  # fmt: skip
    row = ["127.0.0.1:39487", "e2ceb2fff9acb4e5", "3.4.23", "20 kB", "true", "false", "2", "9",
           "9", ""]  # fmt: skip
    border = (
        "+-----------------+------------------+---------+---------+-----------+------------+"
        "-----------+------------+--------------------+--------+\n"
    )
    assert render_table(header, [row]) == (
        border
        + "|    ENDPOINT     |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER |"
        " RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |\n"
        + border
        + "| 127.0.0.1:39487 | e2ceb2fff9acb4e5 |  3.4.23 |   20 kB |      true |      false |"
        "         2 |          9 |                  9 |        |\n" + border
    )
    assert _display_width("日本") == 4


def test_flags_parse_like_pflag() -> None:
    from k8s_internals.store.etcdctl import _COMMAND_FLAGS, _GLOBAL

    flags = {**_GLOBAL, **_COMMAND_FLAGS["get"]}
    v, args = _parse_flags(["a", "--rev=5", "-wjson", "--prefix", "--", "--limit"], flags)
    assert (v["rev"], v["write-out"], v["prefix"], args) == (5, "json", True, ["a", "--limit"])
    v, _ = _parse_flags(["--limit", "0x10", "--keys-only=false", "-w=fields"], flags)
    assert (v["limit"], v["keys-only"], v["write-out"]) == (16, False, "fields")
    with pytest.raises(EtcdctlError, match='invalid argument "x" for "--prefix" flag'):
        _parse_flags(["--prefix=x"], flags)
    assert _parse_int("010", 0) == 8
    with pytest.raises(ValueError, match="value out of range"):
        _parse_int("9223372036854775808")
