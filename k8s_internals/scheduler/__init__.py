"""kube-scheduler on the simulator: the scheduling framework (extension points and their
plugins), the scheduling queue, the cache, the configuration, explain records, and the
:class:`Scheduler` that ties them to the API server.

>>> from k8s_internals.scheduler import Scheduler, score_plugin   # doctest: +SKIP
"""

from .config import KubeSchedulerConfiguration, load_config
from .explain import Attempt, Explainer
from .framework.adapters import filter_plugin, score_plugin
from .framework.interface import Code, Status
from .scheduler import Scheduler, num_feasible_nodes_to_find, select_host

__all__ = ["Attempt", "Code", "Explainer", "KubeSchedulerConfiguration", "Scheduler", "Status",
           "filter_plugin", "load_config", "num_feasible_nodes_to_find", "score_plugin",
           "select_host"]
