"""L3: `LlmOpsPlatform`, the bundle. The only place that wires clusters, pools and add-ons.

Everything it does can be done by composing L1 and L2 components by hand
(examples/compose-your-own).
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from ..addons.namespaces import PlatformNamespaces, PlatformNamespacesArgs, base_namespaces
from ..cluster.handle import ClusterHandle
from ..config.platform import PlatformConfig
from .data import build_data_addons
from .prepare import PlatformPlan, PlatformWiring, prepare
from .queues import build_queues
from .serving import build_serving
from .targets import build_target


@dataclass(frozen=True, kw_only=True)
class LlmOpsPlatformArgs(PlatformWiring):
    """The validated stack config plus the wiring it cannot hold (see `PlatformWiring`:
    `kubeconfig`, `snapshot_credentials`, read from secret config by the program)."""

    config: PlatformConfig


class LlmOpsPlatform(pulumi.ComponentResource):
    """A whole LLMOps platform on one cluster.

    Creates: the cluster (or adopts it), its GPU pools, the target's cluster-side add-ons
    (on EKS the Cluster Autoscaler; attribute `cluster_addons`), and the platform namespaces
    (`llmops-system` restricted, `llmops-models` baseline). Cloud SDKs are imported only for
    the configured target. Data add-ons (`bundle/data.py`): the vector database,
    observability and GitOps as configured (attributes `vector_db`, `observability`,
    `gitops`). Serving (`bundle/serving.py`): the NVIDIA GPU operator when the pools need
    it, cert-manager and KServe when models are configured, one InferenceService per
    `models` entry (attributes `gpu_operator`, `cert_manager`, `kserve`, `models`).
    Everything that can fail on bad input fails in `prepare`, before anything registers.
    Does not create: anything for a target other than `config.target`.
    """

    def __init__(
        self, name: str, args: LlmOpsPlatformArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        plan: PlatformPlan = prepare(args.config, args)
        super().__init__("llmops:platform:LlmOpsPlatform", name, None, opts)
        config = args.config
        child = pulumi.ResourceOptions(parent=self)
        self.config = config
        self.plan = plan
        self.contracts = plan.contracts
        parts = build_target(name, plan, child)
        self.cluster_component, self.gpu_pools = parts.cluster, dict(parts.pools)
        self.cluster_addons = dict(parts.addons)
        self.cluster: ClusterHandle = parts.cluster.handle  # type: ignore[attr-defined]
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
            gpu_prices=plan.gpu_prices,
            snapshot_credentials=plan.snapshot_credentials,
            gpu_operator_installed=plan.serving.gpu_operator,
            contracts=plan.contracts,
            # Volumes need the CSI driver and StorageClasses the cluster provides (EKS).
            depends_on=[self.namespaces, *self.cluster.storage_ready],
            chart_overrides=plan.chart_overrides,
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
            plan.serving,
            plan.contracts,
            child,
            namespaces=self.namespaces,
            observability=self.observability.chart if self.observability else None,
            chart_overrides=plan.chart_overrides,
        )
        self.gpu_operator = self.serving.gpu_operator
        self.cert_manager = self.serving.cert_manager
        self.kserve = self.serving.kserve
        self.models = self.serving.models
        # After the GPU operator: fine-tuning Jobs request GPUs its device plugin advertises.
        self.queues = build_queues(
            name,
            config,
            self.cluster,
            plan.queues,
            child,
            chart_overrides=plan.chart_overrides,
            prometheus=self.observability is not None,
            depends_on=[self.namespaces],
            gpu_depends_on=[self.gpu_operator.chart] if self.gpu_operator else [],
        )
        self.kueue = self.queues.kueue
        self.finetune = self.queues.finetune
        self.register_outputs(
            {
                "cluster_name": self.cluster.name,
                "target": config.target,
                "region": config.region,
                "gpu_pools": sorted(plan.contracts),
            }
        )
