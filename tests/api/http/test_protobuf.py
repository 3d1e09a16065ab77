"""Protobuf request bodies: the decoder on hand-built messages, and the real kubectl 1.32's
typed ``create`` commands against the HTTPS front (each decoded body compared with what
``kubectl create ... --dry-run=client -o json`` prints, i.e. the object kubectl would have sent
as JSON, then the stored object read back with ``kubectl get -o json``)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from k8s_internals.api import errors
from k8s_internals.api.http import server as http_server
from k8s_internals.api.http.protobuf import KINDS, MAGIC, MESSAGES, decode

from .conftest import Served

# -- a tiny protobuf encoder (wire format: key = number << 3 | wire type) --------------------


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negatives: 64-bit two's complement, ten bytes
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def s(num: int, text: str | bytes) -> bytes:
    """A length-delimited field (string, bytes)."""
    data = text.encode() if isinstance(text, str) else text
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def v(num: int, value: int | bool) -> bytes:
    """A varint field (int32, int64, bool)."""
    return _varint(num << 3) + _varint(int(value))


def m(num: int, *parts: bytes) -> bytes:
    """An embedded message field."""
    return s(num, b"".join(parts))


def kv(num: int, key: str, value: bytes | str) -> bytes:
    """One map entry (key = 1, value = 2)."""
    return m(num, s(1, key), s(2, value))


def fixed64(num: int) -> bytes:
    return _varint(num << 3 | 1) + b"\x01" * 8


def fixed32(num: int) -> bytes:
    return _varint(num << 3 | 5) + b"\x02" * 4


def envelope(api_version: str, kind: str, *parts: bytes) -> bytes:
    """Upstream's body: ``k8s\\0`` + runtime.Unknown{typeMeta = 1, raw = 2}."""
    return MAGIC + m(1, s(1, api_version), s(2, kind)) + m(2, *parts)


def meta(name: str, *more: bytes, created: bytes = m(8)) -> bytes:
    """ObjectMeta as Go writes it: every non-pointer field, empty or not (a zero
    creationTimestamp is an empty message)."""
    return m(1, s(1, name), s(2, ""), s(3, ""), s(4, ""), s(5, ""), s(6, ""), v(7, 0),
             created, *more)


def intstr_int(num: int, value: int) -> bytes:
    return m(num, v(1, 0), v(2, value), s(3, ""))


def intstr_str(num: int, value: str) -> bytes:
    return m(num, v(1, 1), v(2, 0), s(3, value))


def quantity(num: int, value: str) -> bytes:
    return m(num, s(1, value))


# -- unit tests -------------------------------------------------------------------------------


def test_every_table_names_known_messages() -> None:
    plain = {"string", "int", "bool", "bytes", "Time", "IntOrString", "Quantity", "[]string",
             "[]int", "map", "map:bytes", "map:Quantity", "map:Time"}
    for name, table in MESSAGES.items():
        for number, (key, typ) in table.items():
            base = typ.rstrip("!").removeprefix("inline:").removeprefix("[]")
            assert typ.rstrip("!") in plain or base in MESSAGES, (name, number, typ)
            assert key or typ.startswith("inline:"), (name, number)
    assert set(KINDS) <= set(MESSAGES)


def test_deployment_as_go_writes_it() -> None:
    container = m(2, s(1, "nginx"), s(2, "nginx:1.27"), s(5, ""),
                  m(6, s(1, ""), v(2, 0), v(3, 80), s(4, ""), s(5, "")),
                  m(7, s(1, "MODE"), s(2, "")),
                  m(8), s(13, ""), s(14, ""), v(16, False), v(17, False), v(18, False),
                  s(20, ""))
    pod_spec = m(2, container, s(3, ""), s(6, ""), s(8, ""), s(9, ""), s(10, ""),
                 v(11, False), v(12, False), v(13, False), s(16, ""), s(17, ""), s(19, ""),
                 s(24, ""))
    spec = m(2, v(1, 0), m(2, kv(1, "app", "web")),
             m(3, meta("", kv(11, "app", "web")), pod_spec),
             m(4, s(1, "RollingUpdate"), m(2, intstr_int(1, 1), intstr_str(2, "25%"))),
             v(5, 0), v(6, 0), v(7, False), v(9, 600))
    body = envelope("apps/v1", "Deployment", meta("web", kv(11, "app", "web")), spec, m(3))
    assert decode(body) == {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "replicas": 0,  # a pointer: an explicit zero stays
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}],
                    "env": [{"name": "MODE"}], "resources": {}}]}},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}},
            "revisionHistoryLimit": 0, "progressDeadlineSeconds": 600},
        "status": {}}


