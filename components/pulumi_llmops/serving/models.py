"""`ModelDeployments`: one KServe InferenceService per configured model, model caches, and
the models namespace's NetworkPolicy.

Upstream: https://kserve.github.io/website/docs/model-serving/generative-inference/overview
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from .. import k8s
from ..cluster.contracts import GpuPoolContract
from ..cluster.handle import ClusterHandle
from ..config.models import ModelSpec
from ..config.serving import ModelCacheSpec
from ..kube import MANAGED_BY, MODELS_NAMESPACE, custom_resource
from .autoscaling import scale_metric, uses_keda
from .claims import resource_claim_template
from .manifests import (
    Placement,
    gpu_resource_name,
    inference_service,
    local_model_cache,
    local_model_node_group,
)
from .network import models_network_policy
from .sizing import ModelSizing


@dataclass(frozen=True, kw_only=True)
class ModelDeploymentsArgs:
    """Wiring: the cluster, the GPU pools' contracts (they place replicas), the models with
    their sizing, and what must exist first. `gpu_depends_on` is waited for by GPU models
    only (the GPU operator), `depends_on` by every model (KServe, the models namespace),
    `cache_depends_on` by the cache objects (the model cache CRDs and controller),
    `keda_depends_on` by models scaling through KEDA (the KEDA chart), `dra_depends_on` by
    the ResourceClaimTemplates of models on DRA pools (the DRA driver chart: its DeviceClasses).

    `runtime_base` is the Hugging Face runtime's image tag (the kserve-runtime-configs pin's
    version; GPU models get its `-gpu` build). `prometheus_url` (the observability stack's
    Prometheus) lets models scale on vLLM metrics through KEDA. `storage_version` tags
    KServe's storage initializer, which downloads object-store LoRA adapters (default: the
    pinned kserve-resources version). `client_namespaces`, when
    not None, creates the models NetworkPolicy admitting them (see `serving.network`)."""

    cluster: ClusterHandle
    pools: Mapping[str, GpuPoolContract]
    models: Mapping[str, ModelSpec]
    sizing: Mapping[str, ModelSizing]
    deployment_mode: str = "Standard"
    mig_strategy: str = "single"
    model_cache: ModelCacheSpec = field(default_factory=ModelCacheSpec)
    namespace: str = MODELS_NAMESPACE
    depends_on: Sequence[pulumi.Resource] = ()
    gpu_depends_on: Sequence[pulumi.Resource] = ()
    cache_depends_on: Sequence[pulumi.Resource] = ()
    keda_depends_on: Sequence[pulumi.Resource] = ()
    dra_depends_on: Sequence[pulumi.Resource] = ()
    runtime_base: str | None = None
    storage_version: str | None = None
    prometheus_url: str | None = None
    client_namespaces: Sequence[str] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    routed: frozenset[str] = frozenset()
    """Models behind the inference gateway: one scaling on queue or kv_cache is scaled by
    the gateway's ScaledObject, so its InferenceService says autoscalerClass none."""


