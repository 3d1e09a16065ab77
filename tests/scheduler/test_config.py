"""KubeSchedulerConfiguration: defaults, merging with the default plugins, plugin args and
validation errors (``apis/config/v1/default_plugins_test.go``, ``validation_test.go``)."""

from __future__ import annotations

import pytest

from k8s_internals.scheduler.config import ConfigError, PluginRef, default_config, load_config


def test_defaults() -> None:
    cfg = default_config()
    assert cfg.percentage_of_nodes_to_score == 0
    assert (cfg.pod_initial_backoff_seconds, cfg.pod_max_backoff_seconds) == (1.0, 10.0)
    assert [p.scheduler_name for p in cfg.profiles] == ["default-scheduler"]
    prof = cfg.profiles[0]
    multi = prof.plugins["multiPoint"].enabled
    assert PluginRef("TaintToleration", 3) in multi and PluginRef("NodeAffinity", 2) in multi
    assert prof.plugin_config["NodeResourcesFit"] == {"scoringStrategy": {
        "type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 1},
                                                {"name": "memory", "weight": 1}]}}
    assert prof.plugin_config["DefaultPreemption"] == {"minCandidateNodesPercentage": 10,
                                                       "minCandidateNodesAbsolute": 100}


YAML = """
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 50
podMaxBackoffSeconds: 20
profiles:
- schedulerName: default-scheduler
  plugins:
    multiPoint:
      enabled:
      - name: ImageLocality
        weight: 7
    score:
      disabled:
      - name: NodeResourcesBalancedAllocation
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
- schedulerName: bin-packer
  plugins:
    score:
      disabled: [{name: "*"}]
      enabled: [{name: NodeResourcesFit, weight: 5}]
"""


def test_load_yaml_merges_with_defaults() -> None:
    cfg = load_config(YAML)
    assert cfg.percentage_of_nodes_to_score == 50 and cfg.pod_max_backoff_seconds == 20
    a, b = cfg.profiles
    names = [p.name for p in a.plugins["multiPoint"].enabled]
    # the re-configured default keeps its place, with the new weight
    assert names.count("ImageLocality") == 1
    assert a.plugins["multiPoint"].enabled[names.index("ImageLocality")].weight == 7
    assert a.plugins["score"].disabled == [PluginRef("NodeResourcesBalancedAllocation")]
    assert a.plugin_config["NodeResourcesFit"]["scoringStrategy"]["type"] == "MostAllocated"
    assert a.plugin_config["NodeResourcesFit"]["scoringStrategy"]["resources"][0] == {
        "name": "cpu", "weight": 1}
    assert b.plugins["score"].enabled == [PluginRef("NodeResourcesFit", 5)]


@pytest.mark.parametrize(("config", "message"), [
    ({"percentageOfNodesToScore": 101},
     "percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]"),
    ({"podInitialBackoffSeconds": 0},
     "podInitialBackoffSeconds: Invalid value: 0: must be greater than 0"),
    ({"podInitialBackoffSeconds": 5, "podMaxBackoffSeconds": 2},
     "podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to "
     "PodInitialBackoffSeconds"),
    ({"profiles": [{"schedulerName": "a"}, {"schedulerName": "a"}]},
     'profiles[1].schedulerName: Duplicate value: "profiles[0].schedulerName"'),
    ({"profiles": [{"schedulerName": "a"}, {}]}, "profiles[1].schedulerName: Required value"),
    ({"profiles": [{"percentageOfNodesToScore": -1}]},
     "profiles[0].percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]"),
    ({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
        "type": "LeastAllocated", "resources": [{"name": "cpu", "weight": 101}]}}}]}]},
     "profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: "
     "101: resource weight of cpu not in valid range (0, 100]"),
    ({"profiles": [{"pluginConfig": [{"name": "NodeResourcesFit", "args": {"scoringStrategy": {
        "type": "Bogus"}}}]}]},
     'profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Bogus": '
     'supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"'),
    ({"profiles": [{"pluginConfig": [{"name": "DefaultPreemption", "args": {
        "minCandidateNodesPercentage": 0, "minCandidateNodesAbsolute": 0}}]}]},
     "profiles[0].pluginConfig[0].args: Invalid value: both minCandidateNodesPercentage and "
     "minCandidateNodesAbsolute cannot be zero"),
    ({"profiles": [{"pluginConfig": [{"name": "InterPodAffinity", "args": {}},
                                     {"name": "InterPodAffinity", "args": {}}]}]},
     'profiles[0].pluginConfig[1]: Duplicate value: "InterPodAffinity"'),
    ({"profiles": [{"schedulerName": "a", "plugins": {"queueSort": {
        "disabled": [{"name": "*"}], "enabled": [{"name": "Other"}]}}},
                   {"schedulerName": "b"}]},
     "profiles[1].plugins.queueSort: Invalid value: must be the same for all profiles"),
    ({"apiVersion": "kubescheduler.config.k8s.io/v1beta3"},
     'no kind "KubeSchedulerConfiguration" is registered for version '
     '"kubescheduler.config.k8s.io/v1beta3" in scheme "pkg/scheduler/apis/config/scheme/'
     'scheme.go:31"'),
])
def test_validation_errors(config: dict, message: str) -> None:
    with pytest.raises(ConfigError) as e:
        load_config(config)
    assert str(e.value) == message


def test_several_errors_aggregate() -> None:
    with pytest.raises(ConfigError) as e:
        load_config({"percentageOfNodesToScore": 101, "parallelism": 0})
    assert str(e.value) == (
        "[percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100], "
        "parallelism: Invalid value: 0: should be an integer value greater than zero]")
