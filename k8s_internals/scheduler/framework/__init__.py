"""The scheduling framework: statuses and extension points (:mod:`.interface`), per-cycle
state (:mod:`.cycle_state`), node and pod bookkeeping (:mod:`.types`), the runtime that runs a
profile's plugins (:mod:`.runtime`) and adapters for plain-Python plugins (:mod:`.adapters`).
Mirrors ``pkg/scheduler/framework/``."""

from .cycle_state import CycleState
from .interface import MAX_NODE_SCORE, MIN_NODE_SCORE, Code, NodeScore, Status
from .types import FitError, NodeInfo, PodInfo, QueuedPodInfo, Resource

__all__ = ["MAX_NODE_SCORE", "MIN_NODE_SCORE", "Code", "CycleState", "FitError", "NodeInfo",
           "NodeScore", "PodInfo", "QueuedPodInfo", "Resource", "Status"]
