"""`GitOps`: Argo CD (default) or Flux, and the applications they sync from Git.

Pulumi manages the platform and its add-ons; GitOps manages application workloads.
Upstream: https://argo-cd.readthedocs.io/ and https://fluxcd.io/flux/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from ...cluster.handle import ClusterHandle
from ...config.gitops import GitOpsSpec
from ...kube import (
    custom_resource,
    generated_password,
    helm_chart,
    labelled_namespace,
    secret_object,
)
from ...versions import chart_pin
from . import resources as res


@dataclass(frozen=True, kw_only=True)
class GitOpsArgs:
    """Wiring: cluster, spec, chart pin overrides, labels."""

    cluster: ClusterHandle
    spec: GitOpsSpec
    chart_overrides: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


class GitOps(pulumi.ComponentResource):
    """A GitOps engine and its applications.

    Creates: the engine Namespace (baseline), for Argo CD a generated Redis password and
    Secret `argocd-redis` (key `auth`; the chart only makes it in a hook Job Pulumi never
    runs), the engine chart (argo-cd or flux2), and per
    application either an Argo CD Application (in one AppProject restricted to the configured
    repos and namespaces; automated sync with prune and self-heal, CreateNamespace=true) or a
    Flux GitRepository + Kustomization (plus the destination Namespace, which Flux does not
    create).
    Does not create: repository credentials (add them as Argo CD repository Secrets / Flux
    `secretRef` yourself), the workloads (Git does), SSO.
    """

    def __init__(
        self, name: str, args: GitOpsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("llmops:addons:GitOps", name, None, opts)
        spec = args.spec
        cluster = args.cluster
        ns = spec.resolved_namespace
        labels = {"app.kubernetes.io/part-of": "llmops-gitops", **args.labels}
        k8s_opts = pulumi.ResourceOptions(parent=self, provider=cluster.provider)
        self.namespace = labelled_namespace(
            f"{name}-namespace", ns, "baseline", labels=args.labels, opts=k8s_opts
        )
        argocd = spec.engine == "argocd"
        values = res.argocd_values(spec) if argocd else res.flux_values(spec)
        before_chart: list[pulumi.Resource] = [self.namespace]
        self.redis_password = self.redis_secret = None
        if argocd and res.needs_redis_secret(values):
            self.redis_password, password = generated_password(
                f"{name}-redis-auth", parent=self, length=32
            )
            self.redis_secret = secret_object(
                f"{name}-redis-secret",
                provider=cluster.provider,
                namespace=ns,
                secret_name=res.REDIS_SECRET,
                string_data={res.REDIS_SECRET_KEY: password},
                labels=labels,
                parent=self,
                depends_on=[self.namespace],
            )
            before_chart.append(self.redis_secret)
        self.chart = helm_chart(
            f"{name}-{'argo-cd' if argocd else 'flux2'}",
            chart_pin("argo-cd" if argocd else "flux2", args.chart_overrides),
            provider=cluster.provider,
            namespace=ns,
            values=values,
            parent=self,
            depends_on=before_chart,
        )
        after_crds = pulumi.ResourceOptions.merge(
            k8s_opts, pulumi.ResourceOptions(depends_on=[self.chart])
        )
        self.project = None
        self.applications: dict[str, k8s.apiextensions.CustomResource] = {}
        self.git_repositories: dict[str, k8s.apiextensions.CustomResource] = {}
        self.kustomizations: dict[str, k8s.apiextensions.CustomResource] = {}
        self.app_namespaces: dict[str, k8s.core.v1.Namespace] = {}
        apps = sorted(spec.applications.items())
        if argocd and apps:
            self.project = custom_resource(
                f"{name}-project", res.app_project(spec, labels), after_crds
            )
            app_opts = pulumi.ResourceOptions.merge(
                k8s_opts, pulumi.ResourceOptions(depends_on=[self.chart, self.project])
            )
            for key, app in apps:
                self.applications[key] = custom_resource(
                    f"{name}-{key}", res.argocd_application(key, app, spec, labels), app_opts
                )
        elif apps:
            for target in sorted({a.namespace for _, a in apps if a.create_namespace}):
                self.app_namespaces[target] = labelled_namespace(
                    f"{name}-ns-{target}", target, "baseline", labels=args.labels, opts=k8s_opts
                )
            for key, app in apps:
                repo = custom_resource(
                    f"{name}-{key}-source",
                    res.flux_git_repository(key, app, spec, labels),
                    after_crds,
                )
                self.git_repositories[key] = repo
                self.kustomizations[key] = custom_resource(
                    f"{name}-{key}",
                    res.flux_kustomization(key, app, spec, labels),
                    pulumi.ResourceOptions.merge(
                        k8s_opts,
                        pulumi.ResourceOptions(
                            depends_on=[self.chart, repo, *self.app_namespaces.values()]
                        ),
                    ),
                )
        self.register_outputs(
            {"engine": spec.engine, "namespace": ns, "applications": [k for k, _ in apps]}
        )
