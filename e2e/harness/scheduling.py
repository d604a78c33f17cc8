"""Pods shaped like a model's predictor, to test the scheduling contract on kube-scheduler.

`predictor_pod(isvc)` takes what KServe copies from an InferenceService's predictor into its
pod: `nodeSelector`, `affinity`, `tolerations`, `resourceClaims` (DRA pools: the claim from the
model's ResourceClaimTemplate) and the model container's `resources` (with `claims` there).
"""

from __future__ import annotations

import copy

from .procs import wait_for

IMAGE = "example.invalid/vllm:e2e"  # never pulled: kwok runs no containers


def predictor_pod(name: str, namespace: str, isvc: dict) -> dict:
    predictor = isvc["spec"]["predictor"]
    spec: dict = {
        "containers": [
            {
                "name": "kserve-container",
                "image": IMAGE,
                "resources": copy.deepcopy(predictor["model"].get("resources", {})),
            }
        ],
        "automountServiceAccountToken": False,
    }
    for key in ("nodeSelector", "affinity", "tolerations", "resourceClaims"):
        if key in predictor:
            spec[key] = copy.deepcopy(predictor[key])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"llmops.e2e/pod": name}},
        "spec": spec,
    }


def wait_bound(core, name: str, namespace: str, timeout: float = 60.0) -> str:
    """The node the scheduler bound the pod to."""

    def bound():
        return core.read_namespaced_pod(name, namespace).spec.node_name

    return wait_for(bound, timeout, what=f"pod {namespace}/{name} bound to a node")


def wait_unschedulable(core, name: str, namespace: str, timeout: float = 60.0):
    """(PodScheduled condition message, FailedScheduling event messages) of a Pending pod."""

    def reason():
        pod = core.read_namespaced_pod(name, namespace)
        if pod.spec.node_name:
            raise AssertionError(f"pod {name} was bound to {pod.spec.node_name}")
        for c in pod.status.conditions or []:
            if c.type == "PodScheduled" and c.status == "False" and c.reason == "Unschedulable":
                events = core.list_namespaced_event(
                    namespace, field_selector=f"involvedObject.name={name}"
                ).items
                failed = [e.message for e in events if e.reason == "FailedScheduling"]
                if failed:
                    return pod.status.phase, c.message, failed
        return None

    return wait_for(reason, timeout, what=f"pod {namespace}/{name} FailedScheduling")
