"""Config errors of the serving and data plans: hooks turned back on by values_overrides,
adopted on-prem pools without the labels their MIG / time-slicing / cache needs, a second
KServe mode, GKE COS nodes nobody installs a driver on, and the storage rules."""

from __future__ import annotations

from typing import Any

import pytest

from helpers import onprem_platform
from helpers.cloud_configs import platform as cloud_platform
from pulumi_llmops.bundle import prepare
from pulumi_llmops.config import ConfigError, load_platform_config

MODEL = {"storage_uri": "hf://Qwen/Qwen2.5-7B-Instruct", "params_billion": 7.6}
A100_SELECTED = {
    "gpu": {"model": "A100-80GB", "count": 8},
    "sharing": {"mig": {"profile": "all-3g.40gb"}},
    "onprem": {"node_selector": {"hw.example.com/gpu": "a100"}, "node_count": 2},
}
L4_SELECTED = {
    "gpu": {"model": "L4", "count": 2},
    "sharing": {"time_slicing": {"replicas": 4}},
    "onprem": {"node_selector": {"hw.example.com/gpu": "l4"}, "node_count": 3},
}


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as err:
        prepare(load_platform_config(data))
    return [p.render() for p in err.value.problems]


@pytest.mark.parametrize(
    ("addons", "expected"),
    [
        (
            {
                "observability": {
                    "values_overrides": {"prometheusOperator": {"tls": {"enabled": True}}}
                }
            },
            "addons.observability.values_overrides.prometheusOperator.tls.enabled: turns a Helm "
            "hook back on, and Pulumi never runs Helm hooks (the operator Deployment mounts "
            "<fullname>-admission while TLS is on, and only the dropped hook Job creates that "
            "Secret); remove it (got True)",
        ),
        (
            {"gpu_operator": {"values_overrides": {"gpuCluster": {"deployCR": True}}}},
            "addons.gpu_operator.values_overrides.gpuCluster.deployCR: turns a Helm hook back "
            "on, and Pulumi never runs Helm hooks (with a chart-managed GPUCluster, destroy needs "
            "the dropped pre-delete cleanup Job); remove it (got True)",
        ),
        (
            {
                "gitops": {
                    "engine": "argocd",
                    "applications": {
                        "a": {"repo_url": "https://g.example.com/a.git", "namespace": "a"}
                    },
                    "values_overrides": {"redisSecretInit": {"enabled": True}},
                }
            },
            "addons.gitops.values_overrides.redisSecretInit.enabled: turns a Helm hook back on, "
            "and Pulumi never runs Helm hooks (pre-install Job creating Secret argocd-redis (key "
            "auth); the library creates that Secret from a generated password instead); remove "
            "it (got True)",
        ),
        (
            {
                "vector_db": {
                    "engine": "milvus",
                    "values_overrides": {"pulsarv3": {"kube-prometheus-stack": {"enabled": True}}},
                }
            },
            "addons.vector_db.values_overrides.pulsarv3.kube-prometheus-stack.enabled: turns a "
            "Helm hook back on, and Pulumi never runs Helm hooks (Pulsar's bundled Prometheus "
            "stack needs admission hook Jobs); remove it (got True)",
        ),
    ],
)
def test_values_overrides_cannot_turn_a_hook_back_on(addons: dict, expected: str) -> None:
    assert problems(onprem_platform(addons=addons)) == [expected]


def test_cert_manager_startup_check_cannot_come_back() -> None:
    addons = {"cert_manager": {"values_overrides": {"startupapicheck": {"enabled": True}}}}
    assert problems(onprem_platform(models={"m": MODEL}, addons=addons)) == [
        "addons.cert_manager.values_overrides.startupapicheck.enabled: turns a Helm hook back "
        "on, and Pulumi never runs Helm hooks (post-install Job waiting for the webhook; "
        "replaced by pulumi.com/waitFor on the webhook configurations (their CA bundle "
        "injected)); remove it (got True)"
    ]


def test_selector_pools_must_already_carry_their_mig_and_time_slicing_labels() -> None:
    data = onprem_platform(node_pools={"a100": A100_SELECTED, "l4": L4_SELECTED})
    assert problems(data) == [
        "node_pools.a100.onprem.existing_labels: nodes adopted by node_selector are not "
        "patched, so the platform partitions them with MIG only if they already carry "
        "nvidia.com/mig.config=all-3g.40gb: label the nodes and list the label here, or adopt "
        "them by node_names (got {})",
        "node_pools.l4.onprem.existing_labels: nodes adopted by node_selector are not patched, "
        "so the platform time-slices their GPUs only if they already carry "
        "nvidia.com/device-plugin.config=l4: label the nodes and list the label here, or adopt "
        "them by node_names (got {})",
    ]


