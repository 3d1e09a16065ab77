"""The HTTPS front with a raw client: what each kind of request is answered, byte for byte
where upstream's text is known."""

from __future__ import annotations

import json
import time

import pytest

from k8s_internals.api.http import VERSION_INFO
from k8s_internals.api.http.protobuf import MAGIC
from k8s_internals.api.http.server import MAX_REQUEST_BODY_BYTES
from k8s_internals.api.http.tls import client_ssl_context

from .conftest import Served, call

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


def cm(name: str, **labels: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", "labels": labels},
            "data": {"k": "v"}}


@pytest.fixture(scope="module")
def objects(served: Served) -> list[str]:
    names = [f"srv-{i}" for i in range(5)]
    for i, n in enumerate(names):
        code, _ = served.json("POST", "/api/v1/namespaces/default/configmaps",
                              body=cm(n, tier="a" if i % 2 else "b"))
        assert code == 201
    return names


# -- public info, authentication, authorization -----------------------------------------------


def test_version_and_health_are_public(served: Served) -> None:
    code, version = served.json("GET", "/version", token=None)
    assert code == 200 and version == VERSION_INFO and version["minor"] == "32"
    for endpoint in ("healthz", "livez", "readyz"):
        code, headers, body = served.request("GET", f"/{endpoint}", token=None)
        assert (code, body) == (200, b"ok")
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
    code, _, body = served.request("GET", "/readyz?verbose", token=None)
    lines = body.decode().splitlines()
    assert lines[0] == "[+]ping ok" and "[+]etcd ok" in lines and "[+]shutdown ok" in lines
    assert lines[-1] == "readyz check passed"
    code, _, body = served.request("GET", "/livez?verbose&exclude=etcd&exclude=nope")
    text = body.decode()
    assert "[+]etcd excluded: ok" in text
    assert 'warn: some health checks cannot be excluded: no matches for "nope"' in text
    assert served.request("GET", "/healthz/etcd")[2] == b"ok"
    assert served.request("GET", "/healthz/etcd", token=None)[0] == 401  # not public-info


def test_anonymous_elsewhere_is_401_and_a_bad_token_too(served: Served) -> None:
    unauthorized = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": "Unauthorized", "reason": "Unauthorized", "code": 401}
    for path in ("/api", "/api/v1/namespaces/default/pods", "/apis"):
        assert served.json("GET", path, token=None) == (401, unauthorized)
    assert served.json("GET", "/api/v1/pods", token="not-a-token") == (401, unauthorized)


def test_the_viewer_reads_but_cannot_write(served: Served) -> None:
    assert served.json("GET", "/api/v1/namespaces/default/configmaps", token="viewer")[0] == 200
    code, status = served.json("POST", "/api/v1/namespaces/default/configmaps", token="viewer",
                               body=cm("nope"))
    assert code == 403
    assert status["message"] == ('configmaps is forbidden: User "viewer" cannot create '
                                 'resource "configmaps" in API group "" in the namespace '
                                 '"default"')
    assert status["details"] == {"kind": "configmaps"}
    code, status = served.json("GET", "/api/v1/namespaces/default/secrets", token="viewer")
    assert code == 403  # `view` does not read secrets


def test_client_certificate_authentication(served: Served) -> None:
    cert = served.ids["admin"].cert
    assert cert is not None
    host, port = served.url.removeprefix("https://").split(":")
    import http.client

    conn = http.client.HTTPSConnection(host, int(port),
                                       context=client_ssl_context(served.ca_pem, cert))
    conn.request("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                 body=json.dumps({"kind": "SelfSubjectAccessReview",
                                  "apiVersion": "authorization.k8s.io/v1",
                                  "spec": {"resourceAttributes": {"verb": "delete",
                                                                  "resource": "nodes"}}}),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 201 and body["status"]["allowed"] is True
    trace = call(served, served.api.tracer.get, resp.headers["Audit-Id"])
    assert trace.user == "kubernetes-admin"
    auth = next(s for s in trace.steps if s.step == "authentication")
    assert auth.plugin == "x509"


# -- resources ------------------------------------------------------------------------------------


