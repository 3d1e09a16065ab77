"""The ``noderesources`` family: ``NodeResourcesFit`` (filter + score with a scoring strategy:
LeastAllocated, MostAllocated or RequestedToCapacityRatio) and
``NodeResourcesBalancedAllocation``, as ``pkg/scheduler/framework/plugins/noderesources/``."""
