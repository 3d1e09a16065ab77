"""Private helpers the StatefulSet and DaemonSet controllers need that
:mod:`~k8s_internals.controllers.controller_utils` and
:mod:`~k8s_internals.controllers.controller_ref_manager` do not have (yet): candidates to merge
there.

Upstream (kubernetes/kubernetes):

- ``pkg/controller/controller_ref_manager.go`` — :class:`ControllerRevisionControllerRefManager`
  (``ClaimControllerRevisions``, ``AdoptControllerRevision``, ``ReleaseControllerRevision``);
- ``pkg/controller/controller_utils.go`` — :func:`filter_pods_by_owner` (``FilterPodsByOwner``:
  upstream reads a ``controllerUID`` index of the pod informer; here a namespace list is
  filtered);
- ``pkg/api/v1/pod/util.go`` — :func:`is_pod_terminal`;
- ``staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go`` — :func:`is_not_found`,
  :func:`is_already_exists`, :func:`is_conflict`, :func:`is_invalid`;
- ``staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr.go`` —
  :func:`get_scaled_value_from_int_or_percent`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..api.selectors import Selector
from ..client.client import ApiError, Client
from .controller_ref_manager import (
    BaseControllerRefManager,
    generate_delete_owner_ref_strategic_merge_patch,
    owner_ref_controller_patch,
)
from .controller_utils import ControllerError, get_controller_of

__all__ = [
    "ControllerRevisionControllerRefManager",
    "filter_pods_by_owner",
    "get_scaled_value_from_int_or_percent",
    "is_already_exists",
    "is_conflict",
    "is_invalid",
    "is_not_found",
    "is_pod_terminal",
]

JSON = dict[str, Any]


def is_not_found(err: BaseException) -> bool:
    """``apierrors.IsNotFound``."""
    return isinstance(err, ApiError) and err.code == 404


def is_already_exists(err: BaseException) -> bool:
    """``apierrors.IsAlreadyExists``."""
    return isinstance(err, ApiError) and err.code == 409 and err.reason == "AlreadyExists"


def is_conflict(err: BaseException) -> bool:
    """``apierrors.IsConflict``."""
    return isinstance(err, ApiError) and err.code == 409 and err.reason == "Conflict"


def is_invalid(err: BaseException) -> bool:
    """``apierrors.IsInvalid``."""
    return isinstance(err, ApiError) and err.code == 422


def is_pod_terminal(pod: Mapping[str, Any]) -> bool:
    """``IsPodTerminal``: phase ``Succeeded`` or ``Failed``."""
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def filter_pods_by_owner(pods: Iterable[JSON], owner: Mapping[str, Any]) -> list[JSON]:
    """``FilterPodsByOwner``: the pods in the owner's namespace it controls, plus the orphans
    (which it may adopt)."""
    meta = owner["metadata"]
    out = []
    for pod in pods:
        if (pod.get("metadata") or {}).get("namespace", "") != meta.get("namespace", ""):
            continue
        ref = get_controller_of(pod)
        if ref is None or ref.get("uid") == meta.get("uid"):
            out.append(pod)
    return out


def get_scaled_value_from_int_or_percent(value: int | str | None, total: int,
                                         round_up: bool) -> int:
    """``intstr.GetScaledValueFromIntOrPercent``: an int as is, ``"25%"`` of ``total`` rounded
    up or down.

    >>> get_scaled_value_from_int_or_percent("25%", 10, True), \\
    ...     get_scaled_value_from_int_or_percent("25%", 10, False)
    (3, 2)
    """
    if value is None:
        raise ValueError("nil value for IntOrString")
    if isinstance(value, int):
        return value
    s = str(value)
    if not s.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a "
                         "percentage")
    try:
        pct = int(s[:-1])
    except ValueError:
        raise ValueError(f'invalid value "{s}": strconv.Atoi: parsing "{s[:-1]}": invalid '
                         "syntax") from None
    scaled = pct * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


class ControllerRevisionControllerRefManager(BaseControllerRefManager):
    """``ControllerRevisionControllerRefManager``: claims ControllerRevisions for a DaemonSet
    (adopt with a strategic merge patch, release with ``$patch: delete``)."""

    def __init__(self, client: Client, controller: Mapping[str, Any], selector: Selector,
                 api_version: str, kind: str,
                 can_adopt_func: Callable[[], None] | None = None) -> None:
        super().__init__(controller, selector, can_adopt_func)
        self.client = client
        self.api_version = api_version
        self.kind = kind

    def claim_controller_revisions(self, histories: Iterable[JSON]) -> list[JSON]:
        """``ClaimControllerRevisions``."""
        def match(obj: Mapping[str, Any]) -> bool:
            return self.selector.matches((obj.get("metadata") or {}).get("labels") or {})
        return self._claim_all(histories, match, self.adopt_controller_revision,
                               self.release_controller_revision)

    def adopt_controller_revision(self, history: Mapping[str, Any]) -> None:
        """``AdoptControllerRevision``."""
        meta = history["metadata"]
        try:
            self.can_adopt()
        except Exception as err:
            raise ControllerError(f"can't adopt ControllerRevision {meta.get('namespace')}/"
                                  f"{meta['name']} ({meta.get('uid')}): {err}") from err
        patch = owner_ref_controller_patch(self.controller, self.api_version, self.kind,
                                           meta["uid"])
        self.client.patch("controllerrevisions", meta["name"], patch,
                          meta.get("namespace", ""), patch_type="strategic")

    def release_controller_revision(self, history: Mapping[str, Any]) -> None:
        """``ReleaseControllerRevision``: 404 and 422 are ignored."""
        meta = history["metadata"]
        patch = generate_delete_owner_ref_strategic_merge_patch(
            meta["uid"], [self.controller["metadata"]["uid"]])
        try:
            self.client.patch("controllerrevisions", meta["name"], patch,
                              meta.get("namespace", ""), patch_type="strategic")
        except ApiError as err:
            if is_not_found(err) or is_invalid(err):
                return
            raise
