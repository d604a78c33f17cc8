"""network-policy-enforced: each cluster runs an engine that enforces NetworkPolicies."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy import PACKS
from pulumi_llmops.policy.network import NETWORK_POLICY_ENFORCED

EKS = "aws:eks/cluster:Cluster"
ADDON = "aws:eks/addon:Addon"
GKE = "gcp:container/cluster:Cluster"
AKS = "azure-native:containerservice:ManagedCluster"
CLUSTER_URN = "urn:pulumi:test::llmops::{}::c"


def cni(values: Any, cluster: str = "ml") -> tuple[str, dict]:
    props = {"addonName": "vpc-cni", "clusterName": cluster}
    if values is not None:
        props["configurationValues"] = values
    return ADDON, props


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ([(EKS, {"name": "ml"}), cni('{"enableNetworkPolicy": "true"}')], []),
        ([(EKS, {"name": "ml"}), cni(UNKNOWN)], []),
        (
            [(EKS, {"name": "ml"}), cni(None)],
            [
                f"{EKS} 'c': the vpc-cni add-on runs without its network policy agent, so "
                "NetworkPolicies are not enforced. Fix: configurationValues "
                '{"enableNetworkPolicy": "true"}.'
            ],
        ),
        (
            [(EKS, {"name": "ml"}), cni('{"enableNetworkPolicy": "true"}', cluster="other")],
            [
                f"{EKS} 'c': no managed vpc-cni add-on, so nothing enforces NetworkPolicies. "
                'Fix: add the vpc-cni add-on with configurationValues {"enableNetworkPolicy": '
                '"true"}.'
            ],
        ),
        ([(GKE, {"datapathProvider": "ADVANCED_DATAPATH"})], []),
        ([(GKE, {"networkPolicy": {"enabled": True, "provider": "CALICO"}})], []),
        (
            [(GKE, {})],
            [
                f"{GKE} 'c': neither Dataplane V2 nor Calico network policy is on, so "
                "NetworkPolicies are not enforced. Fix: datapathProvider ADVANCED_DATAPATH (at "
                "creation) or networkPolicy {enabled: true, provider: CALICO}."
            ],
        ),
        ([(AKS, {"networkProfile": {"networkPolicy": "cilium"}})], []),
        (
            [(AKS, {"networkProfile": {"networkPolicy": "none"}})],
            [
                f"{AKS} 'c': networkProfile.networkPolicy is 'none', so NetworkPolicies are not "
                "enforced. Fix: set it to cilium (with networkDataplane cilium), calico or azure."
            ],
        ),
        ([("kubernetes:core/v1:Namespace", {})], []),
    ],
)
def test_network_policy_enforced(pol: Any, resources: list, expected: list[str]) -> None:
    args = pol.StackValidationArgs(
        [
            pol.stack_resource(type_, props, name="c" if type_ != ADDON else "a")
            for type_, props in resources
        ],
        None,
    )
    found = pol.verdict(NETWORK_POLICY_ENFORCED, args)
    assert [message for _urn, message in found] == expected
    assert all(urn.endswith("::c") for urn, _ in found)


def test_the_rule_is_in_the_security_baseline_pack() -> None:
    assert NETWORK_POLICY_ENFORCED in PACKS["security-baseline"]
