"""`KServe`: KServe CRDs, controller, ClusterServingRuntimes and (optionally) the model cache.

Install order (KServe v0.20 Helm guide): cert-manager, kserve-crd, kserve-resources, then
kserve-runtime-configs; the model cache charts (kserve-localmodel-crd, -resources) after.
The kserve charts expose no values to annotate their webhook configurations, so the
component adds `pulumi.com/waitFor` on the injected CA bundle with a transform of its own
charts (`kube.await_webhook_ca`): the runtimes and models wait for usable webhooks.
Upstream: https://kserve.github.io/website/docs/admin-guide/kubernetes-deployment
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ..cluster.handle import ClusterHandle
from ..config.serving import KServeSpec
from ..kube import await_webhook_ca, deep_merge, helm_chart, labelled_namespace
from ..versions import chart_pin

NAMESPACE = "kserve"


def kserve_values(spec: KServeSpec) -> dict[str, Any]:
    """kserve-resources values: deployment mode, gateway, model cache switch."""
    gateway = spec.gateway
    return {
        "kserve": {
            "controller": {
                "deploymentMode": spec.deployment_mode,
                "gateway": {
                    "domain": gateway.domain,
                    "urlScheme": gateway.url_scheme,
                    "disableIngressCreation": gateway.disable_ingress_creation,
                    "ingressGateway": {
                        "enableGatewayApi": gateway.enable_gateway_api,
                        "className": gateway.class_name,
                    },
                },
            },
            "localmodel": {"enabled": spec.model_cache.enabled},
        }
    }


def runtime_configs_values(dev_shm: bool = False) -> dict[str, Any]:
    """kserve-runtime-configs values: the chart installs no runtime unless enabled.

    `dev_shm` mounts a memory-backed /dev/shm in Hugging Face runtime pods: vLLM's
    tensor-parallel workers exchange data through shared memory (NCCL), and the container
    default of 64 MiB is too small.
    """
    values: dict[str, Any] = {"kserve": {"servingruntime": {"enabled": True}}}
    if dev_shm:
        values["kserve"]["servingruntime"]["huggingfaceserver"] = {"devShm": {"enabled": True}}
    return values


def localmodel_values(tolerations: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """kserve-localmodel-resources values: cache on, and the node agent DaemonSet tolerating
    the cached pools' taints. The v0.20.0 chart schedules the agent by
    `kserve.localmodelnode.controller.{nodeSelector,tolerations}` (nodeSelector kept at its
    default `kserve/localmodel: worker`, the label the cached pools' contracts carry) and
    mounts /models from the host; the `kserve.localmodel.agent.*` values are not read."""
    values: dict[str, Any] = {"kserve": {"localmodel": {"enabled": True}}}
    if tolerations:
        values["kserve"]["localmodelnode"] = {
            "controller": {"tolerations": [dict(t) for t in tolerations]}
        }
    return values


@dataclass(frozen=True, kw_only=True)
class KServeArgs:
    """Wiring: the cluster, the spec, chart pin overrides, what must exist first (cert-manager),
    the tolerations the model-cache node agent needs to reach the cached pools, and whether
    Hugging Face runtime pods need a /dev/shm (models with tensor parallelism > 1)."""

    cluster: ClusterHandle
    spec: KServeSpec = field(default_factory=KServeSpec)
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    cache_tolerations: Sequence[Mapping[str, str]] = ()
    runtime_dev_shm: bool = False


class KServe(pulumi.ComponentResource):
    """KServe model serving in `Standard` (default) or `Knative` deployment mode.

    Creates: Namespace `kserve` as `<name>-namespace` (Pod Security baseline, privileged
    with the model cache: its node agent mounts a host path); charts `<name>-crd`
    (kserve-crd), `<name>-controller` (kserve-resources, after the CRDs and `depends_on`,
    `values_overrides` merged last), `<name>-runtimes` (kserve-runtime-configs, unless
    `install_runtimes: false`); with the model cache `<name>-localmodel-crd` and
    `<name>-localmodel`. Webhook configurations of every chart are awaited until their CA
    bundle is injected. The CRD charts (`<name>-crd`, `<name>-localmodel-crd`) are
    protected: destroying one deletes every custom resource of its kinds.
    Does not create: cert-manager (see `CertManager`), Knative Serving or Istio (needed for
    Knative mode / Istio ingress), InferenceServices (see `serving.ModelDeployments`).
    """

    def __init__(
        self, name: str, args: KServeArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:KServe", name, None, opts)
        handle, spec = args.cluster, args.spec
        overrides = args.chart_overrides
        self.values = deep_merge(kserve_values(spec), spec.values_overrides)
        level = "privileged" if spec.model_cache.enabled else "baseline"
        self.namespace = labelled_namespace(
            f"{name}-namespace",
            NAMESPACE,
            level,
            opts=pulumi.ResourceOptions(parent=self, provider=handle.provider),
        )

        def chart(
            suffix: str, key: str, values: Mapping[str, Any], after: Sequence[pulumi.Resource]
        ) -> k8s.helm.v4.Chart:
            # The CRD charts render only CRDs: destroying one deletes every InferenceService
            # (or model cache) in the cluster, so the release is protected.
            return helm_chart(
                f"{name}-{suffix}",
                chart_pin(key, overrides),
                provider=handle.provider,
                namespace=NAMESPACE,
                values=values,
                parent=self,
                depends_on=after,
                transforms=[await_webhook_ca],
                protect=key.endswith("-crd"),
            )

        self.crds = chart("crd", "kserve-crd", {}, [self.namespace])
        self.controller = chart(
            "controller",
            "kserve-resources",
            self.values,
            [self.namespace, self.crds, *args.depends_on],
        )
        self.runtimes: k8s.helm.v4.Chart | None = None
        if spec.install_runtimes:
            self.runtimes = chart(
                "runtimes",
                "kserve-runtime-configs",
                runtime_configs_values(args.runtime_dev_shm),
                [self.controller],
            )
        self.localmodel_crds: k8s.helm.v4.Chart | None = None
        self.localmodel: k8s.helm.v4.Chart | None = None
        if spec.model_cache.enabled:
            self.localmodel_crds = chart(
                "localmodel-crd", "kserve-localmodel-crd", {}, [self.namespace]
            )
            self.localmodel = chart(
                "localmodel",
                "kserve-localmodel-resources",
                localmodel_values(args.cache_tolerations),
                [self.localmodel_crds, self.controller],
            )
        self.register_outputs({"namespace": NAMESPACE, "deployment_mode": spec.deployment_mode})

    @property
    def ready(self) -> list[pulumi.Resource]:
        """What InferenceServices wait for: the controller (webhooks) and the runtimes."""
        return [r for r in (self.crds, self.controller, self.runtimes) if r is not None]

    @property
    def cache_ready(self) -> list[pulumi.Resource]:
        """What LocalModelCache / LocalModelNodeGroup objects wait for."""
        return [r for r in (self.localmodel_crds, self.localmodel) if r is not None]
