"""Argo CD and Flux objects built from `addons.gitops` (pure functions, no Pulumi).

Argo CD Application: https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/
Flux: https://fluxcd.io/flux/components/source/gitrepositories/ and
https://fluxcd.io/flux/components/kustomize/kustomizations/
"""

from __future__ import annotations

from typing import Any

from ...config.gitops import GitApplicationSpec, GitOpsSpec
from ...kube import deep_merge, hook_switch_values

IN_CLUSTER = "https://kubernetes.default.svc"
REDIS_SECRET = "argocd-redis"
"""The Secret every Argo CD component reads the Redis password from (key `auth`); the chart
creates it only in a pre-install hook Job, which Pulumi never runs."""
REDIS_SECRET_KEY = "auth"


def argocd_values(spec: GitOpsSpec) -> dict[str, Any]:
    """CRDs installed and kept on uninstall (Applications survive a chart reinstall); Dex off
    (no SSO configured by the library; the admin password is Argo CD's own generated
    `argocd-initial-admin-secret`); the Redis secret-init hook off (the library creates
    Secret `argocd-redis` itself, see `needs_redis_secret`)."""
    values = {"crds": {"install": True, "keep": True}, "dex": {"enabled": False}}
    values = deep_merge(values, hook_switch_values("argo-cd"))
    return deep_merge(values, spec.values_overrides)


def needs_redis_secret(values: dict[str, Any]) -> bool:
    """Argo CD reads `argocd-redis`/`auth` unless it uses an external Redis
    (`externalRedis.host`), which brings its own credentials."""
    return not (values.get("externalRedis") or {}).get("host")


def flux_values(spec: GitOpsSpec) -> dict[str, Any]:
    return deep_merge({"installCRDs": True}, spec.values_overrides)


def app_project(spec: GitOpsSpec, labels: dict[str, str]) -> dict[str, Any]:
    """An AppProject limited to the configured repositories and destination namespaces; the only
    cluster-scoped kind it may create is Namespace (for CreateNamespace=true)."""
    apps = spec.applications.values()
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": spec.project, "namespace": spec.resolved_namespace, "labels": labels},
        "spec": {
            "description": "Application workloads synced by Argo CD (managed by pulumi-llmops)",
            "sourceRepos": sorted({a.repo_url for a in apps}),
            "destinations": [
                {"server": IN_CLUSTER, "namespace": ns}
                for ns in sorted({a.namespace for a in apps})
            ],
            "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
        },
    }


def argocd_application(
    key: str, app: GitApplicationSpec, spec: GitOpsSpec, labels: dict[str, str]
) -> dict[str, Any]:
    """No resources finalizer: deleting the Application (e.g. pulumi destroy) leaves the
    workloads running rather than cascading a delete."""
    sync: dict[str, Any] = {}
    if app.automated:
        sync["automated"] = {"prune": app.prune, "selfHeal": app.self_heal}
    if app.create_namespace:
        sync["syncOptions"] = ["CreateNamespace=true"]
    body: dict[str, Any] = {
        "project": spec.project,
        "source": {"repoURL": app.repo_url, "targetRevision": app.revision, "path": app.path},
        "destination": {"server": IN_CLUSTER, "namespace": app.namespace},
    }
    if sync:
        body["syncPolicy"] = sync
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": key, "namespace": spec.resolved_namespace, "labels": labels},
        "spec": body,
    }


def flux_git_repository(
    key: str, app: GitApplicationSpec, spec: GitOpsSpec, labels: dict[str, str]
) -> dict[str, Any]:
    return {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": key, "namespace": spec.resolved_namespace, "labels": labels},
        "spec": {
            "interval": f"{app.interval_minutes}m",
            "url": app.repo_url,
            "ref": {"branch": app.revision},
        },
    }


def flux_kustomization(
    key: str, app: GitApplicationSpec, spec: GitOpsSpec, labels: dict[str, str]
) -> dict[str, Any]:
    """`suspend` stands for Argo CD's manual sync when `automated: false`."""
    path = app.path if app.path.startswith("./") or app.path == "." else f"./{app.path.lstrip('/')}"
    return {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": key, "namespace": spec.resolved_namespace, "labels": labels},
        "spec": {
            "interval": f"{app.interval_minutes}m",
            "sourceRef": {"kind": "GitRepository", "name": key},
            "path": path,
            "prune": app.prune,
            "targetNamespace": app.namespace,
            "suspend": not app.automated,
        },
    }
