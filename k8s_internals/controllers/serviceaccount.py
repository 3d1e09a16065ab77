"""The service account controller: every active namespace has a ``default`` ServiceAccount.

Upstream: ``pkg/controller/serviceaccount/serviceaccounts_controller.go``
(``ServiceAccountsController``, ``DefaultServiceAccountsControllerOptions`` ensures one account,
``default``). The queue holds namespace names: a namespace added or updated is queued, and so
is the namespace of a deleted ServiceAccount — which is why deleting ``default`` brings it back
at once. ``syncNamespace`` skips namespaces that are not ``Active`` (a terminating namespace
refuses new content anyway) and creates each missing account, ignoring ``AlreadyExists`` and
the ``NamespaceTerminating`` refusal.

The ServiceAccount admission plugin refuses pods in a namespace until its ``default`` account
exists, so this controller is what makes a new namespace usable. It records no events.
"""

from __future__ import annotations

from typing import Any

from ..client.cache import DeletedFinalStateUnknown
from ..client.client import ApiError, Client
from ..client.informer import InformerFactory
from ..sim import Kernel
from .base import Controller

__all__ = ["DEFAULT_SERVICE_ACCOUNTS", "ServiceAccountsController"]

#: ``DefaultServiceAccountsControllerOptions().ServiceAccounts``
DEFAULT_SERVICE_ACCOUNTS = ("default",)


def _has_status_cause(exc: ApiError, cause: str) -> bool:
    """``errors.HasStatusCause``."""
    details = exc.status.get("details") or {}
    return any(c.get("reason") == cause for c in details.get("causes") or [])


class ServiceAccountsController(Controller):
    """``ServiceAccountsController``."""

    name = "serviceaccount-controller"

    def __init__(self, client: Client, kernel: Kernel, factory: InformerFactory, *,
                 service_accounts: tuple[str, ...] = DEFAULT_SERVICE_ACCOUNTS) -> None:
        super().__init__(client, kernel, factory)
        self.service_accounts_to_ensure = service_accounts
        self.service_accounts = self.informer("serviceaccounts")
        self.service_accounts.add_event_handler(on_delete=self.service_account_deleted)
        self.namespaces = self.informer("namespaces")
        self.namespaces.add_event_handler(on_add=self.enqueue,
                                          on_update=lambda old, new: self.enqueue(new))

    def service_account_deleted(self, obj: Any) -> None:
        """``serviceAccountDeleted``: re-check the account's namespace."""
        if isinstance(obj, DeletedFinalStateUnknown):
            obj = obj.obj
        self.enqueue_key(obj["metadata"]["namespace"])

    def sync(self, key: str) -> None:
        """``syncNamespace``."""
        ns = self.namespaces.get(key)
        if ns is None:
            return
        if (ns.get("status") or {}).get("phase") != "Active":
            return  # not active: don't try to create anything
        failures: list[str] = []
        for name in self.service_accounts_to_ensure:
            if self.service_accounts.get(f"{key}/{name}") is not None:
                continue
            sa = {"apiVersion": "v1", "kind": "ServiceAccount",
                  "metadata": {"name": name, "namespace": key}}
            try:
                self.client.create("serviceaccounts", sa, key)
            except ApiError as exc:
                if exc.code == 409 and exc.status.get("reason") == "AlreadyExists":
                    continue
                if _has_status_cause(exc, "NamespaceTerminating"):
                    continue
                failures.append(exc.message)
        if failures:
            raise RuntimeError("; ".join(failures))
