"""ServiceAccount: every pod runs as a ServiceAccount and gets an API token mounted.

Upstream: ``plugin/pkg/admission/serviceaccount/admission.go`` (``Plugin.Admit`` /
``Plugin.Validate``, ``mountServiceAccountToken``, ``TokenVolumeSource``). Mutating and
validating; for ``pods`` only, no subresources (except ``ephemeralcontainers``, see below).

admit (CREATE only):

1. Mirror pods (annotation ``kubernetes.io/config.mirror``) are never modified, only validated.
2. An empty ``spec.serviceAccountName`` becomes ``default``.
3. The ServiceAccount must exist: ``403 pods "x" is forbidden: error looking up service account
   default/foo: serviceaccount "foo" not found`` (upstream's ``errors.NewNotFound`` uses the
   singular ``serviceaccount``; for ``default`` it retries ten times ~100-200 ms apart, waiting
   for the ServiceAccount controller; the simulator answers at once).
4. Unless ``automountServiceAccountToken: false`` on the pod (which wins) or on the
   ServiceAccount: a projected volume ``kube-api-access-<5 random chars>`` (``serviceAccountToken``
   with ``expirationSeconds: 3607`` at ``token``, ``kube-root-ca.crt``'s ``ca.crt``, the
   namespace from the downward API, ``defaultMode: 420``) and a read-only mount of it at
   ``/var/run/secrets/kubernetes.io/serviceaccount`` in every init container and container that
   has nothing mounted there yet. A pod that already has a ``kube-api-access-*`` volume keeps it.
5. ``spec.imagePullSecrets`` from the ServiceAccount when the pod has none.

validate (CREATE; UPDATE of ``pods/ephemeralcontainers``): mirror pods may not reference a
ServiceAccount, Secrets or ServiceAccountToken projections; other pods need a
``serviceAccountName`` naming an existing ServiceAccount; and when the ServiceAccount carries
``kubernetes.io/enforce-mountable-secrets: "true"`` every Secret the pod references (secret
volumes, ``env[].valueFrom.secretKeyRef``, ``envFrom[].secretRef``, ``imagePullSecrets``) must
be listed in the ServiceAccount, with upstream's messages.

3607 s is ``serviceaccount.WarnOnlyBoundTokenExpirationSeconds`` (``pkg/serviceaccount``): one hour
plus seven seconds, a value the token issuer recognises to extend such tokens and warn instead of
failing when a client uses one past an hour.
"""

from __future__ import annotations

from typing import Any

from .. import errors, strategy
from ..authz.node import _pod_secret_names
from .interfaces import AdmissionContext, AdmissionError, Attributes, Operation

__all__ = [
    "DEFAULT_API_TOKEN_MOUNT_PATH",
    "DEFAULT_SERVICE_ACCOUNT_NAME",
    "ENFORCE_MOUNTABLE_SECRETS_ANNOTATION",
    "MIRROR_POD_ANNOTATION",
    "SERVICE_ACCOUNT_VOLUME_NAME",
    "WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS",
    "ServiceAccount",
    "token_volume_source",
]

DEFAULT_SERVICE_ACCOUNT_NAME = "default"
ENFORCE_MOUNTABLE_SECRETS_ANNOTATION = "kubernetes.io/enforce-mountable-secrets"
SERVICE_ACCOUNT_VOLUME_NAME = "kube-api-access"
DEFAULT_API_TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
#: ``api.MirrorPodAnnotationKey``
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 60 * 60 + 7
#: ``corev1.ProjectedVolumeSourceDefaultMode`` (0644)
PROJECTED_VOLUME_SOURCE_DEFAULT_MODE = 0o644

Obj = dict[str, Any]


def token_volume_source() -> Obj:
    """``TokenVolumeSource()`` as JSON, fields in the order the API server writes them."""
    return {
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
                                     "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                                        "fieldRef": {"apiVersion": "v1",
                                                     "fieldPath": "metadata.namespace"}}]}},
        ],
        "defaultMode": PROJECTED_VOLUME_SOURCE_DEFAULT_MODE,
    }


def _annotations(obj: Obj) -> dict[str, Any]:
    return (obj.get("metadata") or {}).get("annotations") or {}


def _parse_bool(value: Any) -> bool:
    """``strconv.ParseBool`` (errors read as false, as upstream ignores them)."""
    return str(value) in ("1", "t", "T", "TRUE", "true", "True")


