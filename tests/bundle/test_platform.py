"""The L3 bundle on the mock engine: the default stack's tree, parents and providers."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import onprem_platform, run, run_platform
from pulumi_llmops.offline.stack_file import read_stack_file
from pulumi_llmops.program import main

ROOT = Path(__file__).resolve().parents[2]


def default_stack():
    stack = read_stack_file(ROOT / "stacks" / "Pulumi.dev-onprem.yaml")
    return run(main, stack.config, stack.secret_keys)


def test_default_stack_urns_match_snapshot(snapshot) -> None:
    recording, _ = default_stack()
    assert recording.urns() == snapshot


def test_every_child_has_a_parent_and_kubernetes_children_use_the_explicit_provider() -> None:
    recording, platform = default_stack()
    provider = recording.named("dev-lab-cluster-k8s")
    urns = {r.urn for r in recording}
    for resource in recording:
        if resource.type == "llmops:platform:LlmOpsPlatform":
            assert resource.parent == "urn:pulumi:test::llmops::pulumi:pulumi:Stack::llmops-test"
            continue
        assert resource.parent in urns, resource.urn
        if resource.custom and resource.type.startswith("kubernetes:"):
            assert resource.provider == provider.urn, resource.urn


def test_namespaces_carry_pod_security_and_tags() -> None:
    recording, _ = run_platform(onprem_platform())
    models = recording.named("lab-namespaces-llmops-models")
    assert models.inputs["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "pulumi-llmops",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "team": "ml",
    }
    system = recording.named("lab-namespaces-llmops-system")
    assert system.inputs["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_stack_outputs_expose_each_pool_contract() -> None:
    recording, _ = run_platform(onprem_platform())
    assert recording.outputs["gpu_pools"] == {
        "l4": {
            "gpu_model": "L4",
            "gpu_resource": "nvidia.com/gpu",
            "allocation": "device-plugin",
            "gpus_per_node": 2,
            "node_selector": {"llmops.dev/pool": "l4"},
            "tolerations": [
                {
                    "effect": "NoSchedule",
                    "key": "nvidia.com/gpu",
                    "operator": "Equal",
                    "value": "present",
                }
            ],
        }
    }
    assert (recording.outputs["target"], recording.outputs["region"]) == ("onprem", "lab-dc1")


def test_a_dra_pool_s_output_names_no_extended_resource() -> None:
    """Pods get a DRA pool's GPUs through a ResourceClaimTemplate, not `nvidia.com/gpu`: the
    output said `gpu_resource: nvidia.com/gpu` for DRA pools (MIG ones included) until the
    onprem-dra-gpu-claims example showed it; it now says `allocation: dra` and None."""
    pools = {
        "l4": {"gpu": {"model": "L4", "count": 2}, "onprem": {"node_names": ["gpu-1"]}},
        "h100": {
            "gpu": {"model": "H100", "count": 8, "allocation": "dra"},
            "sharing": {"mig": {"profile": "all-3g.40gb"}},
            "onprem": {"node_names": ["gpu-2"]},
        },
    }
    platform = onprem_platform(
        node_pools=pools, addons={"dra_driver": {"kubernetes_version": "1.34"}}
    )
    recording, _ = run_platform(platform)
    outputs = recording.outputs["gpu_pools"]
    assert (outputs["h100"]["allocation"], outputs["h100"]["gpu_resource"]) == ("dra", None)
    assert (outputs["l4"]["allocation"], outputs["l4"]["gpu_resource"]) == (
        "device-plugin",
        "nvidia.com/gpu",
    )


def test_bad_config_registers_nothing() -> None:
    from pulumi_llmops.config import ConfigError
    from pulumi_llmops.offline.engine import run_program
    from pulumi_llmops.offline.recording import Recording

    config = {"llmops:platform": json.dumps(onprem_platform(environment="BAD"))}
    recording = Recording()
    try:
        run_program(main, config=config, recording=recording)
    except ConfigError as error:
        assert [p.path for p in error.problems] == ["environment"]
    else:
        raise AssertionError("ConfigError expected")
    assert recording.resources == []