def test_get_and_list_as_tables(served: Served, objects: list[str]) -> None:
    code, table = served.json("GET", "/api/v1/namespaces/default/configmaps?limit=500",
                              headers={"Accept": TABLE})
    assert code == 200 and (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Data", "Age"]
    rows = {r["cells"][0]: r for r in table["rows"]}
    assert set(objects) <= set(rows)
    row = rows[objects[0]]
    assert row["cells"][1] == 1 and row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["namespace"] == "default"
    assert table["metadata"]["resourceVersion"]
    code, one = served.json("GET", f"/api/v1/namespaces/default/configmaps/{objects[0]}"
                                   "?includeObject=Object", headers={"Accept": TABLE})
    assert one["rows"][0]["object"]["data"] == {"k": "v"}
    code, partial = served.json("GET", "/api/v1/namespaces/default/configmaps", headers={
        "Accept": "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"})
    assert partial["kind"] == "PartialObjectMetadataList"
    assert {i["metadata"]["name"] for i in partial["items"]} >= set(objects)
    assert served.request("GET", "/api/v1/namespaces/default/configmaps",
                          headers={"Accept": "application/vnd.kubernetes.protobuf"})[0] == 406


def test_selectors_limit_and_continue(served: Served, objects: list[str]) -> None:
    code, out = served.json("GET", "/api/v1/namespaces/default/configmaps?labelSelector=tier%3Da")
    assert sorted(i["metadata"]["name"] for i in out["items"]) == ["srv-1", "srv-3"]
    code, out = served.json("GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Dsrv-2")
    assert [i["metadata"]["name"] for i in out["items"]] == ["srv-2"]
    names: list[str] = []
    token = ""
    while True:
        code, page = served.json("GET", "/api/v1/namespaces/default/configmaps?limit=2"
                                        + (f"&continue={token}" if token else ""))
        names += [i["metadata"]["name"] for i in page["items"]]
        token = page["metadata"].get("continue", "")
        if not token:
            break
    assert set(objects) <= set(names) and len(names) == len(set(names))
    code, bad = served.json("GET", "/api/v1/configmaps?labelSelector=%21%21")
    assert code == 400 and bad["reason"] == "BadRequest"


def test_errors_warnings_yaml_and_pretty(served: Served, objects: list[str]) -> None:
    code, headers, data = served.request("GET", "/api/v1/namespaces/default/configmaps/nope")
    assert code == 404 and headers["Audit-Id"].startswith("req-")
    assert json.loads(data)["message"] == 'configmaps "nope" not found'
    body = cm("warned")
    body["spec"] = {"foo": 1}
    code, headers, _ = served.request("POST", "/api/v1/namespaces/default/configmaps",
                                      body=body)
    assert code == 201
    assert headers.get_all("Warning") == ['299 - "unknown field \\"spec\\""']
    yaml_body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n"
    code, _, data = served.request("POST", "/api/v1/namespaces/default/configmaps",
                                   body=yaml_body, headers={"Content-Type": "application/yaml",
                                                            "Accept": "application/yaml"})
    assert code == 201 and data.startswith(b"apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\n")
    code, _, data = served.request("GET", "/api/v1/namespaces/default/configmaps/from-yaml"
                                          "?pretty=true")
    assert data.startswith(b'{\n  "kind": "ConfigMap"')
    code, _, _ = served.request("HEAD", "/api/v1/namespaces/default/configmaps/from-yaml")
    assert code == 200


def test_request_body_limit(served: Served) -> None:
    big = b"x" * (MAX_REQUEST_BODY_BYTES + 1)
    code, _, data = served.request("POST", "/api/v1/namespaces/default/configmaps", body=big,
                                   headers={"Content-Type": "application/json"})
    assert code == 413
    assert json.loads(data)["message"] == "Request entity too large: limit is 3145728"


def test_pod_logs_are_text(served: Served) -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "logger"},
           "spec": {"containers": [{"name": "app", "image": "busybox"}]}}
    assert served.json("POST", "/api/v1/namespaces/default/pods", body=pod)[0] == 201
    code, headers, data = served.request("GET", "/api/v1/namespaces/default/pods/logger/log"
                                                "?container=app")
    assert (code, headers["Content-Type"], data) == (200, "text/plain", b"hello from logger\n")


def test_protobuf_review_bodies(served: Served) -> None:
    """What ``kubectl auth can-i`` posts: a SelfSubjectAccessReview in protobuf."""
    def field(n: int, payload: bytes) -> bytes:
        return bytes([n << 3 | 2, len(payload)]) + payload

    attrs = field(2, b"list") + field(5, b"secrets") + field(1, b"kube-system")
    raw = field(2, field(1, attrs))
    type_meta = field(1, b"authorization.k8s.io/v1") + field(2, b"SelfSubjectAccessReview")
    body = MAGIC + field(1, type_meta) + field(2, raw)
    for who, allowed in (("admin", True), ("viewer", False)):
        code, review = served.json(
            "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", token=who,
            body=body, headers={"Content-Type": "application/vnd.kubernetes.protobuf",
                                "Accept": "application/vnd.kubernetes.protobuf,"
                                          "application/json"})
        assert code == 201
        assert review["spec"]["resourceAttributes"] == {
            "namespace": "kube-system", "verb": "list", "resource": "secrets"}
        assert review["status"]["allowed"] is allowed
    unknown = MAGIC + field(1, field(1, b"v1") + field(2, b"LimitRange")) + field(2, b"")
    code, status = served.json("POST", "/api/v1/namespaces/default/limitranges", body=unknown,
                               headers={"Content-Type": "application/vnd.kubernetes.protobuf"})
    assert code == 415 and status["reason"] == "UnsupportedMediaType"
    # a resource that is not served: 404 before the body is looked at
    foo = MAGIC + field(1, field(1, b"example.com/v1") + field(2, b"Foo")) + field(2, b"")
    code, status = served.json("POST", "/apis/example.com/v1/namespaces/default/foos", body=foo,
                               headers={"Content-Type": "application/vnd.kubernetes.protobuf"})
    assert code == 404 and status["reason"] == "NotFound"


