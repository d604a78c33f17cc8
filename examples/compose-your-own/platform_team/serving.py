"""L2 serving: cert-manager -> KServe (CRDs, controller, runtimes) -> one InferenceService per
model, each sized by the library (GPUs per replica, pool) from the pools' catalogue shapes."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_llmops.addons import PlatformNamespaces
from pulumi_llmops.addons.cert_manager import CertManager, CertManagerArgs
from pulumi_llmops.addons.gpu_operator import GpuOperator, mig_strategy
from pulumi_llmops.addons.kserve import KServe, KServeArgs
from pulumi_llmops.cluster import ClusterHandle
from pulumi_llmops.kube import MODELS_NAMESPACE
from pulumi_llmops.serving import ModelDeployments, ModelDeploymentsArgs, ModelSizing
from pulumi_llmops.serving import size_models as library_size_models
from pulumi_llmops.serving.network import model_client_namespaces

from .gpu import GpuPools, gpu_setups
from .settings import TeamSettings


def size_models(settings: TeamSettings, plan: GpuPools) -> dict[str, ModelSizing]:
    """Pool and GPUs per replica of every model; one `ConfigError` names each that cannot fit.

    Call it before creating anything, so a model that fits no pool fails the preview early.
    """
    return library_size_models(settings.models, plan.contracts, plan.shapes)


@dataclass
class Serving:
    cert_manager: CertManager
    kserve: KServe
    models: ModelDeployments | None


def create_serving(
    settings: TeamSettings,
    handle: ClusterHandle,
    plan: GpuPools,
    sizing: dict[str, ModelSizing],
    namespaces: PlatformNamespaces,
    gpu_operator: GpuOperator | None,
) -> Serving:
    name = settings.cluster_name
    cert_manager = CertManager(
        f"{name}-cert-manager", CertManagerArgs(cluster=handle, spec=settings.cert_manager)
    )
    kserve = KServe(
        f"{name}-kserve",
        KServeArgs(
            cluster=handle,
            spec=settings.kserve,
            # KServe's webhooks need cert-manager's CRDs and webhook first.
            depends_on=[cert_manager.chart],
            # vLLM tensor-parallel workers talk through /dev/shm.
            runtime_dev_shm=any(s.tensor_parallel > 1 for s in sizing.values()),
        ),
    )
    models = None
    if settings.models:
        models = ModelDeployments(
            f"{name}-models",
            ModelDeploymentsArgs(
                cluster=handle,
                pools=plan.contracts,
                models=settings.models,
                sizing=sizing,
                deployment_mode=settings.kserve.deployment_mode,
                mig_strategy=mig_strategy(gpu_setups(settings, plan)),
                model_cache=settings.kserve.model_cache,
                depends_on=[namespaces.namespaces[MODELS_NAMESPACE], *kserve.ready],
                gpu_depends_on=[gpu_operator.chart] if gpu_operator is not None else [],
                cache_depends_on=kserve.cache_ready,
                # Who may call the models: Prometheus (metrics) and the team's namespaces.
                client_namespaces=[
                    *model_client_namespaces(settings.kserve, settings.observability.namespace),
                    *settings.team_namespaces,
                ],
                labels=settings.tags,
            ),
        )
    return Serving(cert_manager, kserve, models)
