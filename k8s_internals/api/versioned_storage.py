"""The storage layer for multi-version resources: a :class:`~.storage.Storage` that serves a
resource from another resource's storage, converting on the way in and out.

Upstream the generic registry's store works on internal objects and its codec writes them in
the storage version (``apiserver/pkg/storage/storagebackend/factory``,
``apiserver/pkg/server/storage/storage_codec.go``); reads decode the stored bytes and the
handler converts to the version the request named. Here, for a resource whose
:attr:`~.resources.ResourceInfo.storage` is set (``events.k8s.io`` ``events``):

- reads (``get``, ``get_or_none``, ``list``) read the storage resource's keys and convert each
  object (list predicates see the *stored* object, as upstream's ``GetAttrs`` sees the internal
  one: the events.k8s.io field selector labels are core's, ``involvedObject.name``...);
- ``create`` converts the object to the storage version, writes it, and converts the result
  back; ``guaranteed_update`` converts the stored object for the caller's transform and the
  transform's result back; ``delete`` converts the last state;
- errors name the resource the client asked for (``events.events.k8s.io "x" not found``).

Every other resource goes straight to :class:`~.storage.Storage`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import errors
from .conversion import conversion_for, storage_info
from .resources import ResourceInfo
from .storage import ListResult, Storage

__all__ = ["VersionedStorage"]

Obj = dict[str, Any]


@contextmanager
def _errors_for(info: ResourceInfo, name: str) -> Iterator[None]:
    """Re-raise the storage resource's 404/409 as the requested resource's."""
    try:
        yield
    except errors.StatusError as exc:
        if exc.reason == "NotFound":
            raise errors.not_found(info.group, info.plural, name) from None
        if exc.reason == "AlreadyExists":
            raise errors.already_exists(info.group, info.plural, name) from None
        if exc.reason == "Conflict":
            raise errors.conflict(info.group, info.plural, name) from None
        raise


class VersionedStorage(Storage):
    """:class:`~.storage.Storage` plus conversion for resources served from another's
    storage."""

    def get(self, info: ResourceInfo, namespace: str, name: str,
            revision: int | None = None) -> Obj:
        conv = conversion_for(info)
        if conv is None:
            return super().get(info, namespace, name, revision)
        with _errors_for(info, name):
            return conv.from_storage(super().get(storage_info(info), namespace, name, revision))

    def get_or_none(self, info: ResourceInfo, namespace: str, name: str) -> Obj | None:
        conv = conversion_for(info)
        if conv is None:
            return super().get_or_none(info, namespace, name)
        obj = super().get_or_none(storage_info(info), namespace, name)
        return None if obj is None else conv.from_storage(obj)

    def list(self, info: ResourceInfo, namespace: str = "",
             predicate: Callable[[Obj], bool] | None = None, limit: int = 0,
             continue_token: str = "", revision: int = 0, encoded: bool = False,
             ) -> ListResult:
        conv = conversion_for(info)
        if conv is None:
            return super().list(info, namespace, predicate, limit, continue_token, revision,
                                encoded)
        result = super().list(storage_info(info), namespace, predicate, limit, continue_token,
                              revision)
        result.items = [conv.from_storage(o) for o in result.items]
        return result

    def create(self, info: ResourceInfo, obj: Obj) -> Obj:
        conv = conversion_for(info)
        if conv is None:
            return super().create(info, obj)
        # the handler's object (the request body, already a copy) is not used after the
        # create: the stored version may share its nested objects, as the reply may the stored
        with _errors_for(info, obj.get("metadata", {}).get("name", "")):
            created = super().create(storage_info(info), conv.to_storage(obj, copy=False))
        return conv.from_storage(created, copy=False)

    def guaranteed_update(self, info: ResourceInfo, namespace: str, name: str,
                          transform: Callable[[Obj], Obj], precondition_rv: str = "",
                          retries: int = 16, cached: Obj | None = None) -> tuple[Obj, Obj]:
        conv = conversion_for(info)
        if conv is None:
            return super().guaranteed_update(info, namespace, name, transform, precondition_rv,
                                             retries, cached)
        olds: list[Obj] = []

        def converted(stored: Obj) -> Obj:
            old = conv.from_storage(stored)
            olds.append(old)
            return conv.to_storage(transform(conv.from_storage(stored)))

        with _errors_for(info, name):
            _, new = super().guaranteed_update(storage_info(info), namespace, name, converted,
                                               precondition_rv, retries)
        return olds[-1], conv.from_storage(new)

    def delete(self, info: ResourceInfo, namespace: str, name: str,
               precondition: Callable[[Obj], None] | None = None) -> tuple[Obj, int]:
        conv = conversion_for(info)
        if conv is None:
            return super().delete(info, namespace, name, precondition)
        check = None if precondition is None else (
            lambda stored: precondition(conv.from_storage(stored)))
        with _errors_for(info, name):
            last, rev = super().delete(storage_info(info), namespace, name, check)
        return conv.from_storage(last), rev
