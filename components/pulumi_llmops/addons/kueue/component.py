"""`Kueue` (the controller, team namespaces and queues) and `FinetuneRuns` (the fine-tuning
Jobs its queues admit).

Kueue 0.19's chart carries no Helm hook at the pinned version (the `hooks/autokueue.yaml`
of later charts is gated by `enableAutoKueue`, a key 0.19.2 does not have: tests/addons/
test_helm_hooks.py). Its webhooks get their CA from Kueue's internal certificate manager,
so the chart's webhook configurations are awaited until the CA bundle is injected, and
every queue object and Job waits for the chart (the webhooks validate them).
Upstream: https://kueue.sigs.k8s.io/docs/installation/#install-via-helm
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from ...cluster.handle import ClusterHandle
from ...config.finetune import FinetuneSpec
from ...config.queues import KueueSpec, TeamSpec
from ...kube import await_webhook_ca, custom_resource, labelled_namespace, namespaced_chart
from ...kube.custom_resource import custom_object
from ...versions import chart_pin
from .jobs import RunPlacement, finetune_job
from .resources import (
    NAMESPACE,
    PoolFlavor,
    cluster_queue,
    local_queue,
    rendered_values,
    resource_flavor,
    workload_priority_class,
)


@dataclass(frozen=True, kw_only=True)
class KueueArgs:
    """Wiring: the cluster, the add-on spec, the teams, each pool's flavor (from its
    contract, `resources.pool_flavor`), chart pin overrides and what must exist first.
    `prometheus`: the Prometheus operator is installed (Kueue's ServiceMonitor)."""

    cluster: ClusterHandle
    spec: KueueSpec = field(default_factory=KueueSpec)
    teams: Mapping[str, TeamSpec] = field(default_factory=dict)
    flavors: Mapping[str, PoolFlavor] = field(default_factory=dict)
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    prometheus: bool = False
    depends_on: Sequence[pulumi.Resource] = ()
    labels: Mapping[str, str] = field(default_factory=dict)


class Kueue(pulumi.ComponentResource):
    """Kueue and the teams' queues.

    Creates: Namespace `kueue-system` (restricted) `<name>-namespace` and the `kueue` chart
    `<name>-chart` (released controller image, webhooks awaited); per team a Namespace
    `<name>-<team>-namespace` (baseline), a ClusterQueue `<name>-<team>-cluster-queue` and
    a LocalQueue `<name>-<team>-queue`; per pool with quota a ResourceFlavor
    `<name>-<pool>-flavor`; per priority class a WorkloadPriorityClass
    `<name>-<class>-priority`.
    Does not create: the jobs (`FinetuneRuns`, or the teams' own), Cohort objects (a cohort
    is a name the ClusterQueues share), Topologies.
    """

    def __init__(
        self, name: str, args: KueueArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:Kueue", name, None, opts)
        provider = args.cluster.provider
        child = pulumi.ResourceOptions(parent=self, provider=provider)
        pin = chart_pin("kueue", args.chart_overrides)
        self.values: dict[str, Any] = rendered_values(
            args.spec, pin.version, prometheus=args.prometheus
        )
        self.namespace, self.chart = namespaced_chart(
            name,
            pin,
            provider=provider,
            namespace=NAMESPACE,
            level="restricted",
            values=self.values,
            parent=self,
            depends_on=args.depends_on,
            transforms=[await_webhook_ca],
        )
        after = [self.chart]
        used = sorted({p for t in args.teams.values() for p in t.quotas})
        self.flavors = {
            pool: custom_resource(
                f"{name}-{pool}-flavor", resource_flavor(args.flavors[pool]), child, after
            )
            for pool in used
        }
        self.priority_classes = {
            key: custom_object(
                f"{name}-{key}-priority", workload_priority_class(key, spec), child, after
            )
            for key, spec in sorted(args.spec.priority_classes.items())
        }
        self.team_namespaces: dict[str, k8s.core.v1.Namespace] = {}
        self.cluster_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        self.local_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        for team, spec in sorted(args.teams.items()):
            self.team_namespaces[team] = labelled_namespace(
                f"{name}-{team}-namespace",
                spec.namespace_of(team),
                "baseline",
                opts=child,
                labels={**args.labels, "llmops.dev/team": team},
            )
            self.cluster_queues[team] = custom_resource(
                f"{name}-{team}-cluster-queue",
                cluster_queue(team, spec, args.flavors, args.labels),
                child,
                [*after, *(self.flavors[p] for p in sorted(spec.quotas))],
            )
            self.local_queues[team] = custom_resource(
                f"{name}-{team}-queue",
                local_queue(team, spec, args.labels),
                child,
                [self.team_namespaces[team], self.cluster_queues[team]],
            )
        self.register_outputs(
            {
                "namespace": NAMESPACE,
                "teams": sorted(args.teams),
                "flavors": used,
            }
        )

    def ready_for(self, team: str) -> list[pulumi.Resource]:
        """What a job of `team` waits for: its LocalQueue (after the chart and its
        ClusterQueue) and every priority class."""
        return [self.local_queues[team], *self.priority_classes.values()]


@dataclass(frozen=True, kw_only=True)
class FinetuneRun:
    """One run as the bundle planned it: spec, where it runs, its namespace and the region
    its data is declared in."""

    spec: FinetuneSpec
    placement: RunPlacement
    namespace: str
    data_region: str


@dataclass(frozen=True, kw_only=True)
class FinetuneRunsArgs:
    """Wiring: the cluster, the planned runs, the Kueue component whose queues admit them,
    and what GPU jobs wait for (the GPU operator)."""

    cluster: ClusterHandle
    runs: Mapping[str, FinetuneRun]
    kueue: Kueue
    gpu_depends_on: Sequence[pulumi.Resource] = ()
    labels: Mapping[str, str] = field(default_factory=dict)


class FinetuneRuns(pulumi.ComponentResource):
    """The fine-tuning runs: per run a batch/v1 Job `<name>-<run>` in its team's namespace,
    created suspended with its LocalQueue label, so it starts only when Kueue admits it.

    Pulumi does not wait for the Jobs to finish (`pulumi.com/skipAwait`) and ignores the
    `spec.suspend` Kueue flips on admission. Changing a run replaces its Job (a Job's pod
    template is immutable): a new run.
    Does not create: the training image, the dataset or output buckets, their credentials.
    """

    def __init__(
        self, name: str, args: FinetuneRunsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:FinetuneRuns", name, None, opts)
        self.jobs: dict[str, k8s.batch.v1.Job] = {}
        for run_name, run in sorted(args.runs.items()):
            manifest = finetune_job(
                run_name, run.spec, run.namespace, run.placement, run.data_region, args.labels
            )
            self.jobs[run_name] = k8s.batch.v1.Job(
                f"{name}-{run_name}",
                metadata=manifest["metadata"],
                spec=manifest["spec"],
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.cluster.provider,
                    depends_on=[*args.kueue.ready_for(run.spec.team), *args.gpu_depends_on],
                    ignore_changes=["spec.suspend"],
                ),
            )
        self.register_outputs(
            {
                "runs": {
                    r: {"pool": v.placement.pool, "gpus": v.placement.gpus}
                    for r, v in sorted(args.runs.items())
                }
            }
        )
