"""L3: `LlmOpsPlatform`, the bundle. The only place that wires clusters, pools and add-ons.

Everything it does can be done by composing L1 and L2 components by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi

from .addons.namespaces import PlatformNamespaces, PlatformNamespacesArgs, base_namespaces
from .cluster.existing import ExistingCluster, ExistingClusterArgs
from .cluster.handle import ClusterHandle
from .config.errors import ConfigError, Problem
from .config.platform import PlatformConfig


@dataclass
class LlmOpsPlatformArgs:
    """The validated stack config plus wiring the config cannot hold.

    `kubeconfig`: contents of the kubeconfig when `cluster.kubeconfig.secret_config_key` is
    used (pass the secret Output); ignored otherwise.
    """

    config: PlatformConfig
    kubeconfig: pulumi.Input[str] | None = None


class LlmOpsPlatform(pulumi.ComponentResource):
    """A whole LLMOps platform on one cluster.

    Creates: the cluster (or adopts it), its GPU pools, and the platform namespaces
    (`llmops-system` restricted, `llmops-models` baseline). Cloud SDKs are imported only for
    the configured target.
    Does not create: anything for a target other than `config.target`.
    """

    def __init__(
        self, name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:platform:LlmOpsPlatform", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)
        self.config = config
        self.cluster_component, self.gpu_pools = _TARGETS[config.target](name, args, child)
        self.cluster: ClusterHandle = self.cluster_component.handle
        self.namespaces = PlatformNamespaces(
            f"{name}-namespaces",
            PlatformNamespacesArgs(
                cluster=self.cluster, namespaces=base_namespaces(), labels=config.tags
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "cluster_name": self.cluster.name,
                "target": config.target,
                "region": config.region,
                "gpu_pools": sorted(self.cluster.gpu_pools),
            }
        )


def _onprem(
    name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions
) -> tuple[ExistingCluster, dict[str, pulumi.ComponentResource]]:
    from .cluster.onprem.gpu_pool import OnPremGpuPool, OnPremGpuPoolArgs

    config = args.config
    cluster = ExistingCluster(
        f"{name}-cluster",
        ExistingClusterArgs(
            region=config.region,
            target="onprem",
            kubeconfig=_kubeconfig_source(config, args.kubeconfig),
            context=config.cluster.kubeconfig.context if config.cluster.kubeconfig else None,
        ),
        opts=opts,
    )
    pools: dict[str, pulumi.ComponentResource] = {
        pool: OnPremGpuPool(
            f"{name}-{pool}",
            OnPremGpuPoolArgs(cluster=cluster.handle, pool=pool, spec=spec),
            opts=opts,
        )
        for pool, spec in sorted(config.node_pools.items())
    }
    return cluster, pools


def _kubeconfig_source(
    config: PlatformConfig, contents: pulumi.Input[str] | None
) -> pulumi.Input[str] | None:
    spec = config.cluster.kubeconfig
    if spec is None:
        return None
    if spec.secret_config_key:
        if contents is None:
            raise ConfigError(
                [
                    Problem(
                        "cluster.kubeconfig.secret_config_key",
                        "set, but LlmOpsPlatformArgs.kubeconfig was not given; "
                        f"pass pulumi.Config('llmops').require_secret({spec.secret_config_key!r})",
                        spec.secret_config_key,
                    )
                ]
            )
        return contents
    return spec.path


_TARGETS: dict[
    str,
    Callable[
        [str, LlmOpsPlatformArgs, pulumi.ResourceOptions],
        tuple[ExistingCluster, dict[str, pulumi.ComponentResource]],
    ],
] = {"onprem": _onprem}
