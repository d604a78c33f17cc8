"""`ExistingCluster`: adopt a running cluster from a kubeconfig (any target, usually on-prem).

Upstream: https://www.pulumi.com/registry/packages/kubernetes/api-docs/provider/
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from .handle import connect


@dataclass(frozen=True, kw_only=True)
class ExistingClusterArgs:
    """Wiring for an adopted cluster.

    `kubeconfig` is the kubeconfig contents or a file path (made secret either way); with
    neither `kubeconfig` nor `context`, the ambient kubeconfig's current context is used.
    """

    region: str
    target: str = "onprem"
    kubeconfig: pulumi.Input[str] | None = None
    context: str | None = None


class ExistingCluster(pulumi.ComponentResource):
    """Adopts an existing Kubernetes cluster.

    Creates: one explicit Kubernetes provider (`<name>-k8s`) with server-side apply on and
    `cluster_identifier=<name>`, so rotating credentials updates the provider instead of
    replacing every resource on the cluster.
    Does not create: the cluster, nodes, or any credentials.
    """

    def __init__(
        self, name: str, args: ExistingClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:cluster:ExistingCluster", name, None, opts)
        kubeconfig = pulumi.Output.secret(args.kubeconfig) if args.kubeconfig is not None else None
        self.handle = connect(
            f"{name}-k8s",
            cluster_name=name,
            target=args.target,
            region=args.region,
            kubeconfig=kubeconfig,
            context=args.context,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.provider = self.handle.provider
        self.register_outputs({"name": name, "target": args.target, "region": args.region})
