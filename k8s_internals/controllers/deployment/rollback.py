"""Rolling back a Deployment to an earlier revision.

Two ways, both upstream:

- **Today (kubectl, client side)** — ``kubectl rollout undo deployment/web [--to-revision=N]``
  reads the ReplicaSets of the Deployment, picks the one with revision N (default: the
  previous one), and PATCHes the Deployment with that RS's pod template (minus the
  ``pod-template-hash`` label) and annotations. The controller then sees an ordinary template
  change: :func:`~.util.find_new_replica_set` finds the old RS (same template), it becomes the
  new RS again and its revision is bumped to max+1 (the old number goes to
  ``deployment.kubernetes.io/revision-history``). No new RS, no new hash. Upstream:
  ``staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go`` (``DeploymentRollbacker``,
  ``deploymentRevision``, ``getDeploymentPatch``); here :func:`rollout_undo`.
- **Before apps/v1 (controller side)** — ``spec.rollbackTo`` of extensions/v1beta1 and
  apps/v1beta1, still honoured by the controller through the
  ``deprecated.deployment.rollback.to`` annotation. Upstream:
  ``pkg/controller/deployment/rollback.go`` (``rollback``, ``rollbackToTemplate``,
  ``emitRollbackWarningEvent``, ``emitRollbackNormalEvent``,
  ``updateDeploymentAndClearRollbackTo``, ``getRollbackTo``, ``setRollbackTo``); here
  :class:`RollbackMixin`. Events: ``DeploymentRollback`` "Rolled back deployment "web" to
  revision 2", ``DeploymentRollbackRevisionNotFound``, ``DeploymentRollbackTemplateUnchanged``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ...api.selectors import label_selector_as_selector
from ...client.client import Client
from ...client.record import EVENT_NORMAL, EVENT_WARNING
from ..controller_utils import JSON, ControllerError, is_controlled_by
from . import util
from .sync import SyncMixin

__all__ = [
    "ROLLBACK_SKIPPED",
    "ROLLBACK_SUCCESS",
    "RollbackMixin",
    "deployment_revision",
    "get_rollback_to",
    "rollout_undo",
]

get_rollback_to = util.get_rollback_to
set_rollback_to = util.set_rollback_to

#: kubectl's ``rollbackSuccess`` / ``rollbackSkipped``
ROLLBACK_SUCCESS = "rolled back"
ROLLBACK_SKIPPED = "skipped rollback"


class RollbackMixin(SyncMixin):
    """The ``rollback.go`` methods of :class:`~.controller.DeploymentController`."""

    def rollback(self, d: JSON, rs_list: list[JSON]) -> None:
        """``rollback``: to the annotated revision (0 = the last one), then clear it."""
        new_rs, all_old = self.get_all_replica_sets_and_sync_revision(d, rs_list, True)
        all_rss = [*all_old, new_rs]
        to = get_rollback_to(d) or 0
        if to == 0:
            to = util.last_revision(all_rss)
            if to == 0:
                self.emit_rollback_warning_event(d, util.ROLLBACK_REVISION_NOT_FOUND,
                                                 "Unable to find last revision.")
                self.update_deployment_and_clear_rollback_to(d)
                return
        for rs in all_rss:
            if rs is None:
                continue
            try:
                v = util.revision(rs)
            except ValueError:
                continue
            if v == to:
                # "revision number will be incremented during the next
                # getAllReplicaSetsAndSyncRevision call"
                if self.rollback_to_template(d, rs):
                    self.emit_rollback_normal_event(
                        d, f'Rolled back deployment "{d["metadata"]["name"]}" to revision {to}')
                return
        self.emit_rollback_warning_event(d, util.ROLLBACK_REVISION_NOT_FOUND,
                                         "Unable to find the revision to rollback to.")
        self.update_deployment_and_clear_rollback_to(d)

    def rollback_to_template(self, d: JSON, rs: JSON) -> bool:
        """``rollbackToTemplate``: copy the RS's template and annotations if they differ."""
        performed = False
        if not util.equal_ignore_hash(d["spec"]["template"], rs["spec"]["template"]):
            util.set_from_replica_set_template(d, rs["spec"]["template"])
            util.set_deployment_annotations_to(d, rs)
            performed = True
        else:
            self.emit_rollback_warning_event(
                d, util.ROLLBACK_TEMPLATE_UNCHANGED,
                "The rollback revision contains the same template as current deployment "
                f'"{d["metadata"]["name"]}"')
        self.update_deployment_and_clear_rollback_to(d)
        return performed

    def emit_rollback_warning_event(self, d: JSON, reason: str, message: str) -> None:
        self.recorder.event(d, EVENT_WARNING, reason, message)

    def emit_rollback_normal_event(self, d: JSON, message: str) -> None:
        self.recorder.event(d, EVENT_NORMAL, util.ROLLBACK_DONE, message)

    def update_deployment_and_clear_rollback_to(self, d: JSON) -> None:
        """``updateDeploymentAndClearRollbackTo``: PUT the Deployment without the annotation."""
        set_rollback_to(d, None)
        self.client.update("deployments", d)


