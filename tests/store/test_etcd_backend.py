"""What only the real-etcd backend has: the gateway error mapping (unit tests on the bodies etcd
3.4 sends, no server needed), and against a real etcd (marked ``etcd``) the transports,
keep-alive reuse, thread safety, endpoint failover, watch streams surviving an etcd restart
without gaps, ``compact_revision`` found by probing, and ``close()`` stopping reader threads.

Behaviour shared with the embedded store is in ``test_conformance.py``.
"""

from __future__ import annotations

import signal
import threading
import time

import pytest
from etcd3gw import exceptions as gw_errors

from k8s_internals.store import (
    CompactedError,
    FutureRevisionError,
    KeyValue,
    LeaseNotFoundError,
    RequestTooLargeError,
    StoreError,
    TooManyOpsError,
    open_store,
)
from k8s_internals.store.etcd import EtcdStore, EtcdUnavailableError, _mapped, _parse_endpoint
from k8s_internals.store.launcher import EtcdCluster, free_port
from k8s_internals.store.types import LeaseExistsError

# -- error mapping (no etcd) ------------------------------------------------------------------


def body(message: str, code: int) -> str:
    return f'{{"error":"{message}","message":"{message}","code":{code}}}'


@pytest.mark.parametrize(
    ("exc", "cls", "text"),
    [
        (
            gw_errors.Etcd3Exception(
                body("etcdserver: mvcc: required revision has been compacted", 11)
            ),
            CompactedError,
            "mvcc: required revision has been compacted",
        ),
        (
            gw_errors.Etcd3Exception(
                body("etcdserver: mvcc: required revision is a future revision", 11)
            ),
            FutureRevisionError,
            "mvcc: required revision is a future revision",
        ),
        (
            gw_errors.Etcd3Exception(body("etcdserver: request is too large", 3)),
            RequestTooLargeError,
            "etcdserver: request is too large",
        ),
        (  # above --max-request-bytes + 512 KiB gRPC refuses it first: HTTP 429, code 8
            gw_errors.Etcd3Exception(
                body("grpc: received message larger than max (2097162 vs. 2097152)", 8)
            ),
            RequestTooLargeError,
            "etcdserver: request is too large",
        ),
        (
            gw_errors.Etcd3Exception(body("etcdserver: requested lease not found", 5)),
            LeaseNotFoundError,
            "etcdserver: requested lease not found",
        ),
        (
            gw_errors.Etcd3Exception(body("etcdserver: too many operations in txn request", 3)),
            TooManyOpsError,
            "etcdserver: too many operations in txn request",
        ),
        (
            gw_errors.Etcd3Exception(body("etcdserver: lease already exists", 9)),
            LeaseExistsError,
            "etcdserver: lease already exists",
        ),
        (
            gw_errors.Etcd3Exception(body("etcdserver: no leader", 14)),
            StoreError,
            "etcdserver: no leader",
        ),
        (  # a 503 from etcd (no quorum) is an etcd error, not a transport failure
            gw_errors.ConnectionFailedError(body("etcdserver: request timed out", 14)),
            StoreError,
            "etcdserver: request timed out",
        ),
        (
            gw_errors.ConnectionFailedError("[Errno 111] Connection refused"),
            EtcdUnavailableError,
            "[Errno 111] Connection refused",
        ),
        (gw_errors.Etcd3Exception("not json"), StoreError, "not json"),
    ],
    ids=[
        "compacted",
        "future",
        "too-large",
        "grpc-too-large",
        "lease-not-found",
        "too-many-ops",
        "lease-exists",
        "other",
        "503",
        "refused",
        "garbage",
    ],
)
def test_error_mapping(exc: gw_errors.Etcd3Exception, cls: type[StoreError], text: str) -> None:
    err = _mapped(exc)
    assert type(err) is cls
    assert str(err) == text


@pytest.mark.parametrize(
    ("endpoint", "parsed"),
    [
        ("127.0.0.1:2379", ("127.0.0.1", 2379)),
        ("http://127.0.0.1:32000", ("127.0.0.1", 32000)),
        ("http://localhost:32000/", ("localhost", 32000)),
        ("[::1]:2379", ("::1", 2379)),
        ("localhost", ("localhost", 2379)),
    ],
)
def test_parse_endpoint(endpoint: str, parsed: tuple[str, int]) -> None:
    assert _parse_endpoint(endpoint) == parsed


def test_https_endpoints_are_refused() -> None:
    with pytest.raises(ValueError, match="http://"):
        EtcdStore(["https://127.0.0.1:2379"])


def test_nothing_listening() -> None:
    s = EtcdStore([f"127.0.0.1:{free_port()}"], timeout=2)
    with pytest.raises(EtcdUnavailableError) as err:
        s.put(b"a", b"1")
    assert isinstance(err.value, ConnectionError)
    s.close()


# -- against a real etcd ----------------------------------------------------------------------


def watch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("etcd-watch-")]


@pytest.mark.etcd
def test_open_store_url_and_status(etcd: EtcdCluster) -> None:
    with open_store(etcd.url) as s:
        assert isinstance(s, EtcdStore)
        assert s.url == etcd.url
        st = s.status()
        assert st["cluster_id"] != 0
        assert st["version"] == "3.4.23" or st["version"].startswith("3.")


