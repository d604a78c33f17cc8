"""L3: `LlmOpsPlatform`, the bundle. The only place that wires clusters, pools and add-ons.

Everything it does can be done by composing L1 and L2 components by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi

from .addons.namespaces import PlatformNamespaces, PlatformNamespacesArgs, base_namespaces
from .addons.wiring_data import build_data_addons, prepare_data_addons
from .cluster.existing import ExistingCluster, ExistingClusterArgs
from .cluster.handle import ClusterHandle
from .config.errors import ConfigError, Problem
from .config.platform import PlatformConfig
from .serving.wiring import build_serving, prepare_serving


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
    the configured target. Data add-ons (`addons/wiring_data.py`): the vector database,
    observability and GitOps as configured (attributes `vector_db`, `observability`,
    `gitops`). Serving (`serving/wiring.py`): the NVIDIA GPU operator when the pools need
    it, cert-manager and KServe when models are configured, one InferenceService per
    `models` entry (attributes `gpu_operator`, `cert_manager`, `kserve`, `models`).
    Does not create: anything for a target other than `config.target`.
    """

    def __init__(
        self, name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Model sizing and GPU operator checks fail before anything registers.
        serving_plan = prepare_serving(args.config)
        prepare_data_addons(args.config)
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
        self.data_addons = build_data_addons(
            name,
            config,
            self.cluster,
            child,
            gpu_operator_installed=serving_plan.gpu_operator,
            depends_on=[self.namespaces],
        )
        self.vector_db = self.data_addons.vector_db
        self.observability = self.data_addons.observability
        self.gitops = self.data_addons.gitops
        # After observability: the GPU operator chart renders the DCGM ServiceMonitor, whose
        # CRD comes with kube-prometheus-stack.
        self.serving = build_serving(
            name,
            config,
            self.cluster,
            serving_plan,
            child,
            namespaces=self.namespaces,
            observability=self.observability.chart if self.observability else None,
        )
        self.gpu_operator = self.serving.gpu_operator
        self.cert_manager = self.serving.cert_manager
        self.kserve = self.serving.kserve
        self.models = self.serving.models
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
            OnPremGpuPoolArgs(
                cluster=cluster.handle,
                pool=pool,
                spec=spec,
                gpu_memory_gib=config.gpu_memory_gib(pool),
            ),
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


def _eks(
    name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions
) -> tuple[pulumi.ComponentResource, dict[str, pulumi.ComponentResource]]:
    from .cluster.aws import EksCluster, EksClusterArgs, EksGpuNodePool, EksGpuNodePoolArgs

    config = args.config
    assert config.cluster.eks is not None  # PlatformConfig requires cluster.eks on eks
    tags = config.resource_tags
    cluster = EksCluster(
        f"{name}-cluster",
        EksClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.eks,
            environment=config.environment,
            tags=tags,
        ),
        opts=opts,
    )
    pools: dict[str, pulumi.ComponentResource] = {
        pool: EksGpuNodePool(
            f"{name}-{pool}",
            EksGpuNodePoolArgs(
                cluster=cluster.handle,
                pool=pool,
                spec=spec,
                cluster_name=cluster.cluster.name,
                node_role_arn=cluster.node_role.arn,
                subnet_ids=cluster.subnet_ids,
                catalog=config.catalog,
                tags=tags,
                depends_on=cluster.node_prerequisites,
            ),
            opts=opts,
        )
        for pool, spec in sorted(config.node_pools.items())
    }
    return cluster, pools


def _gke(
    name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions
) -> tuple[pulumi.ComponentResource, dict[str, pulumi.ComponentResource]]:
    from .cluster.gcp import GkeCluster, GkeClusterArgs, GkeGpuNodePool, GkeGpuNodePoolArgs

    config = args.config
    assert config.cluster.gke is not None  # PlatformConfig requires cluster.gke on gke
    cluster = GkeCluster(
        f"{name}-cluster",
        GkeClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.gke,
            environment=config.environment,
            labels=config.resource_tags,
        ),
        opts=opts,
    )
    pools: dict[str, pulumi.ComponentResource] = {
        pool: GkeGpuNodePool(
            f"{name}-{pool}",
            GkeGpuNodePoolArgs(
                cluster=cluster.handle,
                pool=pool,
                spec=spec,
                cluster_id=cluster.cluster_id,
                project=config.cluster.gke.project,
                location=config.region,
                service_account=cluster.node_service_account,
                catalog=config.catalog,
                labels=config.resource_tags,
            ),
            opts=opts,
        )
        for pool, spec in sorted(config.node_pools.items())
    }
    return cluster, pools


def _aks(
    name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions
) -> tuple[pulumi.ComponentResource, dict[str, pulumi.ComponentResource]]:
    from .cluster.azure import AksCluster, AksClusterArgs, AksGpuNodePool, AksGpuNodePoolArgs
    from .config.aks import AksClusterSpec

    config = args.config
    cluster = AksCluster(
        f"{name}-cluster",
        AksClusterArgs(
            cluster_name=config.cluster.name,
            region=config.region,
            spec=config.cluster.aks or AksClusterSpec(),
            environment=config.environment,
            tags=config.resource_tags,
        ),
        opts=opts,
    )
    pools: dict[str, pulumi.ComponentResource] = {
        pool: AksGpuNodePool(
            f"{name}-{pool}",
            AksGpuNodePoolArgs(
                cluster=cluster.handle,
                pool=pool,
                spec=spec,
                resource_group_name=cluster.resource_group_name,
                cluster_resource_name=cluster.managed_cluster_name,
                catalog=config.catalog,
                tags=config.resource_tags,
            ),
            opts=opts,
        )
        for pool, spec in sorted(config.node_pools.items())
    }
    return cluster, pools


_TARGETS: dict[
    str,
    Callable[
        [str, LlmOpsPlatformArgs, pulumi.ResourceOptions],
        tuple[pulumi.ComponentResource, dict[str, pulumi.ComponentResource]],
    ],
] = {"onprem": _onprem, "eks": _eks, "gke": _gke, "aks": _aks}