def test_scalars_negatives_times_and_owner_references() -> None:
    owner = m(13, s(1, "ReplicaSet"), s(3, "web-1"), s(4, "u-1"), s(5, "apps/v1"),
              v(6, True), v(7, False))
    stamp = m(8, v(1, 1_700_000_000), v(2, 5))
    body = envelope("scheduling.k8s.io/v1", "PriorityClass",
                    meta("low", owner, v(10, 0), created=stamp), v(2, -5),
                    v(3, False), s(4, ""), s(5, "Never"))
    obj = decode(body)
    assert obj["value"] == -5 and "globalDefault" not in obj and "description" not in obj
    assert obj["preemptionPolicy"] == "Never"
    assert obj["metadata"] == {
        "name": "low", "creationTimestamp": "2023-11-14T22:13:20Z",
        "deletionGracePeriodSeconds": 0,
        "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "uid": "u-1",
                             "apiVersion": "apps/v1", "controller": True,
                             "blockOwnerDeletion": False}]}
    # Go writes the zero time as an empty message; the epoch (seconds = 0 written) is a time
    epoch = decode(envelope("batch/v1", "CronJob", meta("c"), m(2, s(1, "@daily")),
                            m(3, m(4, v(1, 0)), m(5))))
    assert epoch["status"] == {"lastScheduleTime": "1970-01-01T00:00:00Z"}
    big = decode(envelope("v1", "Pod", meta("p"), m(2, v(4, -(1 << 40)), v(25, -1))))
    assert big["spec"] == {"terminationGracePeriodSeconds": -(1 << 40), "priority": -1}


def test_bytes_become_base64_and_pointers_keep_false() -> None:
    secret = decode(envelope("v1", "Secret", meta("s"), kv(2, "bin", b"\x00\xff"),
                             kv(2, "k", b"v"), kv(4, "plain", "text"), s(3, "Opaque"),
                             v(5, False)))
    assert secret == {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "s"},
                      "data": {"bin": "AP8=", "k": "dg=="}, "stringData": {"plain": "text"},
                      "type": "Opaque", "immutable": False}
    cm = decode(envelope("v1", "ConfigMap", meta("c"), kv(2, "a", "b"), kv(3, "raw", b"\x01")))
    assert cm["data"] == {"a": "b"} and cm["binaryData"] == {"raw": "AQ=="}
    assert "immutable" not in cm


def test_the_pod_spec_tree() -> None:
    volumes = [
        m(1, s(1, "scratch"), m(2, m(2, s(1, "Memory"), quantity(2, "64Mi")))),
        m(1, s(1, "conf"), m(2, m(19, m(1, s(1, "app-config")), m(2, s(1, "k"), s(2, "p")),
                                  v(3, 420)))),
        m(1, s(1, "creds"), m(2, m(6, s(1, "app-secret"), v(4, True)))),
        m(1, s(1, "host"), m(2, m(1, s(1, "/var/log"), s(2, "Directory")))),
        m(1, s(1, "data"), m(2, m(10, s(1, "claim"), v(2, False)))),
        m(1, s(1, "token"), m(2, m(26, m(1, m(4, s(1, ""), v(2, 3600), s(3, "token")))))),
    ]
    container = m(2, s(1, "app"), s(2, "app:1"), s(3, "sh"), s(3, "-c"), s(4, "run"),
                  m(19, s(1, "CFG_"), m(2, m(1, s(1, "app-config")))),
                  m(7, s(1, "PASSWORD"), s(2, ""),
                    m(3, m(4, m(1, s(1, "app-secret")), s(2, "password")))),
                  m(7, s(1, "NODE"), m(3, m(1, s(1, "v1"), s(2, "spec.nodeName")))),
                  m(8, kv(1, "cpu", s(1, "500m")), kv(2, "memory", s(1, "1Gi"))),
                  m(9, s(1, "conf"), v(2, True), s(3, "/etc/app"), s(4, ""), s(6, "")),
                  m(10, m(1, m(2, s(1, "/healthz"), intstr_str(2, "http"), s(3, ""),
                               s(4, "HTTP"))), v(2, 5), v(3, 1), v(4, 10), v(5, 1), v(6, 3)),
                  m(11, m(1, m(3, intstr_int(1, 8080), s(2, ""))), v(2, 0)),
                  m(15, m(1, s(2, "ALL")), v(5, False), v(4, 1000)))
    spec = m(2, *volumes, container, s(3, "Always"), kv(7, "disk", "ssd"),
             m(14, v(4, 10), v(4, 11), s(4, _varint(12) + _varint(13)), v(5, 2000)),
             m(22, s(1, "node.kubernetes.io/not-ready"), s(2, "Exists"), s(3, ""),
               s(4, "NoExecute"), v(5, 300)),
             m(18, m(1, m(1, m(1, m(1, s(1, "zone"), s(2, "In"), s(3, "a"), s(3, "b")))))))
    obj = decode(envelope("v1", "Pod", meta("p"), spec, m(3)))
    assert obj["spec"] == {
        "volumes": [
            {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
            {"name": "conf", "configMap": {"name": "app-config",
                                           "items": [{"key": "k", "path": "p"}],
                                           "defaultMode": 420}},
            {"name": "creds", "secret": {"secretName": "app-secret", "optional": True}},
            {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "claim"}},
            {"name": "token", "projected": {"sources": [
                {"serviceAccountToken": {"expirationSeconds": 3600, "path": "token"}}]}}],
        "containers": [{
            "name": "app", "image": "app:1", "command": ["sh", "-c"], "args": ["run"],
            "envFrom": [{"prefix": "CFG_", "configMapRef": {"name": "app-config"}}],
            "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {
                         "name": "app-secret", "key": "password"}}},
                    {"name": "NODE", "valueFrom": {"fieldRef": {
                        "apiVersion": "v1", "fieldPath": "spec.nodeName"}}}],
            "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "1Gi"}},
            "volumeMounts": [{"name": "conf", "readOnly": True, "mountPath": "/etc/app"}],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http",
                                          "scheme": "HTTP"},
                              "initialDelaySeconds": 5, "timeoutSeconds": 1,
                              "periodSeconds": 10, "successThreshold": 1,
                              "failureThreshold": 3},
            "readinessProbe": {"tcpSocket": {"port": 8080}},
            "securityContext": {"capabilities": {"drop": ["ALL"]}, "runAsNonRoot": False,
                                "runAsUser": 1000}}],
        "restartPolicy": "Always", "nodeSelector": {"disk": "ssd"},
        "securityContext": {"supplementalGroups": [10, 11, 12, 13], "fsGroup": 2000},
        "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
                         "effect": "NoExecute", "tolerationSeconds": 300}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchExpressions": [
                {"key": "zone", "operator": "In", "values": ["a", "b"]}]}]}}}}
    assert obj["status"] == {}


def test_services_and_rbac() -> None:
    svc = decode(envelope("v1", "Service", meta("web"),
                          m(2, m(1, s(1, "http"), s(2, "TCP"), v(3, 80), intstr_int(4, 8080),
                                 v(5, 0)),
                            kv(2, "app", "web"), s(3, ""), s(4, "ClusterIP"), s(7, ""),
                            s(17, "SingleStack")),
                          m(3, m(1))))
    assert svc["spec"] == {"ports": [{"name": "http", "protocol": "TCP", "port": 80,
                                      "targetPort": 8080}],
                           "selector": {"app": "web"}, "type": "ClusterIP",
                           "ipFamilyPolicy": "SingleStack"}
    assert svc["status"] == {"loadBalancer": {}}
    binding = decode(envelope("rbac.authorization.k8s.io/v1", "RoleBinding", meta("rb"),
                              m(2, s(1, "ServiceAccount"), s(2, ""), s(3, "default"),
                                s(4, "default")),
                              m(3, s(1, "rbac.authorization.k8s.io"), s(2, "Role"),
                                s(3, "reader"))))
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "default",
                                    "namespace": "default"}]
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "reader"}


def test_unknown_fields_are_skipped_by_wire_type() -> None:
    extra = v(99, 7) + fixed64(98) + s(97, "x") + fixed32(96) + m(95, v(1, 1))
    body = envelope("v1", "ConfigMap", meta("c", extra), extra, kv(2, "a", "b"))
    assert decode(body) == {"kind": "ConfigMap", "apiVersion": "v1",
                            "metadata": {"name": "c"}, "data": {"a": "b"}}


@pytest.mark.parametrize(("body", "code"), [
    (envelope("coordination.k8s.io/v1", "Lease", meta("l")), 415),
    (envelope("apps/v1beta1", "Deployment", meta("d")), 415),  # a version not read
    (b"{}", 400),
    (envelope("v1", "ConfigMap", meta("c"))[:-3], 400),  # truncated
    (envelope("v1", "ConfigMap", _varint(1 << 3 | 3)), 400),  # a group (wire type 3)
    (envelope("v1", "ConfigMap", v(1, 5)), 400),  # metadata as a varint
])
def test_bad_bodies(body: bytes, code: int) -> None:
    with pytest.raises(errors.StatusError) as info:
        decode(body)
    assert info.value.status["code"] == code


# -- the real kubectl ---------------------------------------------------------------------------


def _no_nulls(obj: Any) -> Any:
    """Go's ``null`` (``creationTimestamp: null``) is what a missing field reads as."""
    if isinstance(obj, dict):
        return {k: _no_nulls(x) for k, x in obj.items() if x is not None}
    if isinstance(obj, list):
        return [_no_nulls(x) for x in obj]
    return obj


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every protobuf body the server decodes during the test, as decoded."""
    seen: list[dict[str, Any]] = []

    def record(body: bytes) -> dict[str, Any]:
        obj = decode(body)
        seen.append(obj)
        return obj

    monkeypatch.setattr(http_server, "decode_protobuf", record)
    return seen


def _create(served: Served, decoded: list[dict[str, Any]], *args: str,
            created: bool = True) -> dict[str, Any]:
    """Run ``kubectl create <args>``: the body it sent in protobuf, decoded, must equal what
    ``--dry-run=client -o json`` prints; returns the decoded object."""
    cut = args.index("--") if "--" in args else len(args)
    dry = served.kubectl("create", *args[:cut], "--dry-run=client", "-o", "json", *args[cut:],
                         check=True)
    before = len(decoded)
    out = served.kubectl("create", *args)
    assert (out.returncode == 0) is created, out.stderr
    assert len(decoded) == before + 1, "kubectl sent no protobuf body"
    assert _no_nulls(decoded[-1]) == _no_nulls(json.loads(dry.stdout))
    return decoded[-1]


def _get(served: Served, *args: str) -> dict[str, Any]:
    return json.loads(served.kubectl("get", *args, "-o", "json", check=True).stdout)


def test_kubectl_create_deployment(served: Served, decoded: list[dict[str, Any]]) -> None:
    _create(served, decoded, "deployment", "web", "--image=nginx", "--replicas=2", "--port=80")
    dep = _get(served, "deployment", "web")
    assert dep["metadata"]["labels"] == {"app": "web"}
    spec = dep["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["template"]["metadata"]["labels"] == {"app": "web"}
    container = spec["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"]) == ("nginx", "nginx")
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert spec["strategy"] == {"type": "RollingUpdate",
                                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)


def test_kubectl_create_deployment_with_a_command_and_zero_replicas(
        served: Served, decoded: list[dict[str, Any]]) -> None:
    sent = _create(served, decoded, "deployment", "idle", "--image=busybox", "--replicas=0",
                   "--", "sleep", "3600")
    assert sent["spec"]["replicas"] == 0
    two = _create(served, decoded, "deployment", "pair", "--image=nginx", "--image=busybox")
    assert [c["name"] for c in two["spec"]["template"]["spec"]["containers"]] == [
        "nginx", "busybox"]
    dep = _get(served, "deployment", "idle")
    assert dep["spec"]["replicas"] == 0
    containers = dep["spec"]["template"]["spec"]["containers"]
    assert [(c["name"], c["image"], c["command"]) for c in containers] == [
        ("busybox", "busybox", ["sleep", "3600"])]


def test_kubectl_create_configmap_and_secrets(served: Served, decoded: list[dict[str, Any]],
                                              tmp_path: Path) -> None:
    text = tmp_path / "app.conf"
    text.write_text("port=80\n")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)))
    _create(served, decoded, "configmap", "app", "--from-literal=a=b", f"--from-file={text}",
            f"--from-file={binary}")
    cm = _get(served, "configmap", "app")
    assert cm["data"] == {"a": "b", "app.conf": "port=80\n"}
    assert base64.b64decode(cm["binaryData"]["blob.bin"]) == bytes(range(256))

    _create(served, decoded, "secret", "generic", "creds", "--from-literal=user=admin",
            "--from-literal=password=s3cr3t!")
    secret = _get(served, "secret", "creds")
    assert secret["type"] == "Opaque"
    assert {k: base64.b64decode(x).decode() for k, x in secret["data"].items()} == {
        "user": "admin", "password": "s3cr3t!"}

    _create(served, decoded, "secret", "docker-registry", "pull", "--docker-server=r.example",
            "--docker-username=u", "--docker-password=p")
    pull = _get(served, "secret", "pull")
    assert pull["type"] == "kubernetes.io/dockerconfigjson"
    auths = json.loads(base64.b64decode(pull["data"][".dockerconfigjson"]))["auths"]
    assert auths["r.example"]["username"] == "u"


def test_kubectl_create_namespace_and_serviceaccount(
        served: Served, decoded: list[dict[str, Any]]) -> None:
    _create(served, decoded, "namespace", "team-a")
    ns = _get(served, "namespace", "team-a")
    assert ns["status"]["phase"] == "Active"
    _create(served, decoded, "serviceaccount", "robot", "-n", "team-a")
    sa = _get(served, "serviceaccount", "robot", "-n", "team-a")
    assert sa["metadata"]["namespace"] == "team-a"


def test_kubectl_create_services(served: Served, decoded: list[dict[str, Any]]) -> None:
    _create(served, decoded, "service", "clusterip", "api", "--tcp=80:8080")
    svc = _get(served, "service", "api")
    assert svc["spec"]["type"] == "ClusterIP"
    assert svc["spec"]["selector"] == {"app": "api"}
    assert svc["spec"]["ports"] == [{"name": "80-8080", "port": 80, "protocol": "TCP",
                                     "targetPort": 8080}]
    assert svc["spec"]["clusterIP"]
    _create(served, decoded, "service", "nodeport", "edge", "--tcp=5678:8080",
            "--node-port=30080")
    assert _get(served, "service", "edge")["spec"]["ports"][0]["nodePort"] == 30080
    _create(served, decoded, "service", "externalname", "ext", "--external-name=example.com")
    ext = _get(served, "service", "ext")["spec"]
    assert (ext["type"], ext["externalName"]) == ("ExternalName", "example.com")


def test_kubectl_create_rbac_quota_and_priorityclass(
        served: Served, decoded: list[dict[str, Any]]) -> None:
    _create(served, decoded, "role", "reader", "--verb=get,list",
            "--resource=pods,deployments.apps", "--resource-name=a")
    role = _get(served, "role", "reader")
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"],
         "verbs": ["get", "list"]},
        {"apiGroups": ["apps"], "resources": ["deployments"], "resourceNames": ["a"],
         "verbs": ["get", "list"]}]
    _create(served, decoded, "rolebinding", "read", "--role=reader", "--user=bob",
            "--serviceaccount=default:default")
    binding = _get(served, "rolebinding", "read")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                                  "name": "reader"}
    assert binding["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "bob"},
        {"kind": "ServiceAccount", "name": "default", "namespace": "default"}]
    _create(served, decoded, "clusterrole", "logs", "--verb=get", "--non-resource-url=/logs/*")
    _create(served, decoded, "clusterrolebinding", "logs", "--clusterrole=logs", "--group=ops")
    assert _get(served, "clusterrolebinding", "logs")["subjects"] == [
        {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "ops"}]
    _create(served, decoded, "quota", "small", "--hard=pods=10,configmaps=20")
    assert _get(served, "quota", "small")["spec"]["hard"] == {"configmaps": "20", "pods": "10"}
    sent = _create(served, decoded, "priorityclass", "low", "--value=-5",
                   "--description=batch", "--preemption-policy=Never")
    assert sent["value"] == -5
    pc = _get(served, "priorityclass", "low")
    assert (pc["value"], pc["description"], pc["preemptionPolicy"]) == (-5, "batch", "Never")


def test_kubectl_create_poddisruptionbudget(
        served: Served, decoded: list[dict[str, Any]]) -> None:
    sent = _create(served, decoded, "poddisruptionbudget", "web-pdb", "--selector=app=web",
                   "--min-available=50%")
    assert sent["spec"]["minAvailable"] == "50%"
    pdb = _get(served, "pdb", "web-pdb")
    assert pdb["spec"] == {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}
    assert pdb["metadata"]["generation"] == 1


def test_kubectl_create_job_and_cronjob(served: Served, decoded: list[dict[str, Any]]) -> None:
    """batch/v1 is served: the protobuf bodies decode, the server defaults and generates the
    selector, and ``kubectl get jobs,cronjobs`` prints the server's tables."""
    _create(served, decoded, "job", "once", "--image=busybox", "--", "date")
    job = _get(served, "job", "once")
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert job["spec"]["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "once",
        "controller-uid": uid, "job-name": "once"}
    assert (job["spec"]["backoffLimit"], job["spec"]["completionMode"]) == (6, "NonIndexed")
    _create(served, decoded, "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *",
            "--", "date")
    cj = _get(served, "cronjob", "tick")
    assert (cj["spec"]["concurrencyPolicy"], cj["spec"]["successfulJobsHistoryLimit"]) == \
        ("Allow", 3)
    out = served.kubectl("get", "jobs,cronjobs", check=True).stdout.splitlines()
    assert out[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert out[1].split()[:3] == ["job.batch/once", "Running", "0/1"]
    assert out[3].split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE",
                              "LAST", "SCHEDULE", "AGE"]
    assert out[4].split()[:7] == ["cronjob.batch/tick", "*/5", "*", "*", "*", "*", "<none>"]


def test_kubectl_create_for_resources_not_served_gets_404(
        served: Served, decoded: list[dict[str, Any]]) -> None:
    """Upstream's 404 for the resource, from the mux, before the body is read (not a 415
    for a body of a kind nobody reads)."""
    for args in (("ingress", "www", "--rule=foo.com/bar=api:80"),):
        out = served.kubectl("create", *args)
        assert out.returncode == 1
        assert "the server could not find the requested resource" in out.stderr
    assert decoded == []


def test_kubectl_run_sends_json(served: Served, decoded: list[dict[str, Any]]) -> None:
    out = served.kubectl("run", "shell", "--image=busybox", "--labels=tier=debug", check=True)
    assert out.stdout == "pod/shell created\n"
    assert decoded == []  # kubectl run posts JSON
    pod = _get(served, "pod", "shell")
    assert pod["metadata"]["labels"] == {"tier": "debug"}
    assert pod["spec"]["containers"][0]["image"] == "busybox"
