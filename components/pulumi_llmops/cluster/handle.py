"""`ClusterHandle`: what every L1 cluster component hands to add-ons and serving."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from .storage import StorageClassNames


@dataclass(frozen=True, kw_only=True)
class ClusterHandle:
    """A reachable Kubernetes cluster: who it is and how to reach it. Immutable.

    `provider` is the explicit Kubernetes provider every Kubernetes child must use;
    `kubeconfig` is a secret Output (None when the ambient kubeconfig is used). The GPU
    pools on the cluster are not part of the handle: each pool component exposes its
    `contract`, and components that place work on pools take those contracts explicitly.

    `storage` names the cluster's StorageClasses for stateful add-ons (a default class and
    its reclaimPolicy-Retain twin; None when the library does not know them, e.g. on-prem
    or an adopted EKS cluster without the EBS CSI add-on); `storage_ready` are the
    resources (CSI driver, StorageClasses) volumes need, for add-ons to depend on.
    """

    name: str
    target: str
    region: str
    provider: k8s.Provider
    kubeconfig: pulumi.Output[str] | None = None
    storage: StorageClassNames | None = None
    storage_ready: tuple[pulumi.Resource, ...] = ()


def connect(
    resource_name: str,
    *,
    cluster_name: str,
    target: str,
    region: str,
    kubeconfig: pulumi.Output[str] | None,
    opts: pulumi.ResourceOptions,
    context: str | None = None,
) -> ClusterHandle:
    """The explicit Kubernetes provider every cluster component hands out, and its handle.

    Server-side apply on; `cluster_identifier=cluster_name`, so rotating credentials updates
    the provider instead of replacing every resource on the cluster. `opts` carries the
    parent (and what the provider must wait for).
    """
    provider = k8s.Provider(
        resource_name,
        kubeconfig=kubeconfig,
        context=context,
        cluster_identifier=cluster_name,
        enable_server_side_apply=True,
        opts=opts,
    )
    return ClusterHandle(
        name=cluster_name, target=target, region=region, provider=provider, kubeconfig=kubeconfig
    )