class ModelDeployments(pulumi.ComponentResource):
    """The stack's served models.

    Creates: per model an InferenceService `<name>-<model>` (Hugging Face runtime, its GPU
    build for GPU models, vLLM backend, GPUs from the pool contract's resource, node selector
    and tolerations of the chosen pool, deployment mode stated, scaling on vLLM's queue
    through KEDA where Prometheus is known); per pool holding a cached model a
    LocalModelNodeGroup `<name>-<pool>-cache-nodes`, and per cached model a LocalModelCache
    `<name>-<model>-cache`; per model on a DRA pool (`gpu.allocation: dra`) a
    resource.k8s.io/v1 ResourceClaimTemplate `<name>-<model>-claim` (named `<model>-gpu`:
    TP devices of the pool's DeviceClass with at least the memory the sizing computed), which
    the predictor references instead of `nvidia.com/gpu`; with `client_namespaces` the NetworkPolicy
    `<name>-network-policy` of the models namespace.
    Does not create: KServe, KEDA, the GPU operator, the models namespace (the bundle's),
    storage credentials for s3:// / gs:// / gated hf:// models, authentication.
    """

    def __init__(
        self, name: str, args: ModelDeploymentsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:serving:ModelDeployments", name, None, opts)
        handle = args.cluster
        child = pulumi.ResourceOptions(parent=self, provider=handle.provider)
        self.node_groups: dict[str, k8s.apiextensions.CustomResource] = {}
        self.caches: dict[str, k8s.apiextensions.CustomResource] = {}
        self.inference_services: dict[str, k8s.apiextensions.CustomResource] = {}
        self.claim_templates: dict[str, k8s.resource.v1.ResourceClaimTemplate] = {}
        cached_pools = sorted(
            {args.sizing[m].pool for m, spec in args.models.items() if spec.cache} - {None}
        )
        for pool in cached_pools:
            contract = args.pools[pool]
            self.node_groups[pool] = custom_resource(
                f"{name}-{pool}-cache-nodes",
                local_model_node_group(pool, contract.node_selector, args.model_cache),
                child,
                args.cache_depends_on,
            )
        for model_name, spec in sorted(args.models.items()):
            sizing = args.sizing[model_name]
            after: list[pulumi.Resource] = list(args.depends_on)
            placement = None
            if not sizing.cpu_only:
                placement = self._placement(args.pools, sizing, args.mig_strategy)
                after += args.gpu_depends_on
                if placement.claim:
                    assert sizing.pool is not None
                    manifest = resource_claim_template(
                        model_name, args.namespace, sizing, args.pools[sizing.pool]
                    )
                    self.claim_templates[model_name] = k8s.resource.v1.ResourceClaimTemplate(
                        f"{name}-{model_name}-claim",
                        metadata=manifest["metadata"],
                        spec=manifest["spec"],
                        opts=pulumi.ResourceOptions.merge(
                            child,
                            pulumi.ResourceOptions(
                                depends_on=[*args.depends_on, *args.dra_depends_on]
                            ),
                        ),
                    )
                    after.append(self.claim_templates[model_name])
            metric = scale_metric(spec, args.deployment_mode, keda=args.prometheus_url is not None)
            if uses_keda(metric):
                if model_name in args.routed:
                    metric = None  # InferenceGateway's ScaledObject scales it
                else:
                    after += args.keda_depends_on
            if spec.cache:
                assert sizing.pool is not None
                self.caches[model_name] = custom_resource(
                    f"{name}-{model_name}-cache",
                    local_model_cache(model_name, spec, sizing),
                    child,
                    [*args.cache_depends_on, self.node_groups[sizing.pool]],
                )
                after.append(self.caches[model_name])
            self.inference_services[model_name] = custom_resource(
                f"{name}-{model_name}",
                inference_service(
                    model_name,
                    args.namespace,
                    spec,
                    sizing,
                    placement,
                    args.deployment_mode,
                    runtime_base=args.runtime_base,
                    metric=metric,
                    prometheus_url=args.prometheus_url,
                    storage_version=args.storage_version,
                ),
                child,
                after,
            )
        self.network_policy: k8s.networking.v1.NetworkPolicy | None = None
        if args.client_namespaces is not None:
            policy = models_network_policy(
                list(args.client_namespaces), {**MANAGED_BY, **args.labels}, args.namespace
            )
            self.network_policy = k8s.networking.v1.NetworkPolicy(
                f"{name}-network-policy",
                metadata=policy["metadata"],
                spec=policy["spec"],
                opts=pulumi.ResourceOptions.merge(
                    child, pulumi.ResourceOptions(depends_on=list(args.depends_on))
                ),
            )
        self.register_outputs(
            {
                "models": sorted(self.inference_services),
                "pools": {m: s.pool for m, s in sorted(args.sizing.items())},
            }
        )

    @staticmethod
    def _placement(
        pools: Mapping[str, GpuPoolContract], sizing: ModelSizing, strategy: str
    ) -> Placement:
        assert sizing.pool is not None
        contract = pools[sizing.pool]
        if contract.allocation == "dra":
            return Placement(contract.node_selector, contract.tolerations, None, claim=True)
        resource = gpu_resource_name(
            contract.gpu_resource, contract.sharing, sizing.mig_profile, strategy
        )
        if resource is None:
            raise ValueError(f"pool {sizing.pool!r} advertises no single GPU resource")
        return Placement(contract.node_selector, contract.tolerations, resource)