# -- kubectl rollout undo ------------------------------------------------------------------------


def _owned_replica_sets(client: Client, d: Mapping[str, Any]) -> list[JSON]:
    """kubectl's ``deploymentutil.GetAllReplicaSets``: RSes matching the selector and
    controlled by the Deployment."""
    selector = label_selector_as_selector(d["spec"].get("selector"))
    items = client.list("replicasets", d["metadata"].get("namespace", ""),
                        label_selector=str(selector))["items"]
    return [rs for rs in items if is_controlled_by(rs, d)]


def deployment_revision(client: Client, d: Mapping[str, Any], to_revision: int) -> JSON:
    """kubectl's ``deploymentRevision``: the RS with revision ``to_revision``, or for 0 the
    second newest revision."""
    latest_rev = previous_rev = -1
    latest: JSON | None = None
    previous: JSON | None = None
    for rs in _owned_replica_sets(client, d):
        try:
            v = util.revision(rs)
        except ValueError:
            continue
        if to_revision == 0:
            if latest_rev < v:
                previous_rev, previous = latest_rev, latest
                latest_rev, latest = v, rs
            elif previous_rev < v:
                previous_rev, previous = v, rs
        elif to_revision == v:
            return rs
    if to_revision > 0:
        raise ControllerError(f"unable to find specified revision {to_revision} in history")
    if previous is None:
        raise ControllerError(
            f'no rollout history found for deployment "{d["metadata"]["name"]}"')
    return previous


def rollout_undo(client: Client, name: str, namespace: str = "default",
                 to_revision: int = 0) -> str:
    """``kubectl rollout undo deployment/<name> [--to-revision=N]``: returns kubectl's result
    (``rolled back`` or ``skipped rollback (current template already matches revision N)``),
    raises :class:`~..controller_utils.ControllerError` with kubectl's messages."""
    if to_revision < 0:
        raise ControllerError(f"unable to find specified revision {to_revision} in history")
    d = client.get("deployments", name, namespace)
    rs = deployment_revision(client, d, to_revision)
    if (d.get("spec") or {}).get("paused"):
        raise ControllerError("you cannot rollback a paused deployment; resume it first with "
                              "'kubectl rollout resume' and try again")
    if util.equal_ignore_hash(rs["spec"]["template"], d["spec"]["template"]):
        return (f"{ROLLBACK_SKIPPED} (current template already matches revision "
                f"{to_revision})")
    template = copy.deepcopy(rs["spec"]["template"])
    labels = (template.get("metadata") or {}).get("labels")
    if isinstance(labels, dict):
        labels.pop(util.DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY, None)
    annotations = {k: v for k, v in util.annotations(d).items() if k in util.ANNOTATIONS_TO_SKIP}
    annotations.update({k: v for k, v in util.annotations(rs).items()
                        if k not in util.ANNOTATIONS_TO_SKIP})
    patch = [{"op": "replace", "path": "/spec/template", "value": template},
             {"op": "replace", "path": "/metadata/annotations", "value": annotations}]
    try:
        client.patch("deployments", name, patch, namespace, patch_type="json")
    except Exception as err:
        raise ControllerError(f"failed restoring revision {to_revision}: {err}") from err
    return ROLLBACK_SUCCESS
