"""`ClusterHandle`: what every L1 cluster component hands to add-ons and serving."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s


@dataclass(frozen=True, kw_only=True)
class ClusterHandle:
    """A reachable Kubernetes cluster: who it is and how to reach it. Immutable.

    `provider` is the explicit Kubernetes provider every Kubernetes child must use;
    `kubeconfig` is a secret Output (None when the ambient kubeconfig is used). The GPU
    pools on the cluster are not part of the handle: each pool component exposes its
    `contract`, and components that place work on pools take those contracts explicitly.
    """

    name: str
    target: str
    region: str
    provider: k8s.Provider
    kubeconfig: pulumi.Output[str] | None = None


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