def test_declared_labels_join_the_contract_and_the_slot_count_holds() -> None:
    labelled = {
        **A100_SELECTED,
        "onprem": {
            **A100_SELECTED["onprem"],
            "existing_labels": {"nvidia.com/mig.config": "all-3g.40gb"},
        },
    }
    plan = prepare(load_platform_config(onprem_platform(node_pools={"a100": labelled})))
    contract = plan.contracts["a100"]
    assert contract.labels == {
        "hw.example.com/gpu": "a100",
        "nvidia.com/mig.config": "all-3g.40gb",
    }
    assert contract.node_selector == {"hw.example.com/gpu": "a100"}
    # 8 A100s x 2 slices of 3g.40gb: what the MIG manager makes of the labelled nodes.
    assert contract.schedulable_gpus_per_node == 16
    [setup] = plan.serving.setups
    assert setup.mig_manager == "operator"


def test_existing_labels_only_with_node_selector() -> None:
    pool = {
        "gpu": {"model": "L4", "count": 1},
        "onprem": {"node_names": ["n1"], "existing_labels": {"a": "b"}},
    }
    with pytest.raises(ConfigError) as err:
        load_platform_config(onprem_platform(node_pools={"l4": pool}))
    assert [p.render() for p in err.value.problems] == [
        "node_pools.l4.onprem.existing_labels: only with node_selector"
    ]


def test_a_second_kserve_mode_in_values_overrides_is_rejected() -> None:
    overrides = {"kserve": {"controller": {"deploymentMode": "Knative"}}}
    data = onprem_platform(models={"m": MODEL}, addons={"kserve": {"values_overrides": overrides}})
    assert problems(data) == [
        "addons.kserve.values_overrides.kserve.controller.deploymentMode: overrides "
        "addons.kserve.deployment_mode ('Standard'); every InferenceService states that mode: "
        "set deployment_mode instead (got 'Knative')"
    ]


def test_gke_cos_nodes_without_a_driver_are_rejected() -> None:
    pool = {
        "machine_type": "g2-standard-8",
        "max_nodes": 2,
        "gke": {"gpu_driver_version": "INSTALLATION_DISABLED", "node_locations": ["us-central1-a"]},
    }
    [problem] = problems(cloud_platform("gke", l4=pool))
    assert problem.startswith(
        "node_pools.l4.gke.image_type: with gpu_driver_version INSTALLATION_DISABLED nothing "
        "installs the NVIDIA driver on COS_CONTAINERD nodes"
    )
    ubuntu = {**pool, "gke": {**pool["gke"], "image_type": "UBUNTU_CONTAINERD"}}
    plan = prepare(load_platform_config(cloud_platform("gke", l4=ubuntu)))
    [setup] = plan.serving.setups
    assert (setup.driver, setup.toolkit, setup.device_plugin) == ("operator",) * 3


def test_vector_db_storage_rules() -> None:
    retain = {"vector_db": {"retain_storage_class": {}}}
    assert problems(onprem_platform(addons=retain)) == [
        "addons.vector_db.retain_storage_class.provisioner: required on-prem: the CSI driver "
        "of the cluster's block storage (e.g. rbd.csi.ceph.com)"
    ]
    both = {"vector_db": {"retain_storage_class": {"provisioner": "x.csi"}, "storage_class": "y"}}
    with pytest.raises(ConfigError) as err:
        load_platform_config(onprem_platform(addons=both))
    assert [p.path for p in err.value.problems] == ["addons.vector_db.retain_storage_class"]
    plan = prepare(load_platform_config(cloud_platform("eks") | {"addons": retain}))
    assert plan.config.addons.vector_db.volume_storage_class == "llmops-retain"


@pytest.mark.parametrize(
    ("snapshots", "path", "message"),
    [
        (
            {"path": "team/qdrant"},
            "addons.vector_db.snapshots.path",
            "Qdrant's S3 snapshot storage has no key prefix",
        ),
        (
            {"ca_bundle": {"secret": "minio-ca"}},
            "addons.vector_db.snapshots.ca_bundle",
            "Qdrant's S3 snapshot client takes no CA setting (qdrant/qdrant#8934)",
        ),
    ],
)
def test_qdrant_snapshot_options_it_cannot_honour(snapshots: dict, path: str, message: str) -> None:
    base = {"bucket": "vec-snap", "credentials": {"existing_secret": "s3"}}
    data = onprem_platform(addons={"vector_db": {"snapshots": {**base, **snapshots}}})
    with pytest.raises(ConfigError) as err:
        load_platform_config(data)
    [problem] = err.value.problems
    assert problem.path == path and problem.message.startswith(message)


def test_the_model_cache_host_path_is_the_agents() -> None:
    with pytest.raises(ConfigError) as err:
        load_platform_config(
            onprem_platform(addons={"kserve": {"model_cache": {"host_path": "/mnt/models"}}})
        )
    assert [p.render() for p in err.value.problems] == [
        "addons.kserve.model_cache.host_path: the pinned cache node agent always keeps the "
        "cache in /models on the host; set /models or leave it unset (got '/mnt/models')"
    ]