class ServiceAccount:
    """``serviceaccount.Plugin`` (``MountServiceAccountToken: true``,
    ``LimitSecretReferences: false``)."""

    name = "ServiceAccount"

    def __init__(self, mount_service_account_token: bool = True,
                 limit_secret_references: bool = False) -> None:
        self.mount_service_account_token = mount_service_account_token
        self.limit_secret_references = limit_secret_references

    def handles(self, operation: Operation) -> bool:
        return operation in (Operation.CREATE, Operation.UPDATE)

    @staticmethod
    def _should_ignore(a: Attributes) -> bool:
        """``shouldIgnore``."""
        if a.group != "" or a.resource != "pods":
            return True
        if a.subresource not in ("", "ephemeralcontainers"):
            return True
        return a.obj is None

    # -- admit ---------------------------------------------------------------------------------

    def may_mutate(self, a: Attributes) -> bool:
        """Whether :meth:`admit` may change ``a.obj``: pod creations it does not ignore."""
        return not self._should_ignore(a) and a.operation is Operation.CREATE

    def admit(self, a: Attributes, ctx: AdmissionContext) -> None:
        if self._should_ignore(a) or a.operation is not Operation.CREATE:
            return
        pod = a.obj
        assert pod is not None
        if MIRROR_POD_ANNOTATION in _annotations(pod):
            self.validate(a, ctx)
            return
        spec = pod.setdefault("spec", {})
        if not spec.get("serviceAccountName"):
            spec["serviceAccountName"] = DEFAULT_SERVICE_ACCOUNT_NAME
        sa = self._get_service_account(a, ctx, spec["serviceAccountName"])
        if self.mount_service_account_token and self._should_automount(sa, spec):
            self._mount_service_account_token(spec, ctx)
        if not spec.get("imagePullSecrets") and sa.get("imagePullSecrets"):
            spec["imagePullSecrets"] = [{"name": r.get("name", "")}
                                        for r in sa["imagePullSecrets"]]
        self.validate(a, ctx)

    @staticmethod
    def _should_automount(sa: Obj, spec: Obj) -> bool:
        """``shouldAutomount``: the pod's preference wins, then the ServiceAccount's."""
        if spec.get("automountServiceAccountToken") is not None:
            return bool(spec["automountServiceAccountToken"])
        if sa.get("automountServiceAccountToken") is not None:
            return bool(sa["automountServiceAccountToken"])
        return True

    def _mount_service_account_token(self, spec: Obj, ctx: AdmissionContext) -> None:
        """``mountServiceAccountToken``."""
        volume_name = ""
        has_volume = False
        for v in spec.get("volumes") or []:
            if str(v.get("name", "")).startswith(SERVICE_ACCOUNT_VOLUME_NAME + "-"):
                volume_name = v["name"]
                has_volume = True
                break
        if not volume_name:
            volume_name = strategy.generate_name(SERVICE_ACCOUNT_VOLUME_NAME + "-", ctx.rng)
        needs_volume = False
        for field in ("initContainers", "containers"):
            for c in spec.get(field) or []:
                mounts = c.get("volumeMounts") or []
                if any(m.get("mountPath") == DEFAULT_API_TOKEN_MOUNT_PATH for m in mounts):
                    continue
                c["volumeMounts"] = [*mounts, {"name": volume_name, "readOnly": True,
                                               "mountPath": DEFAULT_API_TOKEN_MOUNT_PATH}]
                needs_volume = True
        if not has_volume and needs_volume:
            spec["volumes"] = [*(spec.get("volumes") or []),
                               {"name": volume_name, "projected": token_volume_source()}]

    # -- validate ------------------------------------------------------------------------------

    def validate(self, a: Attributes, ctx: AdmissionContext) -> None:
        if self._should_ignore(a):
            return
        pod = a.obj
        assert pod is not None
        spec = pod.get("spec") or {}
        pod_name = (pod.get("metadata") or {}).get("name", "")
        if a.operation is Operation.UPDATE and a.subresource == "ephemeralcontainers":
            self._limit_ephemeral_container_secret_references(a, ctx, spec, pod_name)
            return
        if a.operation is not Operation.CREATE:
            return
        if MIRROR_POD_ANNOTATION in _annotations(pod):
            self._validate_mirror_pod(spec)
            return
        if not spec.get("serviceAccountName"):
            raise AdmissionError(
                f"no service account specified for pod {a.namespace}/{pod_name}")
        sa = self._get_service_account(a, ctx, spec["serviceAccountName"])
        if self._enforce_mountable_secrets(sa):
            self._limit_secret_references(sa, spec)

    @staticmethod
    def _validate_mirror_pod(spec: Obj) -> None:
        if spec.get("serviceAccountName"):
            raise AdmissionError("a mirror pod may not reference service accounts")
        if _pod_secret_names(spec):
            raise AdmissionError("a mirror pod may not reference secrets")
        for v in spec.get("volumes") or []:
            for s in (v.get("projected") or {}).get("sources") or []:
                if s.get("serviceAccountToken") is not None:
                    raise AdmissionError(
                        "a mirror pod may not use ServiceAccountToken volume projections")

    def _get_service_account(self, a: Attributes, ctx: AdmissionContext, name: str) -> Obj:
        """``getServiceAccount``, wrapped as the callers wrap its error."""
        sa = ctx.get("", "serviceaccounts", a.namespace, name)
        if sa is None:
            # errors.NewNotFound(api.Resource("serviceaccount"), name): singular, as upstream
            not_found = errors.not_found("", "serviceaccount", name).message
            raise AdmissionError(
                f"error looking up service account {a.namespace}/{name}: {not_found}")
        return sa

    def _enforce_mountable_secrets(self, sa: Obj) -> bool:
        if self.limit_secret_references:
            return True
        value = _annotations(sa).get(ENFORCE_MOUNTABLE_SECRETS_ANNOTATION)
        return value is not None and _parse_bool(value)

    @staticmethod
    def _limit_secret_references(sa: Obj, spec: Obj) -> None:
        """``limitSecretReferences``."""
        sa_name = (sa.get("metadata") or {}).get("name", "")
        mountable = {s.get("name") for s in sa.get("secrets") or []}
        for v in spec.get("volumes") or []:
            secret = v.get("secret")
            if not isinstance(secret, dict):
                continue
            name = secret.get("secretName", "")
            if name not in mountable:
                raise AdmissionError(
                    f'volume with secret.secretName="{name}" is not allowed because service '
                    f"account {sa_name} does not reference that secret")
        for field, what in (("initContainers", "init container"), ("containers", "container")):
            for c in spec.get(field) or []:
                _check_container_secrets(c, what, mountable, sa_name)
        pull = {s.get("name") for s in sa.get("imagePullSecrets") or []}
        for i, ref in enumerate(spec.get("imagePullSecrets") or []):
            if ref.get("name") not in pull:
                raise AdmissionError(
                    f'imagePullSecrets[{i}].name="{ref.get("name", "")}" is not allowed because '
                    f"service account {sa_name} does not reference that imagePullSecret")

    def _limit_ephemeral_container_secret_references(self, a: Attributes, ctx: AdmissionContext,
                                                     spec: Obj, pod_name: str) -> None:
        if not spec.get("serviceAccountName"):
            raise AdmissionError(
                f"no service account specified for pod {a.namespace}/{pod_name}")
        sa = self._get_service_account(a, ctx, spec["serviceAccountName"])
        if not self._enforce_mountable_secrets(sa):
            return
        sa_name = (sa.get("metadata") or {}).get("name", "")
        mountable = {s.get("name") for s in sa.get("secrets") or []}
        for c in spec.get("ephemeralContainers") or []:
            _check_container_secrets(c, "ephemeral container", mountable, sa_name)


def _check_container_secrets(c: Obj, what: str, mountable: set[Any], sa_name: str) -> None:
    for e in c.get("env") or []:
        ref = (e.get("valueFrom") or {}).get("secretKeyRef")
        if isinstance(ref, dict) and ref.get("name") not in mountable:
            raise AdmissionError(
                f'{what} {c.get("name", "")} with envVar {e.get("name", "")} referencing '
                f'secret.secretName="{ref.get("name", "")}" is not allowed because service '
                f"account {sa_name} does not reference that secret")
    for e in c.get("envFrom") or []:
        ref = e.get("secretRef")
        if isinstance(ref, dict) and ref.get("name") not in mountable:
            raise AdmissionError(
                f'{what} {c.get("name", "")} with envFrom referencing '
                f'secret.secretName="{ref.get("name", "")}" is not allowed because service '
                f"account {sa_name} does not reference that secret")
