"""ipywidgets views of the live run, built on the hooks only (no simulation logic here).

=====================  ====================================================================
:class:`ClusterView`   nodes × pods grid (phase colours), step / run / settle / pause, progress
:class:`EtcdBrowser`   the ``/registry`` key tree and values, a slider over past revisions
:class:`RequestInspector`  pick a request; its pipeline diagram and every step's detail
:class:`SchedulerExplainer`  node × plugin filter verdicts and scores, the winner highlighted
:class:`RolloutTimeline`  old and new ReplicaSets' replica counts over virtual time
:class:`ProxyRules`    a node's iptables / ipvs rules, and a curl's hops drawn with graphviz
:class:`EventStream`   ``kubectl get events --watch`` as it happens
=====================  ====================================================================

Each view has ``.widget`` (the ipywidgets container), displays itself in a notebook, and has
``to_html()`` / ``to_text()`` renderings of its current state for tests and the static book.

Taught in notebooks/00-start-here.ipynb.
"""

from ._base import View, flush_views
from .cluster_view import ClusterView
from .etcd_browser import EtcdBrowser
from .event_stream import EventStream
from .proxy_rules import ProxyRules
from .request_inspector import RequestInspector
from .rollout_timeline import RolloutTimeline
from .scheduler_explainer import SchedulerExplainer

__all__ = [
    "ClusterView",
    "EtcdBrowser",
    "EventStream",
    "ProxyRules",
    "RequestInspector",
    "RolloutTimeline",
    "SchedulerExplainer",
    "View",
    "flush_views",
]
