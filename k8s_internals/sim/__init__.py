"""Deterministic discrete-event kernel (virtual clock, event heap, seeded RNG) and its wall-clock
driver. Nothing here reads the wall clock except :mod:`k8s_internals.sim.realtime`."""

from .kernel import DEFAULT_EPOCH, Event, Kernel, PeriodicTimer, Priority, Timer
from .realtime import RealTimeDriver

__all__ = [
    "DEFAULT_EPOCH",
    "Event",
    "Kernel",
    "PeriodicTimer",
    "Priority",
    "RealTimeDriver",
    "Timer",
]
