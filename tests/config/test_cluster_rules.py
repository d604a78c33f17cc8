"""Cloud cluster configs that cannot work in one `pulumi up` (or on the next one) are
rejected before anything registers, each named by its YAML path with the way out."""

from __future__ import annotations

import copy

import pytest

from helpers.cloud_configs import SUBNETS, platform
from pulumi_llmops.config import ConfigError, load_platform_config

VNET = (
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-net/providers/"
    "Microsoft.Network/virtualNetworks/vnet-ml"
)
OTHER_VNET = VNET.replace("vnet-ml", "vnet-other")


def problems(data: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_platform_config(data)
    return [p.render() for p in info.value.problems]


def eks(cluster: dict, **pools: dict) -> dict:
    return platform("eks", {"eks": cluster}, **pools)


def test_eks_new_network_needs_public_access_cidrs() -> None:
    assert problems(eks({"create_network": True})) == [
        "cluster.eks.public_access_cidrs: required with create_network: true: the VPC is "
        "created in this deployment, so nothing running Pulumi can be inside it to reach a "
        "private API endpoint. List the runner's egress CIDRs (close the endpoint later by "
        "removing them, then deploy from inside the VPC), or bring subnet_ids of a VPC your "
        "runner is in"
    ]
    load_platform_config(eks({"create_network": True, "public_access_cidrs": ["203.0.113.0/24"]}))
    # Bring-your-own subnets with a private endpoint: a runner in that VPC reaches it.
    load_platform_config(eks({"subnet_ids": SUBNETS}))


def test_eks_version_outside_standard_support_at_the_catalogue_date() -> None:
    assert problems(eks({"subnet_ids": SUBNETS, "kubernetes_version": "1.33"})) == [
        "cluster.eks.kubernetes_version: left standard support on 2026-07-29 (catalogue date "
        "2026-12-02, catalog/data/kubernetes_versions.yaml); pin a supported minor (1.34, "
        "1.35) or leave it unset (got '1.33')",
        "cluster.eks.autoscaler_image_tag: required: the catalogue has no Cluster Autoscaler "
        "tag for Kubernetes 1.33 (its minor must match the cluster's); set it, e.g. v1.33.0",
    ]
    assert problems(eks({"subnet_ids": SUBNETS, "kubernetes_version": "1.29"}))[0] == (
        "cluster.eks.kubernetes_version: not offered by aws at the catalogue date 2026-12-02 "
        "(in standard support: 1.34, 1.35); pin one of those or leave it unset (got '1.29')"
    )
    # Extended support is an explicit, billed choice; a newer minor than the data is allowed.
    load_platform_config(
        eks(
            {
                "subnet_ids": SUBNETS,
                "kubernetes_version": "1.33",
                "support_type": "EXTENDED",
                "autoscaler_image_tag": "v1.33.5",
            }
        )
    )
    load_platform_config(
        eks(
            {"subnet_ids": SUBNETS, "kubernetes_version": "1.36", "autoscaler_image_tag": "v1.36.0"}
        )
    )


def test_eks_without_an_autoscaler_a_zero_pool_never_starts() -> None:
    data = eks({"subnet_ids": SUBNETS, "autoscaler": "none"})
    assert problems(data) == [
        "node_pools.l4.min_nodes: 0 with cluster.eks.autoscaler: none: nothing would ever "
        "start a node in this pool; set min_nodes >= 1 or use autoscaler: cluster-autoscaler "
        "(got 0)"
    ]
    data["node_pools"]["l4"]["min_nodes"] = 1
    load_platform_config(data)


def test_eks_adopted_cluster_needs_private_node_subnets() -> None:
    data = eks(
        {"existing": True}, l4={"machine_type": "g6.xlarge"}, a10g={"machine_type": "g5.xlarge"}
    )
    assert problems(data) == [
        "cluster.eks.node_subnet_ids: required when adopting a cluster: its control-plane "
        "subnets may be public, and GPU nodes belong in private subnets; list them here, or "
        "per pool in node_pools.<name>.eks.subnet_ids (missing for: a10g, l4)"
    ]
    load_platform_config(eks({"existing": True, "node_subnet_ids": SUBNETS}))
    pooled = copy.deepcopy(data)
    for pool in pooled["node_pools"].values():
        pool["eks"] = {"subnet_ids": SUBNETS}
    load_platform_config(pooled)


def test_eks_adopted_cluster_add_ons_are_not_ours() -> None:
    data = eks({"existing": True, "node_subnet_ids": SUBNETS, "network_policy": False})
    assert problems(data) == [
        "cluster.eks.network_policy: only when creating the cluster (existing: true)"
    ]


def test_gke_gpu_pools_need_zones_that_offer_their_machine_type() -> None:
    pool = {"machine_type": "a2-ultragpu-1g"}
    assert problems(platform("gke", a100=pool)) == [
        "node_pools.a100.gke.node_locations: required on GKE for a GPU pool: GPUs exist only "
        "in some zones, and min_nodes is spread over the listed zones; list the zones "
        "(a2-ultragpu-1g is offered in us-central1-a, us-central1-c)"
    ]
    pool["gke"] = {"node_locations": ["us-central1-a", "us-central1-b"]}
    [problem] = problems(platform("gke", a100=pool))
    assert problem.startswith(
        "node_pools.a100.gke.node_locations: a2-ultragpu-1g is not offered in us-central1-b; "
        "zones of us-central1 that offer it: us-central1-a, us-central1-c (catalogue: "
        "skypilot-org/skypilot-catalog"
    )
    pool["gke"] = {"node_locations": ["europe-west4-a"]}
    # Reported once, by the region check (config/regions.py), at the zone's own path.
    assert problems(platform("gke", a100=pool)) == [
        "node_pools.a100.gke.node_locations.0: zone 'europe-west4-a' is in europe-west4, not in "
        "the stack's region us-central1 (got 'europe-west4-a')"
    ]
    pool["gke"] = {"node_locations": ["us-central1-c"]}
    load_platform_config(platform("gke", a100=pool))


def test_gke_zone_outside_the_catalogue_is_not_checked() -> None:
    data = platform("gke")
    data["region"] = "me-central2"
    data["node_pools"]["l4"]["gke"] = {"node_locations": ["me-central2-b"]}
    load_platform_config(data)


def test_aks_private_api_server_on_an_aks_made_vnet_is_unreachable() -> None:
    data = platform("aks")
    del data["cluster"]["aks"]
    message = (
        "the API server would be private (no authorized_ip_ranges) on a virtual network that "
        "AKS creates during this deployment, so nothing running Pulumi can reach it: set "
        "authorized_ip_ranges (your runner's egress CIDRs; public API server limited to them), "
        "or vnet_subnet_id (a subnet of a VNet your runner is in or peered with; optionally "
        "api_server_subnet_id)"
    )
    assert problems(data) == [f"cluster.aks: {message}"]
    data["cluster"]["aks"] = {"kubernetes_version": "1.35"}
    assert problems(data) == [f"cluster.aks.authorized_ip_ranges: {message}"]
    data["cluster"]["aks"]["vnet_subnet_id"] = f"{VNET}/subnets/nodes"
    load_platform_config(data)


def test_aks_version_and_upgrade_channel() -> None:
    aks = {"authorized_ip_ranges": ["198.51.100.0/24"], "kubernetes_version": "1.33"}
    assert problems(platform("aks", {"aks": aks})) == [
        "cluster.aks.kubernetes_version: left standard support on 2026-07-31 (catalogue date "
        "2026-12-02, catalog/data/kubernetes_versions.yaml); pin a supported minor (1.35, "
        "1.36, 1.37) or leave it unset (got '1.33')"
    ]
    aks = {**aks, "kubernetes_version": "1.35", "upgrade_channel": "stable"}
    assert problems(platform("aks", {"aks": aks})) == [
        "cluster.aks.upgrade_channel: 'stable' moves the cluster to newer minor versions, so "
        "with kubernetes_version '1.35' pinned the next update would ask AKS for a downgrade; "
        "use 'patch' (or 'node-image', 'none') or drop kubernetes_version (got 'stable')"
    ]
    config = load_platform_config(platform("aks", {"aks": {**aks, "upgrade_channel": None}}))
    assert config.cluster.aks is not None
    assert config.cluster.aks.resolved_upgrade_channel == "patch"


@pytest.mark.parametrize(
    ("aks", "expected"),
    [
        (
            {"api_server_subnet_id": f"{VNET}/subnets/api"},
            "cluster.aks.api_server_subnet_id: needs vnet_subnet_id (API Server VNet "
            "Integration puts the API server into your VNet, next to the nodes)",
        ),
        (
            {
                "vnet_subnet_id": f"{VNET}/subnets/nodes",
                "api_server_subnet_id": f"{OTHER_VNET}/subnets/api",
            },
            f"cluster.aks.api_server_subnet_id: must be a subnet of the nodes' VNet '{VNET}' "
            "(got '/subscriptions/",
        ),
        (
            {
                "vnet_subnet_id": f"{VNET}/subnets/nodes",
                "api_server_subnet_id": f"{VNET}/subnets/nodes",
            },
            "cluster.aks.api_server_subnet_id: must be its own (empty, delegated) subnet, not "
            "vnet_subnet_id",
        ),
    ],
)
def test_aks_api_server_subnet_rules(aks: dict, expected: str) -> None:
    # Long ARM ids are shortened in "(got ...)": compare up to there.
    [problem] = problems(platform("aks", {"aks": {"authorized_ip_ranges": ["1.2.3.0/24"], **aks}}))
    assert problem.startswith(expected)


def test_aks_pool_subnet_needs_the_cluster_subnet_in_the_same_vnet() -> None:
    pool = {
        "machine_type": "Standard_NC4as_T4_v3",
        "aks": {"vnet_subnet_id": f"{VNET}/subnets/gpu"},
    }
    assert problems(platform("aks", t4=pool)) == [
        "node_pools.t4.aks.vnet_subnet_id: needs cluster.aks.vnet_subnet_id: AKS puts every "
        "pool of a cluster in one VNet, and without it the system pool is on an AKS-managed VNet"
    ]
    cluster = {"aks": {"vnet_subnet_id": f"{OTHER_VNET}/subnets/nodes"}}
    [problem] = problems(platform("aks", cluster, t4=pool))
    assert problem.startswith(
        f"node_pools.t4.aks.vnet_subnet_id: must be a subnet of the cluster's VNet '{OTHER_VNET}'"
    )
    load_platform_config(platform("aks", {"aks": {"vnet_subnet_id": f"{VNET}/subnets/n"}}, t4=pool))
    # An adopted cluster's VNet is not known here: the pool's subnet is taken as given.
    adopted = {"aks": {"existing": True, "existing_resource_group": "rg"}}
    load_platform_config(platform("aks", adopted, t4=pool))
