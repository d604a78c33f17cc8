"""ACME's LLM platform on EKS, composed by hand from pulumi-llmops components.

The same platform the `LlmOpsPlatform` bundle builds (cluster, GPU pools, GPU operator,
vector DB, observability, cert-manager, KServe, models, GitOps), laid out as the team's own code so
each piece can be swapped, reordered or extended (here: a team namespace allowed to reach
the vector DB, and the GPU budget as a stack output).
"""

import pulumi
from platform_team.cluster import create_autoscaler, create_cluster
from platform_team.data import create_data_services, create_gitops, create_namespaces
from platform_team.gpu import (
    create_gpu_operator,
    create_gpu_pools,
    gpu_monthly_cost_usd,
    node_selectors,
    plan_gpu_pools,
)
from platform_team.serving import create_serving, size_models
from platform_team.settings import load_settings

from pulumi_llmops.addons.observability import gpu_hourly_prices
from pulumi_llmops.config import ConfigError

try:
    settings = load_settings()
    # Before anything registers: each pool's shape and contract, then the models sized onto
    # them; a model that fits no pool fails the preview here.
    gpu_plan = plan_gpu_pools(settings)
    sizing = size_models(settings, gpu_plan)
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

cluster = create_cluster(settings)
pools = create_gpu_pools(settings, cluster, gpu_plan)
autoscaler = create_autoscaler(settings, cluster)
handle = cluster.handle
namespaces = create_namespaces(settings, handle)
# Per-GPU-model prices for the cost dashboard, from the pools' catalogue shapes.
gpu_prices = gpu_hourly_prices(
    gpu_plan.shapes.values(), settings.observability.cost.gpu_usd_per_hour
)
data = create_data_services(settings, handle, namespaces, gpu_prices)
gpu_operator = create_gpu_operator(
    settings,
    handle,
    gpu_plan,
    observability=data.observability.chart if data.observability else None,
)
serving = create_serving(settings, handle, gpu_plan, sizing, namespaces, gpu_operator)
gitops = create_gitops(settings, handle, namespaces)

pulumi.export("cluster_name", handle.name)
pulumi.export("kubeconfig", handle.kubeconfig)  # secret
pulumi.export("gpu_node_selectors", node_selectors(gpu_plan))
pulumi.export("gpu_monthly_cost_usd", gpu_monthly_cost_usd(settings, gpu_plan))
pulumi.export("models", {name: s.pool for name, s in sorted(sizing.items())})
if data.vector_db is not None:
    pulumi.export("vector_db_url", data.vector_db.url)
    pulumi.export("vector_db_api_key", pulumi.Output.secret(data.vector_db.api_key))
if gitops is not None:
    pulumi.export("gitops_applications", sorted(settings.gitops.applications))
if data.observability is not None:
    pulumi.export(
        "grafana_admin_password", pulumi.Output.secret(data.observability.grafana_admin_password)
    )
