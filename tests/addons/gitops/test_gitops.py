"""GitOps: defaults, Argo CD Application/AppProject and Flux objects, schemas, chart keys."""

from __future__ import annotations

import pytest

from helpers import manifest_of, run_platform, validate_manifest
from helpers.data_cases import platform, unknown_keys, validate_cr
from pulumi_llmops.addons.gitops.resources import argocd_values, flux_values
from pulumi_llmops.config import ConfigError, load_platform_config
from pulumi_llmops.config.gitops import GitOpsSpec

NAME = "lab-gitops"
APP = {
    "repo_url": "https://git.example.com/ml/rag-api.git",
    "path": "deploy/prod",
    "revision": "v1.4.0",
    "namespace": "rag-api",
}


def test_gitops_is_off_unless_applications_are_configured() -> None:
    recording, _ = run_platform(platform())
    assert not [n for n in recording.names() if n.startswith(NAME)]
    assert GitOpsSpec().active is False
    assert GitOpsSpec(enabled=True).active is True
    assert GitOpsSpec(applications={"a": APP}).active is True


def test_enabled_false_with_applications_is_an_error() -> None:
    with pytest.raises(ConfigError) as info:
        load_platform_config(platform(gitops={"enabled": False, "applications": {"a": APP}}))
    assert [p.render() for p in info.value.problems] == [
        "addons.gitops.enabled: false, but applications are configured; remove them or enable"
    ]


def test_argocd_application_syncs_automatically_with_prune_self_heal_and_namespace() -> None:
    recording, _ = run_platform(platform(gitops={"applications": {"rag-api": APP}}))
    chart = recording.named(f"{NAME}-argo-cd")
    assert (chart.inputs["chart"], chart.inputs["version"]) == ("argo-cd", "10.1.1")
    assert chart.inputs["namespace"] == "argocd"
    app = manifest_of(recording.named(f"{NAME}-rag-api"))
    validate_cr(app)
    assert app["metadata"]["namespace"] == "argocd"
    assert app["spec"] == {
        "project": "llmops-apps",
        "source": {
            "repoURL": "https://git.example.com/ml/rag-api.git",
            "targetRevision": "v1.4.0",
            "path": "deploy/prod",
        },
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "rag-api"},
        "syncPolicy": {
            "automated": {"prune": True, "selfHeal": True},
            "syncOptions": ["CreateNamespace=true"],
        },
    }
    project = manifest_of(recording.named(f"{NAME}-project"))
    validate_cr(project)
    assert project["spec"]["sourceRepos"] == ["https://git.example.com/ml/rag-api.git"]
    assert project["spec"]["destinations"] == [
        {"server": "https://kubernetes.default.svc", "namespace": "rag-api"}
    ]
    assert recording.named(f"{NAME}-project").urn in recording.named(f"{NAME}-rag-api").dependencies
    validate_manifest(manifest_of(recording.named(f"{NAME}-namespace")))


def test_manual_sync_drops_the_automated_block() -> None:
    manual = {**APP, "automated": False, "create_namespace": False}
    recording, _ = run_platform(platform(gitops={"applications": {"rag-api": manual}}))
    app = manifest_of(recording.named(f"{NAME}-rag-api"))
    validate_cr(app)
    assert "syncPolicy" not in app["spec"]


def test_flux_git_repository_and_kustomization() -> None:
    flux = {"engine": "flux", "applications": {"rag-api": {**APP, "revision": "main"}}}
    recording, _ = run_platform(platform(gitops=flux))
    chart = recording.named(f"{NAME}-flux2")
    assert (chart.inputs["chart"], chart.inputs["namespace"]) == ("flux2", "flux-system")
    repo = manifest_of(recording.named(f"{NAME}-rag-api-source"))
    kustomization = manifest_of(recording.named(f"{NAME}-rag-api"))
    validate_cr(repo)
    validate_cr(kustomization)
    assert repo["spec"] == {
        "interval": "5m",
        "url": "https://git.example.com/ml/rag-api.git",
        "ref": {"branch": "main"},
    }
    assert kustomization["spec"] == {
        "interval": "5m",
        "sourceRef": {"kind": "GitRepository", "name": "rag-api"},
        "path": "./deploy/prod",
        "prune": True,
        "targetNamespace": "rag-api",
        "suspend": False,
    }
    namespace = manifest_of(recording.named(f"{NAME}-ns-rag-api"))
    validate_manifest(namespace)
    assert namespace["metadata"]["name"] == "rag-api"


def test_engine_values_keys_exist_in_the_pinned_charts_and_overrides_win() -> None:
    assert unknown_keys("argo-cd", argocd_values(GitOpsSpec())) == []
    assert unknown_keys("flux2", flux_values(GitOpsSpec())) == []
    overridden = argocd_values(GitOpsSpec(values_overrides={"dex": {"enabled": True}}))
    assert overridden["dex"] == {"enabled": True}
    assert overridden["crds"] == {"install": True, "keep": True}


def test_invalid_application_fields_are_named_by_path() -> None:
    bad = {**APP, "repo_url": "ftp://x", "namespace": "Bad"}
    with pytest.raises(ConfigError) as info:
        load_platform_config(platform(gitops={"applications": {"rag-api": bad}}))
    paths = sorted(p.path for p in info.value.problems)
    assert paths == [
        "addons.gitops.applications.rag-api.namespace",
        "addons.gitops.applications.rag-api.repo_url",
    ]


def test_argocd_redis_secret_comes_from_the_library_not_a_hook() -> None:
    """The chart makes Secret argocd-redis only in a pre-install hook Job (never run by
    Pulumi), yet every Argo CD component reads its key `auth`."""
    from pulumi_llmops.offline.recording import SECRET

    recording, _ = run_platform(platform(gitops={"applications": {"rag-api": APP}}))
    chart = recording.named(f"{NAME}-argo-cd")
    assert chart.inputs["values"]["redisSecretInit"] == {"enabled": False}
    password = recording.named(f"{NAME}-redis-auth")
    assert password.inputs == {"length": 32.0, "special": False}
    secret = recording.named(f"{NAME}-redis-secret")
    manifest = manifest_of(secret)
    validate_manifest(manifest)
    assert manifest["metadata"]["name"] == "argocd-redis"
    assert manifest["metadata"]["namespace"] == "argocd"
    assert secret.inputs["stringData"] is SECRET
    assert secret.urn in chart.dependencies


def test_no_redis_secret_for_flux_or_an_external_redis() -> None:
    recording, _ = run_platform(
        platform(gitops={"engine": "flux", "applications": {"rag-api": APP}})
    )
    assert f"{NAME}-redis-secret" not in recording.names()
    external = {"externalRedis": {"host": "redis.example.internal"}}
    recording, _ = run_platform(
        platform(gitops={"applications": {"rag-api": APP}, "values_overrides": external})
    )
    assert f"{NAME}-redis-secret" not in recording.names()
