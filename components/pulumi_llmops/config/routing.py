"""`routing:` block of the stack config: how requests reach the models.

`service` (the default) keeps today's path: each model's KServe Service, reachable inside the
cluster by the namespaces the models NetworkPolicy admits. `inference-gateway` puts the model
behind the Gateway API Inference Extension: an InferencePool whose endpoint picker (EPP)
reads each vLLM replica's queue, KV-cache use and prefix-cache state, behind a Gateway and an
HTTPRoute. Each model may choose (`models.<m>.routing`); `routing.default` applies to the rest.
Plain data: the builders live in `serving/routing.py` and `serving/gateway.py`.
Upstream: https://gateway-api-inference-extension.sigs.k8s.io/
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from .base import Spec
from .errors import Problem, raise_if_any

Routing = Literal["service", "inference-gateway"]
INFERENCE_GATEWAY: Routing = "inference-gateway"
KEDA = ("queue", "kv_cache")
_OBJECTIVE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$")
_CLASS = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"


class GatewayRoutingSpec(Spec):
    """The Gateway in front of the routed models (`routing.gateway`)."""

    exposure: Literal["internal", "external"] = Field(
        "internal",
        description="internal: reachable only inside the VPC / cluster (GKE: the regional "
        "internal Application Load Balancer class gke-l7-rilb; elsewhere: Istio's gateway "
        "Service of type ClusterIP). external: a public load balancer (GKE: "
        "gke-l7-regional-external-managed; elsewhere: Istio's LoadBalancer Service); needs "
        "`external_acknowledged`, since vLLM has no authentication of its own.",
    )
    external_acknowledged: bool = Field(
        False,
        description="Confirms that authentication sits in front of an external gateway "
        "(an identity-aware proxy, an API gateway, mTLS); required with exposure: external.",
    )
    class_name: str | None = Field(
        None,
        pattern=_CLASS,
        max_length=63,
        description="GatewayClass. Default: per target, gke-l7-rilb (internal) or "
        "gke-l7-regional-external-managed (external) on GKE, istio elsewhere (Istio must be "
        "installed with its inference extension support on, see docs/routing.md).",
    )
    port: int = Field(80, ge=1, le=65535, description="HTTP listener port of the Gateway.")
    proxy_source_ranges: list[str] = Field(
        default_factory=list,
        description="CIDRs the gateway's proxies connect from, admitted by the models "
        "NetworkPolicy. Required on GKE while the NetworkPolicy is on: the managed load "
        "balancer's Envoys run in the region's proxy-only subnet, not in a namespace. "
        "Unused elsewhere (Istio's gateway pods run in the models namespace).",
    )


class RoutingSpec(Spec):
    """AI-aware routing (`routing`): which models sit behind the inference gateway."""

    default: Routing = Field(
        "service",
        description="Routing of models that set no `routing`: service (their KServe Service, "
        "as before) or inference-gateway (an InferencePool with its endpoint picker behind "
        "a Gateway).",
    )
    gateway: GatewayRoutingSpec = Field(
        default_factory=GatewayRoutingSpec, description="The Gateway (see its section)."
    )
    objectives: dict[str, int] = Field(
        default_factory=dict,
        description="InferenceObjectives created for every routed model, name -> priority "
        "(higher is served first when the pool is saturated; negative allowed). A request "
        "picks one with the header `x-gateway-inference-objective: <model>-<name>`. "
        "Requests naming no objective get priority 0.",
    )
    flow_control: bool = Field(
        False,
        description="Turn on the endpoint picker's flow-control layer (feature gate "
        "flowControl): requests queue in the EPP by priority instead of overloading the "
        "replicas, and a routed model may then set min_replicas: 0 (its first replica is "
        "activated from the EPP's queue; see docs/routing.md for the limits).",
    )
    install_crds: bool = Field(
        True,
        description="Install the Gateway API Inference Extension CRDs (and, except on GKE, "
        "the Gateway API standard CRDs) from the pinned release manifests; false when the "
        "cluster already has them.",
    )
    epp_values_overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Helm values deep-merged last over the inferencepool chart values of "
        "every routed model.",
    )

    @model_validator(mode="after")
    def _rules(self) -> RoutingSpec:
        problems: list[Problem] = []
        for name, priority in self.objectives.items():
            if not _OBJECTIVE.match(name):
                problems.append(
                    Problem(
                        f"objectives.{name}",
                        "objective name must be 1-32 characters of lowercase letters, digits "
                        "and '-', starting and ending with a letter or digit",
                        name,
                    )
                )
            if not -1000 <= priority <= 1000:
                problems.append(Problem(f"objectives.{name}", "priority: -1000 to 1000", priority))
        gateway = self.gateway
        if gateway.exposure == "external" and not gateway.external_acknowledged:
            problems.append(
                Problem(
                    "gateway.external_acknowledged",
                    "exposure: external publishes unauthenticated model APIs; put "
                    "authentication in front and set external_acknowledged: true",
                    False,
                )
            )
        for i, cidr in enumerate(gateway.proxy_source_ranges):
            try:
                ipaddress.ip_network(cidr)
            except ValueError:
                problems.append(Problem(f"gateway.proxy_source_ranges.{i}", "must be a CIDR", cidr))
        raise_if_any(problems)
        return self


def routed_models(routing: RoutingSpec, models: Mapping[str, Any]) -> list[str]:
    """Names of the models behind the inference gateway (their own `routing`, else the
    default), sorted. CPU-only models are never routed (the EPP reads vLLM metrics)."""
    return sorted(
        name
        for name, model in models.items()
        if (model.routing or routing.default) == INFERENCE_GATEWAY and not model.cpu_only
    )


def routing_problems(
    routing: RoutingSpec,
    models: Mapping[str, Any],
    *,
    target: str,
    network_policy: bool,
    deployment_mode: str,
    keda: bool,
) -> list[Problem]:
    """`keda`: models can scale on vLLM metrics (observability on, Standard mode)."""
    """Cross-field rules of `routing` and `models.<m>.routing` (paths from the root)."""
    problems: list[Problem] = []
    for name, model in sorted(models.items()):
        if model.routing == INFERENCE_GATEWAY and model.cpu_only:
            problems.append(
                Problem(
                    f"models.{name}.routing",
                    "the endpoint picker routes on vLLM metrics; CPU models run the Hugging "
                    "Face backend: use service",
                    model.routing,
                )
            )
    routed = routed_models(routing, models)
    if not routed:
        return problems
    if deployment_mode != "Standard":
        problems.append(
            Problem(
                "addons.kserve.deployment_mode",
                "routed models need Standard mode (the InferencePool selects the replicas of "
                "plain Deployments; Knative puts its activator in the path)",
                deployment_mode,
            )
        )
    for name in routed:
        model = models[name]
        if model.min_replicas == 0 and not routing.flow_control:
            problems.append(
                Problem(
                    f"models.{name}.min_replicas",
                    "0 behind the inference gateway needs routing.flow_control: true (the "
                    "endpoint picker then holds requests while the first replica starts)",
                    0,
                )
            )
        elif model.min_replicas == 0 and (not keda or model.scale_metric not in (None, *KEDA)):
            problems.append(
                Problem(
                    f"models.{name}.min_replicas",
                    "0 behind the inference gateway scales on the endpoint picker's queue "
                    "through KEDA: needs addons.observability.enabled and scale_metric queue "
                    "or kv_cache (or unset)",
                    0,
                )
            )
    if target == "gke" and network_policy and not routing.gateway.proxy_source_ranges:
        problems.append(
            Problem(
                "routing.gateway.proxy_source_ranges",
                "required on GKE while addons.kserve.network_policy is on: give the region's "
                "proxy-only subnet CIDR (the managed load balancer connects from it)",
            )
        )
    return problems