@pytest.mark.etcd
@pytest.mark.parametrize("transport", ["http.client", "requests"])
def test_transports_agree(etcd: EtcdCluster, transport: str) -> None:
    with EtcdStore(etcd.endpoints, transport=transport) as s:  # type: ignore[arg-type]
        assert s.put(b"a", b"1").revision == 2
        assert s.put(b"a", b"2", prev_kv=True).prev_kv == KeyValue(b"a", 2, 2, 1, b"1")
        assert s.range(b"", prefix=True).kvs == [KeyValue(b"a", 2, 3, 2, b"2")]
        with pytest.raises(CompactedError):
            s.compact(3)
            s.compact(3)
        lease = s.lease_grant(30)
        assert s.lease_keepalive(lease.id) == 30


@pytest.mark.etcd
def test_keep_alive_reuses_one_connection_per_thread(etcd: EtcdCluster) -> None:
    with EtcdStore(etcd.endpoints) as s:
        for i in range(50):
            s.put(b"k", b"%d" % i)
        assert len(s.client._conns) == 1

        def work() -> None:
            for _ in range(10):
                s.get(b"k")

        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(s.client._conns) <= 4


@pytest.mark.etcd
def test_concurrent_writers_get_distinct_revisions(etcd: EtcdCluster) -> None:
    revisions: list[int] = []
    lock = threading.Lock()
    with EtcdStore(etcd.endpoints) as s:

        def work(n: int) -> None:
            for i in range(40):
                rev = s.put(b"/w/%d/%d" % (n, i), b"v").revision
                with lock:
                    revisions.append(rev)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(revisions) == list(range(2, 162))
        assert s.range(b"/w/", prefix=True, count_only=True).count == 160


@pytest.mark.etcd
def test_failover_to_the_next_endpoint(etcd: EtcdCluster) -> None:
    dead = f"127.0.0.1:{free_port()}"
    with EtcdStore([dead, *etcd.endpoints]) as s:
        assert s.put(b"a", b"1").revision == 2
        with s.watch(b"a") as w:
            s.put(b"a", b"2")
            assert [e.kv.value for e in w.events_until(3)] == [b"2"]


@pytest.mark.etcd
def test_compact_revision_is_found_by_a_fresh_client(etcd: EtcdCluster) -> None:
    with EtcdStore(etcd.endpoints) as s:
        for i in range(99):
            s.put(b"a", b"%d" % i)  # revisions 2..100
        s.compact(37)
    with EtcdStore(etcd.endpoints) as fresh:
        assert fresh.compact_revision == 37
        assert fresh.revision == 100


@pytest.mark.etcd
def test_close_stops_watch_threads(etcd: EtcdCluster) -> None:
    before = len(watch_threads())
    s = EtcdStore(etcd.endpoints)
    watches = [s.watch(b"/k%d" % i, prefix=True) for i in range(5)]
    assert len(watch_threads()) == before + 5
    s.close()
    deadline = time.monotonic() + 5
    while len(watch_threads()) > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(watch_threads()) == before
    assert all(w.canceled for w in watches)
    s.close()  # idempotent


@pytest.mark.etcd
def test_watch_cancel_from_its_own_callback(etcd: EtcdCluster) -> None:
    with EtcdStore(etcd.endpoints) as s:
        seen: list[int] = []
        holder: dict[str, object] = {}

        def callback(resp: object) -> None:
            seen.append(1)
            holder["w"].cancel()  # type: ignore[attr-defined]

        holder["w"] = s.watch(b"a", callback=callback)
        s.put(b"a", b"1")
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        s.put(b"a", b"2")
        time.sleep(0.2)
        assert seen == [1]


@pytest.mark.etcd
def test_failing_callback_does_not_kill_the_stream(etcd: EtcdCluster) -> None:
    with EtcdStore(etcd.endpoints) as s:
        got: list[int] = []

        def callback(resp: object) -> None:
            got.extend(e.kv.mod_revision for e in resp.events)  # type: ignore[attr-defined]
            if len(got) == 1:
                raise RuntimeError("learner bug")

        w = s.watch(b"a", callback=callback)
        s.put(b"a", b"1")
        s.put(b"a", b"2")
        deadline = time.monotonic() + 5
        while len(got) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        w.cancel()
        assert got == [2, 3]


@pytest.mark.etcd
def test_watch_survives_an_etcd_restart_without_gaps() -> None:
    with EtcdCluster(1) as cluster, EtcdStore(cluster.endpoints, timeout=20) as s:
        w = s.watch(b"/k/", prefix=True)
        for i in range(5):
            s.put(b"/k/%d" % i, b"before")  # 2..6
        assert [e.kv.mod_revision for e in w.events_until(6)] == [2, 3, 4, 5, 6]
        member = cluster.members[0]
        member.kill(signal.SIGKILL)
        cluster.restart_member(member)
        # the unary connection is stale: the next call reconnects on its own
        for i in range(5):
            s.put(b"/k/%d" % i, b"after")  # 7..11
        got = w.events_until(11, timeout=20)
        assert [e.kv.mod_revision for e in got] == [7, 8, 9, 10, 11]
        assert all(e.kv.value == b"after" for e in got)
        assert not w.canceled
        w.cancel()


@pytest.mark.etcd
def test_watch_stream_lost_is_reported() -> None:
    cluster = EtcdCluster(1).start()
    try:
        s = EtcdStore(cluster.endpoints, timeout=1)
        w = s.watch(b"a")
        cluster.members[0].kill(signal.SIGKILL)
        resp = w.get(timeout=10)
        assert resp is not None and resp.canceled and resp.compact_revision == 0
        assert resp.cancel_reason.startswith("etcd watch stream lost")
        s.close()
    finally:
        cluster.stop()
