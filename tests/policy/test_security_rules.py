"""Security rules: endpoints, secrets encryption, load balancers, privileged pods, Helm secrets."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_llmops.offline.recording import UNKNOWN
from pulumi_llmops.policy.security import (
    NO_PLAINTEXT_SECRETS,
    NO_PRIVILEGED,
    NO_PUBLIC_LB,
    PRIVATE_ENDPOINT,
    SECRETS_ENCRYPTION,
    is_secret_key,
)

EKS = "aws:eks/cluster:Cluster"
GKE = "gcp:container/cluster:Cluster"
AKS = "azure-native:containerservice:ManagedCluster"
EKS_PUBLIC = (
    f"{EKS} 'r': the Kubernetes API endpoint is public to the internet. Fix: set "
    "endpointPublicAccess false (private access only) or restrict publicAccessCidrs."
)


@pytest.mark.parametrize(
    ("type_", "props", "config", "expected"),
    [
        (EKS, {"vpcConfig": {"endpointPublicAccess": False}}, {}, []),
        (
            EKS,
            {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}},
            {},
            [],
        ),
        (
            EKS,
            {"vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}},
            {"allowRestrictedPublicEndpoint": False},
            [
                f"{EKS} 'r': the Kubernetes API endpoint is public to listed CIDRs. Fix: set "
                "endpointPublicAccess false (private access only)."
            ],
        ),
        (EKS, {"vpcConfig": {"publicAccessCidrs": ["0.0.0.0/0"]}}, {}, [EKS_PUBLIC]),
        (EKS, {}, {}, [EKS_PUBLIC]),  # the provider default is a public endpoint
        (
            EKS,
            {"vpcConfig": {"endpointPublicAccess": UNKNOWN}},
            {},
            [f"{EKS} 'r': endpoint access is unknown until deploy. Fix: set it literally."],
        ),
        ("eks:index:Cluster", {"endpointPublicAccess": False}, {}, []),
        (GKE, {"privateClusterConfig": {"enablePrivateEndpoint": True}}, {}, []),
        (
            GKE,
            {
                "privateClusterConfig": {"enablePrivateNodes": True},
                "masterAuthorizedNetworksConfig": {
                    "cidrBlocks": [{"cidrBlock": "198.51.100.0/24"}]
                },
            },
            {},
            [],
        ),
        (
            GKE,
            {"privateClusterConfig": {"enablePrivateNodes": True}},
            {},
            [
                f"{GKE} 'r': the control plane endpoint is public. Fix: set privateClusterConfig."
                "enablePrivateEndpoint true (or private nodes plus masterAuthorizedNetworksConfig)."
            ],
        ),
        (AKS, {"apiServerAccessProfile": {"enablePrivateCluster": True}}, {}, []),
        (
            AKS,
            {"apiServerAccessProfile": {"authorizedIPRanges": ["0.0.0.0/0"]}},
            {},
            [
                f"{AKS} 'r': the API server is public. Fix: set apiServerAccessProfile."
                "enablePrivateCluster true or list authorizedIPRanges."
            ],
        ),
        (
            "azure-native:containerservice/v20250901:ManagedCluster",
            {},
            {},
            [
                f"{AKS} 'r': the API server is public. Fix: set apiServerAccessProfile."
                "enablePrivateCluster true or list authorizedIPRanges."
            ],
        ),
    ],
)
def test_private_cluster_endpoint(
    pol: Any, type_: str, props: dict, config: dict, expected: list
) -> None:
    assert pol.verdict(PRIVATE_ENDPOINT, pol.resource(type_, props), config) == expected


@pytest.mark.parametrize(
    ("type_", "props", "config", "expected"),
    [
        (
            EKS,
            {
                "encryptionConfig": {
                    "provider": {"keyArn": "arn:aws:kms:x"},
                    "resources": ["secrets"],
                }
            },
            {},
            [],
        ),
        (
            EKS,
            {"encryptionConfig": {"provider": {"keyArn": UNKNOWN}, "resources": ["secrets"]}},
            {},
            [],
        ),  # a key created in the same stack is unknown at preview, but it is set
        (
            EKS,
            {},
            {},
            [
                f"{EKS} 'r': Kubernetes secrets are not envelope-encrypted with a KMS key. Fix: set "
                "encryptionConfig {provider: {keyArn: <KMS key>}, resources: [secrets]}."
            ],
        ),
        (GKE, {"databaseEncryption": {"state": "ENCRYPTED", "keyName": "projects/p/k"}}, {}, []),
        (
            GKE,
            {"databaseEncryption": {"state": "DECRYPTED"}},
            {},
            [
                f"{GKE} 'r': application-layer secrets encryption is off. Fix: set databaseEncryption "
                "{state: ENCRYPTED, keyName: <Cloud KMS key>}."
            ],
        ),
        (
            GKE,
            {"databaseEncryption": {"state": UNKNOWN}},
            {},
            [f"{GKE} 'r': databaseEncryption is unknown until deploy."],
        ),
        (AKS, {}, {"requireAksKms": False}, []),
        (AKS, {"securityProfile": {"azureKeyVaultKms": {"enabled": True}}}, {}, []),
        (
            AKS,
            {},
            {},
            [
                f"{AKS} 'r': Key Vault KMS encryption of secrets is off. Fix: set securityProfile."
                "azureKeyVaultKms {enabled: true, keyId: <Key Vault key>}."
            ],
        ),
    ],
)
def test_secrets_encryption(
    pol: Any, type_: str, props: dict, config: dict, expected: list
) -> None:
    assert pol.verdict(SECRETS_ENCRYPTION, pol.resource(type_, props), config) == expected


SVC = "kubernetes:core/v1:Service"
CHART = "kubernetes:helm.sh/v4:Chart"
SVC_PUBLIC = (
    "Service 'r' is a public LoadBalancer. Fix: use ClusterIP behind an "
    "ingress/gateway, or add the cloud's internal load balancer annotation."
)


@pytest.mark.parametrize(
    ("type_", "props", "config", "expected"),
    [
        (SVC, {"spec": {"type": "ClusterIP"}}, {}, []),
        (SVC, {"spec": {}}, {}, []),
        (SVC, {"spec": {"type": "LoadBalancer"}}, {}, [SVC_PUBLIC]),
        (
            SVC,
            {
                "metadata": {
                    "annotations": {
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"
                    }
                },
                "spec": {"type": "LoadBalancer"},
            },
            {},
            [],
        ),
        (
            SVC,
            {"metadata": {"name": "gw", "namespace": "edge"}, "spec": {"type": "LoadBalancer"}},
            {"allowedServices": ["edge/gw"]},
            [],
        ),
        (
            SVC,
            {"spec": {"type": UNKNOWN}},
            {},
            ["Service 'r': spec.type is unknown until deploy. Fix: set it."],
        ),
        (CHART, {"chart": "qdrant", "values": {"service": {"type": "ClusterIP"}}}, {}, []),
        (
            CHART,
            {"chart": "qdrant", "values": {"service": {"type": "LoadBalancer"}}},
            {},
            [
                "Helm chart 'r' (qdrant): values.service.type is LoadBalancer (public). Fix: set it to "
                "ClusterIP, or add the cloud's internal load balancer annotation under "
                "values.service.annotations."
            ],
        ),
        (
            CHART,
            {
                "chart": "argo-cd",
                "values": {
                    "server": {
                        "service": {
                            "type": "LoadBalancer",
                            "annotations": {"networking.gke.io/load-balancer-type": "Internal"},
                        }
                    }
                },
            },
            {},
            [],
        ),
        (
            CHART,
            {"chart": "weaviate", "values": {"service": {"type": "ClusterIP"}}},
            {},
            [
                "Helm chart 'r' (weaviate): values.grpcService.type is not set and the chart defaults it "
                "to LoadBalancer (public). Fix: set values.grpcService.type: ClusterIP."
            ],
        ),
        (
            CHART,
            {
                "chart": "weaviate",
                "values": {"service": {"type": "ClusterIP"}, "grpcService": {"type": "ClusterIP"}},
            },
            {},
            [],
        ),
        (CHART, {"chart": "qdrant"}, {}, []),
    ],
)
def test_no_public_load_balancers(
    pol: Any, type_: str, props: dict, config: dict, expected: list
) -> None:
    assert pol.verdict(NO_PUBLIC_LB, pol.resource(type_, props), config) == expected


NS = "kubernetes:core/v1:Namespace"
DS = "kubernetes:apps/v1:DaemonSet"


def _ds(namespace: str, context: dict, **spec: Any) -> dict:
    return {
        "metadata": {"namespace": namespace},
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "agent", "securityContext": context}], **spec}
            }
        },
    }


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (
            NS,
            {
                "metadata": {
                    "name": "gpu-operator",
                    "labels": {"pod-security.kubernetes.io/enforce": "privileged"},
                }
            },
            [],
        ),
        (
            NS,
            {
                "metadata": {
                    "name": "apps",
                    "labels": {"pod-security.kubernetes.io/enforce": "baseline"},
                }
            },
            [],
        ),
        (
            NS,
            {
                "metadata": {
                    "name": "monitoring",
                    "labels": {"pod-security.kubernetes.io/enforce": "privileged"},
                }
            },
            [
                "Namespace 'monitoring' enforces the privileged Pod Security level. Fix: enforce baseline "
                "or restricted; only dra-driver-nvidia-gpu, gpu-operator may be privileged."
            ],
        ),
        (NS, {}, []),
        (DS, _ds("gpu-operator", {"privileged": True}, hostPID=True), []),
        (DS, _ds("dra-driver-nvidia-gpu", {"privileged": True}), []),
        (
            DS,
            _ds("apps", {"privileged": True}),
            [
                "DaemonSet 'r' container 'agent' in namespace 'apps' is privileged. Fix: drop "
                "privileged/allowPrivilegeEscalation; only dra-driver-nvidia-gpu, gpu-operator may run privileged pods."
            ],
        ),
        (
            DS,
            _ds("apps", {"runAsNonRoot": True}, hostNetwork=True),
            [
                "DaemonSet 'r' in namespace 'apps' sets hostNetwork. Fix: remove it; host access belongs "
                "in the GPU operator namespace."
            ],
        ),
        (
            "kubernetes:batch/v1:CronJob",
            {
                "metadata": {"namespace": "x"},
                "spec": {
                    "jobTemplate": {
                        "spec": {
                            "template": {
                                "spec": {
                                    "containers": [
                                        {
                                            "name": "c",
                                            "securityContext": {"allowPrivilegeEscalation": True},
                                        }
                                    ]
                                }
                            }
                        }
                    }
                },
            },
            [
                "CronJob 'r' container 'c' in namespace 'x' is privileged. Fix: drop "
                "privileged/allowPrivilegeEscalation; only dra-driver-nvidia-gpu, gpu-operator may run privileged pods."
            ],
        ),
        ("kubernetes:core/v1:Pod", {"spec": {"containers": [{"name": "c"}]}}, []),
        ("kubernetes:apps/v1:Deployment", {"spec": {"template": UNKNOWN}}, []),
    ],
)
def test_no_privileged_pods(pol: Any, type_: str, props: dict, expected: list) -> None:
    assert pol.verdict(NO_PRIVILEGED, pol.resource(type_, props)) == expected


SECRET_FIX = (
    "Fix: store it in a Kubernetes Secret and reference it (existingSecret / secretKeyRef)."
)


@pytest.mark.parametrize(
    ("values", "config", "expected"),
    [
        (
            {
                "grafana": {
                    "admin": {
                        "existingSecret": "grafana-admin",
                        "passwordKey": "admin-password",
                        "userKey": "admin-user",
                    }
                }
            },
            {},
            [],
        ),
        ({"apiKey": {"valueFrom": {"secretKeyRef": {"name": "s", "key": "api-key"}}}}, {}, []),
        ({"apiKey": True, "auth": {"password": ""}}, {}, []),
        (
            {"grafana": {"adminPassword": "hunter2"}},
            {},
            [
                "Helm chart 'r' (c): values.grafana.adminPassword (adminPassword) holds a literal secret "
                f"in Helm values. {SECRET_FIX}"
            ],
        ),
        (
            {"grafana": {"adminPassword": "hunter2"}},
            {"allowedPaths": ["r:values.grafana.adminPassword"]},
            [],
        ),
        (
            {"minio": {"accessKey": "AKIA", "secretKey": "s3cr3t"}},
            {},
            [
                f"Helm chart 'r' (c): values.minio.accessKey (accessKey) holds a literal secret in Helm "
                f"values. {SECRET_FIX}",
                f"Helm chart 'r' (c): values.minio.secretKey (secretKey) holds a literal secret in Helm "
                f"values. {SECRET_FIX}",
            ],
        ),
        (
            {
                "env": [
                    {"name": "DB_PASSWORD", "value": "pw"},
                    {"name": "API_TOKEN", "valueFrom": {"secretKeyRef": {}}},
                ]
            },
            {},
            [
                f"Helm chart 'r' (c): values.env[0].value (DB_PASSWORD) holds a literal secret in Helm "
                f"values. {SECRET_FIX}"
            ],
        ),
        ({"token": "${GITHUB_TOKEN}"}, {}, []),
        (
            {"auth": {"token": UNKNOWN}},
            {},
            [
                "Helm chart 'r' (c): values.auth.token (token) is a value computed at deploy time (e.g. a "
                f"generated password) written into Helm values. {SECRET_FIX}"
            ],
        ),
    ],
)
def test_no_plaintext_secrets_in_helm_values(
    pol: Any, values: dict, config: dict, expected: list
) -> None:
    args = pol.resource(CHART, {"chart": "c", "values": values})
    assert pol.verdict(NO_PLAINTEXT_SECRETS, args, config) == expected


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("password", True),
        ("adminPassword", True),
        ("api-key", True),
        ("apiKey", True),
        ("client_secret", True),
        ("token", True),
        ("QDRANT__API_KEY", True),
        ("secretKey", True),
        ("existingSecret", False),
        ("passwordKey", False),
        ("secretName", False),
        ("tokenFile", False),
        ("passwordSecretRef", False),
        ("secret", False),
        ("tokenTTL", False),
        ("automountServiceAccountToken", True),  # a bool value: never a string literal
    ],
)
def test_secret_key_heuristic(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret
