"""ServiceAccount: default account, existence check, the projected token volume
(plugin/pkg/admission/serviceaccount/admission.go)."""

from __future__ import annotations

from random import Random
from typing import Any

import pytest

from k8s_internals.api import strategy
from k8s_internals.api.admission.interfaces import AdmissionError, Operation
from k8s_internals.api.admission.service_account import (
    DEFAULT_API_TOKEN_MOUNT_PATH,
    ServiceAccount,
    token_volume_source,
)

from .conftest import FakeContext, attrs, pod

PLUGIN = ServiceAccount()
MIRROR = {"kubernetes.io/config.mirror": "abc"}


def service_account(ctx: FakeContext, name: str = "default", **fields: Any) -> None:
    ctx.add("", "serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount",
                                    "metadata": {"name": name, "namespace": "default",
                                                 **fields.pop("metadata", {})}, **fields})


def admit(ctx: FakeContext, p: dict[str, Any]) -> None:
    a = attrs(Operation.CREATE, "pods", p)
    PLUGIN.admit(a, ctx)
    PLUGIN.validate(a, ctx)


def expected_volume_name(seed: int = 0) -> str:
    return strategy.generate_name("kube-api-access-", Random(seed))


def test_default_service_account_and_token_volume(ctx: FakeContext) -> None:
    service_account(ctx)
    p = pod("web", {"name": "app", "image": "nginx"},
            initContainers=[{"name": "setup", "image": "busybox"}])
    admit(ctx, p)
    spec = p["spec"]
    name = expected_volume_name()
    assert name.startswith("kube-api-access-") and len(name) == len("kube-api-access-") + 5
    assert set(name[-5:]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert spec["serviceAccountName"] == "default"
    assert spec["volumes"] == [{
        "name": name,
        "projected": {
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt",
                               "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                    "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
            ],
            "defaultMode": 420,
        },
    }]
    mount = {"name": name, "readOnly": True,
             "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
    assert spec["containers"][0]["volumeMounts"] == [mount]
    assert spec["initContainers"][0]["volumeMounts"] == [mount]
    assert "imagePullSecrets" not in spec


def test_volume_name_comes_from_ctx_rng(ctx: FakeContext) -> None:
    service_account(ctx)
    first, second = pod("a"), pod("b")
    admit(ctx, first)
    admit(ctx, second)
    r = Random(0)
    names = [strategy.generate_name("kube-api-access-", r) for _ in range(2)]
    assert [first["spec"]["volumes"][0]["name"], second["spec"]["volumes"][0]["name"]] == names


def test_missing_service_account(ctx: FakeContext) -> None:
    p = pod(serviceAccountName="builder")
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == ('error looking up service account default/builder: '
                                 'serviceaccount "builder" not found')


def test_missing_default_service_account(ctx: FakeContext) -> None:
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "pods", pod()), ctx)
    assert exc.value.message == ('error looking up service account default/default: '
                                 'serviceaccount "default" not found')


@pytest.mark.parametrize(("pod_setting", "sa_setting", "mounted"), [
    (None, None, True),
    (False, None, False),
    (None, False, False),
    (True, False, True),    # the pod's preference wins
    (False, True, False),
])
def test_automount(ctx: FakeContext, pod_setting: bool | None, sa_setting: bool | None,
                   mounted: bool) -> None:
    fields = {} if sa_setting is None else {"automountServiceAccountToken": sa_setting}
    service_account(ctx, **fields)
    spec = {} if pod_setting is None else {"automountServiceAccountToken": pod_setting}
    p = pod("web", **spec)
    admit(ctx, p)
    assert ("volumes" in p["spec"]) is mounted
    assert ("volumeMounts" in p["spec"]["containers"][0]) is mounted


def test_existing_mount_at_the_token_path_is_kept(ctx: FakeContext) -> None:
    service_account(ctx)
    own = {"name": "mine", "mountPath": DEFAULT_API_TOKEN_MOUNT_PATH}
    p = pod("web", {"name": "app", "image": "nginx", "volumeMounts": [own]},
            volumes=[{"name": "mine", "emptyDir": {}}])
    admit(ctx, p)
    assert p["spec"]["containers"][0]["volumeMounts"] == [own]
    assert p["spec"]["volumes"] == [{"name": "mine", "emptyDir": {}}]


def test_existing_kube_api_access_volume_is_reused(ctx: FakeContext) -> None:
    service_account(ctx)
    vol = {"name": "kube-api-access-abcde", "projected": token_volume_source()}
    p = pod("web", volumes=[vol])
    admit(ctx, p)
    assert p["spec"]["volumes"] == [vol]
    assert p["spec"]["containers"][0]["volumeMounts"][0]["name"] == "kube-api-access-abcde"


def test_image_pull_secrets_from_service_account(ctx: FakeContext) -> None:
    service_account(ctx, imagePullSecrets=[{"name": "regcred"}])
    p = pod()
    admit(ctx, p)
    assert p["spec"]["imagePullSecrets"] == [{"name": "regcred"}]
    q = pod("other", imagePullSecrets=[{"name": "mine"}])
    admit(ctx, q)
    assert q["spec"]["imagePullSecrets"] == [{"name": "mine"}]


def test_mirror_pods_are_not_modified(ctx: FakeContext) -> None:
    p = pod()
    p["metadata"]["annotations"] = dict(MIRROR)
    before = {**p, "spec": dict(p["spec"])}
    admit(ctx, p)  # no ServiceAccount needed
    assert p == before


@pytest.mark.parametrize(("spec", "message"), [
    ({"serviceAccountName": "default"}, "a mirror pod may not reference service accounts"),
    ({"volumes": [{"name": "s", "secret": {"secretName": "top"}}]},
     "a mirror pod may not reference secrets"),
    ({"volumes": [{"name": "t", "projected": token_volume_source()}]},
     "a mirror pod may not use ServiceAccountToken volume projections"),
])
def test_mirror_pod_restrictions(ctx: FakeContext, spec: dict[str, Any], message: str) -> None:
    p = pod("web", **spec)
    p["metadata"]["annotations"] = dict(MIRROR)
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.admit(attrs(Operation.CREATE, "pods", p), ctx)
    assert exc.value.message == message


def test_validate_requires_a_service_account_name(ctx: FakeContext) -> None:
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(attrs(Operation.CREATE, "pods", pod()), ctx)
    assert exc.value.message == "no service account specified for pod default/web"


ENFORCE = {"annotations": {"kubernetes.io/enforce-mountable-secrets": "true"}}


@pytest.mark.parametrize(("spec", "message"), [
    ({"volumes": [{"name": "v", "secret": {"secretName": "other"}}]},
     'volume with secret.secretName="other" is not allowed because service account default '
     "does not reference that secret"),
    ({"containers": [{"name": "app", "env": [{"name": "PW", "valueFrom": {
        "secretKeyRef": {"name": "other", "key": "pw"}}}]}]},
     'container app with envVar PW referencing secret.secretName="other" is not allowed '
     "because service account default does not reference that secret"),
    ({"containers": [{"name": "app"}],
      "initContainers": [{"name": "init", "envFrom": [{"secretRef": {"name": "other"}}]}]},
     'init container init with envFrom referencing secret.secretName="other" is not allowed '
     "because service account default does not reference that secret"),
    ({"imagePullSecrets": [{"name": "other"}]},
     'imagePullSecrets[0].name="other" is not allowed because service account default does '
     "not reference that imagePullSecret"),
])
def test_enforce_mountable_secrets(ctx: FakeContext, spec: dict[str, Any], message: str) -> None:
    service_account(ctx, metadata=ENFORCE, secrets=[{"name": "allowed"}])
    p = pod("web", **spec)
    p["spec"]["automountServiceAccountToken"] = False
    with pytest.raises(AdmissionError) as exc:
        admit(ctx, p)
    assert exc.value.message == message


def test_enforce_mountable_secrets_allows_listed_secrets(ctx: FakeContext) -> None:
    service_account(ctx, metadata=ENFORCE, secrets=[{"name": "allowed"}])
    admit(ctx, pod("web", volumes=[{"name": "v", "secret": {"secretName": "allowed"}}]))


def test_ephemeral_containers_update(ctx: FakeContext) -> None:
    service_account(ctx, metadata=ENFORCE)
    p = pod(serviceAccountName="default", ephemeralContainers=[{"name": "debug", "envFrom": [
        {"secretRef": {"name": "other"}}]}])
    a = attrs(Operation.UPDATE, "pods", p, old=pod(), subresource="ephemeralcontainers")
    PLUGIN.admit(a, ctx)  # admit never acts on updates
    with pytest.raises(AdmissionError) as exc:
        PLUGIN.validate(a, ctx)
    assert exc.value.message == (
        'ephemeral container debug with envFrom referencing secret.secretName="other" is not '
        "allowed because service account default does not reference that secret")


def test_other_resources_and_updates_are_ignored(ctx: FakeContext) -> None:
    cm = {"metadata": {"name": "c", "namespace": "default"}}
    PLUGIN.admit(attrs(Operation.CREATE, "configmaps", cm), ctx)
    PLUGIN.validate(attrs(Operation.CREATE, "configmaps", cm), ctx)
    p = pod()
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod()), ctx)
    PLUGIN.validate(attrs(Operation.UPDATE, "pods", p, old=pod()), ctx)
    PLUGIN.admit(attrs(Operation.UPDATE, "pods", p, old=pod(), subresource="status"), ctx)
    assert p == pod()