# -- watches --------------------------------------------------------------------------------------


def _watch_lines(served: Served, path: str, headers: dict[str, str] | None = None,
                 during: object = None) -> list[dict]:
    conn = served.connection()
    h = {"Authorization": f"Bearer {served.token()}", "Accept": "application/json"}
    h.update(headers or {})
    conn.request("GET", path, headers=h)
    resp = conn.getresponse()
    assert resp.status == 200 and resp.headers["Transfer-Encoding"] == "chunked"
    if callable(during):
        during()
    events = [json.loads(line) for line in resp.read().splitlines() if line.strip()]
    conn.close()
    return events


def test_watch_streams_events_until_timeout(served: Served) -> None:
    _code, listed = served.json("GET", "/api/v1/namespaces/default/configmaps")
    rv = listed["metadata"]["resourceVersion"]

    def during() -> None:
        served.json("POST", "/api/v1/namespaces/default/configmaps", body=cm("watched"))
        served.json("PATCH", "/api/v1/namespaces/default/configmaps/watched",
                    body=b'{"data":{"k":"v2"}}',
                    headers={"Content-Type": "application/merge-patch+json"})
        served.request("DELETE", "/api/v1/namespaces/default/configmaps/watched")

    t0 = time.monotonic()
    events = _watch_lines(served, "/api/v1/namespaces/default/configmaps?watch=1"
                                  f"&resourceVersion={rv}&timeoutSeconds=1", during=during)
    assert 0.9 < time.monotonic() - t0 < 3
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "watched"), ("MODIFIED", "watched"), ("DELETED", "watched")]
    assert events[0]["object"]["kind"] == "ConfigMap"
    assert "cause" not in events[0]


def test_watch_as_table_rows(served: Served) -> None:
    _code, listed = served.json("GET", "/api/v1/namespaces/default/configmaps")
    rv = listed["metadata"]["resourceVersion"]

    def during() -> None:
        served.json("POST", "/api/v1/namespaces/default/configmaps", body=cm("row-1"))
        served.json("POST", "/api/v1/namespaces/default/configmaps", body=cm("row-2"))

    events = _watch_lines(served, "/api/v1/namespaces/default/configmaps?watch=true"
                                  f"&resourceVersion={rv}&timeoutSeconds=1",
                          headers={"Accept": TABLE,
                                   "X-K8s-Internals-Watch-Causes": "true"}, during=during)
    assert [e["object"]["kind"] for e in events] == ["Table", "Table"]
    assert [len(e["object"]["columnDefinitions"]) for e in events] == [3, 0]
    assert [e["object"]["rows"][0]["cells"][0] for e in events] == ["row-1", "row-2"]
    assert all(e["cause"].startswith("req-") for e in events)


def test_watch_bookmarks_when_asked(served: Served) -> None:
    _code, listed = served.json("GET", "/api/v1/namespaces/default/configmaps")
    rv = listed["metadata"]["resourceVersion"]

    def during() -> None:  # the watch cache sends them every 60 s; ask for one now
        call(served, served.api.watchcache._send_bookmarks)

    events = _watch_lines(served, "/api/v1/namespaces/default/configmaps?watch=true"
                                  f"&resourceVersion={rv}&allowWatchBookmarks=true"
                                  "&timeoutSeconds=1", during=during)
    assert events and events[-1]["type"] == "BOOKMARK"
    assert events[-1]["object"]["kind"] == "ConfigMap"
    assert int(events[-1]["object"]["metadata"]["resourceVersion"]) >= int(rv)
    quiet = _watch_lines(served, "/api/v1/namespaces/default/configmaps?watch=true"
                                 f"&resourceVersion={rv}&timeoutSeconds=1", during=during)
    assert all(e["type"] != "BOOKMARK" for e in quiet)


def test_watch_from_a_compacted_version_is_410_as_the_first_event(served: Served) -> None:
    _code, listed = served.json("GET", "/api/v1/namespaces/default/configmaps")
    old = int(listed["metadata"]["resourceVersion"])
    served.json("POST", "/api/v1/namespaces/default/configmaps", body=cm("after-compaction"))
    rev = call(served, served.api.compact)
    events = _watch_lines(served, "/api/v1/namespaces/default/configmaps?watch=true"
                                  f"&resourceVersion={old}&timeoutSeconds=5")
    assert events == [{"type": "ERROR", "object": {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": f"too old resource version: {old} ({rev})", "reason": "Expired",
        "code": 410}}]


def test_watch_errors_before_the_stream_are_plain_responses(served: Served) -> None:
    code, status = served.json("GET", "/api/v1/namespaces/default/secrets?watch=true",
                               token="viewer")
    assert code == 403 and status["reason"] == "Forbidden"


def test_keep_alive(served: Served) -> None:
    conn = served.connection()
    before = served.httpd.requests
    for _ in range(20):
        code, _, _ = served.request("GET", "/api/v1/namespaces/default", conn=conn)
        assert code == 200
    assert served.httpd.requests - before == 20
    conn.close()
