"""Network policy enforcement: every EKS, GKE and AKS cluster of the stack runs an engine
that enforces Kubernetes NetworkPolicies (the vector DB and model namespaces rely on them).

Engines: EKS the VPC CNI's network policy agent (`vpc-cni` add-on with
`enableNetworkPolicy: "true"`), GKE Dataplane V2 (`ADVANCED_DATAPATH`) or Calico
(`networkPolicy.enabled`), AKS the `networkProfile.networkPolicy` engine (Azure, Calico or
Cilium).
https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from .context import unversioned
from .props import as_bool, get, is_unknown
from .rule import Rule

AKS_ENGINES = ("azure", "calico", "cilium")


def _eks_problem(cluster: Any, addons: list[Any]) -> str | None:
    name = get(cluster.props, "name")
    cni = [
        a
        for a in addons
        if get(a.props, "addonName") == "vpc-cni"
        and (is_unknown(get(a.props, "clusterName")) or get(a.props, "clusterName") == name)
    ]
    if not cni:
        return (
            "no managed vpc-cni add-on, so nothing enforces NetworkPolicies. Fix: add the "
            'vpc-cni add-on with configurationValues {"enableNetworkPolicy": "true"}.'
        )
    values = get(cni[0].props, "configurationValues")
    if is_unknown(values):
        return None  # computed at deploy: cannot be judged
    try:
        enabled = json.loads(values or "{}").get("enableNetworkPolicy")
    except (TypeError, ValueError, AttributeError):
        enabled = None
    if str(enabled).lower() != "true":
        return (
            "the vpc-cni add-on runs without its network policy agent, so NetworkPolicies "
            'are not enforced. Fix: configurationValues {"enableNetworkPolicy": "true"}.'
        )
    return None


def _gke_problem(cluster: Any) -> str | None:
    datapath = get(cluster.props, "datapathProvider")
    calico = get(cluster.props, "networkPolicy.enabled")
    if is_unknown(datapath) or is_unknown(calico):
        return None
    if datapath == "ADVANCED_DATAPATH" or as_bool(calico, False):
        return None
    return (
        "neither Dataplane V2 nor Calico network policy is on, so NetworkPolicies are not "
        "enforced. Fix: datapathProvider ADVANCED_DATAPATH (at creation) or networkPolicy "
        "{enabled: true, provider: CALICO}."
    )


def _aks_problem(cluster: Any) -> str | None:
    engine = get(cluster.props, "networkProfile.networkPolicy")
    if is_unknown(engine) or str(engine).lower() in AKS_ENGINES:
        return None
    return (
        f"networkProfile.networkPolicy is {engine!r}, so NetworkPolicies are not enforced. "
        "Fix: set it to cilium (with networkDataplane cilium), calico or azure."
    )


def check_network_policy(args: Any, config: Mapping[str, Any]) -> Iterator[tuple[str | None, str]]:
    resources = list(args.resources)
    addons = [r for r in resources if unversioned(r.resource_type) == "aws:eks/addon:Addon"]
    for r in resources:
        t = unversioned(r.resource_type)
        if t == "aws:eks/cluster:Cluster":
            problem = _eks_problem(r, addons)
        elif t == "gcp:container/cluster:Cluster":
            problem = _gke_problem(r)
        elif t == "azure-native:containerservice:ManagedCluster":
            problem = _aks_problem(r)
        else:
            continue
        if problem:
            yield r.urn, f"{t} {r.name!r}: {problem}"


NETWORK_POLICY_ENFORCED = Rule(
    name="network-policy-enforced",
    description="Every EKS, GKE and AKS cluster runs an engine that enforces Kubernetes "
    "NetworkPolicies.",
    kind="stack",
    check=check_network_policy,
    severity="high",
    remediation="EKS: vpc-cni add-on with enableNetworkPolicy; GKE: Dataplane V2 or Calico "
    "network policy; AKS: networkProfile.networkPolicy cilium, calico or azure. Without one, "
    "the NetworkPolicies in front of the vector database and the models admit everything.",
)

RULES: tuple[Rule, ...] = (NETWORK_POLICY_ENFORCED,)
