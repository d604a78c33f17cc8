"""Each shipped on-prem stack, deployed for real (`pulumi up`, file backend, passphrase secrets,
no network) on a local control plane, then read back with the kubernetes client.

Runs in file order per stack (conftest.py): deploy checks, a second preview with no changes,
the policy packs under the real CLI, the scheduling contract on kube-scheduler, and last the
destroy that keeps data. Test stacks derive from the shipped files (harness/stacks.py).
"""

from __future__ import annotations

import base64
import json
import re

import pytest
import yaml

NAMESPACE = "kubernetes:core/v1:Namespace"
CHART = "kubernetes:helm.sh/v4:Chart"
NODE_PATCH = "kubernetes:core/v1:NodePatch"
SECRET = "kubernetes:core/v1:Secret"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
PSA = "pod-security.kubernetes.io/"
# Custom resources each shipped stack creates from the CRDs its charts bring.
CUSTOM_KINDS = {
    "dev-onprem": {"InferenceService", "PodMonitor", "PrometheusRule", "ServiceMonitor"},
    "staging-onprem": {
        "AppProject",
        "Application",
        "PodMonitor",
        "PrometheusRule",
        "ServiceMonitor",
    },
    "lab": {"InferenceService", "ResourceClaimTemplate"},
}
# Whether a stack's objects and chart values reference Secrets (the DRA example: no gated
# model, no vector DB, no observability, so none).
SECRET_REFS = {"dev-onprem": True, "staging-onprem": True, "lab": False}
ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService"
RCT = "kubernetes:resource.k8s.io/v1:ResourceClaimTemplate"


def _core(d):
    from kubernetes import client

    return client.CoreV1Api(d.api())


def _state(d) -> dict:
    return d.state()


def _objects(d):
    """(recorded resource, stored object) for every Kubernetes object the program registers."""
    from harness.readback import read_object

    for r in d.recording.kubernetes_objects():
        i = r["inputs"]
        md = i["metadata"]
        yield r, read_object(d.api(), i["apiVersion"], i["kind"], md["name"], md.get("namespace"))


def test_real_urns_are_the_mock_engines(deployment):
    """Every URN the mock engine records (the URN snapshots) is in the real state; the real
    state adds only the stack, default providers and the objects Helm charts render."""
    state = {r["urn"]: r for r in _state(deployment)["deployment"]["resources"]}
    mock = {r["urn"] for r in deployment.recording.resources}
    assert sorted(mock - set(state)) == []
    extra = sorted(set(state) - mock)
    for urn in extra:
        kind = urn.split("::")[2]
        assert (
            kind == "pulumi:pulumi:Stack"
            or kind.startswith("pulumi:providers:")
            or f"{CHART}$" in kind
        ), urn


def test_namespaces_and_pod_security(deployment):
    from kubernetes.client import ApiException

    core = _core(deployment)
    namespaces = deployment.recording.of_type(NAMESPACE)
    assert namespaces
    for r in namespaces:
        md = r["inputs"]["metadata"]
        ns = core.read_namespace(md["name"])
        assert ns.status.phase == "Active"
        stored = ns.metadata.labels
        assert {k: v for k, v in stored.items() if k != "kubernetes.io/metadata.name"} == md[
            "labels"
        ]
        # Pod Security admission of the real API server enforces the label: a privileged pod
        # is refused wherever the level is not `privileged` (server-side dry run).
        level = md["labels"][PSA + "enforce"]
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "psa-probe"},
            "spec": {
                "containers": [
                    {"name": "c", "image": "x.invalid/i", "securityContext": {"privileged": True}}
                ]
            },
        }
        if level == "privileged":
            core.create_namespaced_pod(md["name"], pod, dry_run="All")
        else:
            with pytest.raises(ApiException) as err:
                core.create_namespaced_pod(md["name"], pod, dry_run="All")
            assert err.value.status == 403
            message = json.loads(err.value.body)["message"]
            assert f'violates PodSecurity "{level}:latest": privileged' in message


def test_kubernetes_objects_stored_as_sent(deployment):
    """Every object the program registers (custom resources against the stand-in charts' real
    CRDs, and built-ins) is stored with every field we sent: nothing pruned or changed."""
    from harness.readback import sent_vs_stored

    problems, kinds = {}, set()
    for r, stored in _objects(deployment):
        sent = {k: v for k, v in r["inputs"].items() if k not in ("apiVersion", "kind")}
        diff = sent_vs_stored(sent, stored)
        if diff:
            problems[r["urn"]] = diff
        if "." in r["inputs"]["apiVersion"].split("/")[0]:
            kinds.add(r["inputs"]["kind"])
    assert problems == {}
    custom = {k for k in kinds if k not in ("NetworkPolicy", "CronJob")}
    assert custom == CUSTOM_KINDS[deployment.name]


def test_charts_got_the_values_sent(deployment):
    """Helm received each chart's values (the stand-in renders them into `<release>-values`),
    after validating them against the chart's upstream values.schema.json."""
    from harness.readback import sent_vs_stored

    from pulumi_llmops.versions import CHARTS

    core = _core(deployment)
    versions = {CHARTS[k].chart_name: CHARTS[k].version for k in deployment.stack.charts}
    charts = deployment.recording.of_type(CHART)
    assert len(charts) == len({c["inputs"]["chart"] for c in charts})
    for c in charts:
        name = c["name"][:63].rstrip("-") + "-values"
        cm = core.read_namespaced_config_map(name, c["inputs"]["namespace"])
        assert versions[cm.data["chart"]] == cm.data["chartVersion"]
        rendered = yaml.safe_load(cm.data["values.yaml"])
        assert sent_vs_stored(c["inputs"]["values"], rendered) == [], c["name"]


def test_node_patches(deployment):
    core = _core(deployment)
    patched = set()
    for r in deployment.recording.of_type(NODE_PATCH):
        md = r["inputs"]["metadata"]
        node = core.read_node(md["name"])
        assert {k: node.metadata.labels.get(k) for k in md["labels"]} == md["labels"]
        taints = [
            {"key": t.key, "value": t.value, "effect": t.effect} for t in node.spec.taints or []
        ]
        assert taints == r["inputs"]["spec"]["taints"]
        gpu = deployment.stack.config.node_pools[md["labels"]["llmops.dev/pool"]].gpu
        if gpu.allocation == "dra":  # no device plugin: the devices are in a ResourceSlice
            assert "nvidia.com/gpu" not in node.status.allocatable
        else:
            assert node.status.allocatable["nvidia.com/gpu"] == str(gpu.count)
        patched.add(md["name"])
    named = {n for p in deployment.stack.config.node_pools.values() for n in p.onprem.node_names}
    assert patched == named
    for node in deployment.stack.nodes:  # selector pools and the CPU node: left as they were
        if node.name not in named:
            stored = core.read_node(node.name)
            labels = {k: v for k, v in stored.metadata.labels.items() if not k.startswith("beta.")}
            assert labels == node.manifest()["metadata"]["labels"]  # (kwok adds beta.* ones)
            taints = [
                {"key": t.key, "value": t.value, "effect": t.effect}
                for t in stored.spec.taints or []
            ]
            assert taints == list(node.taints)


def test_secrets_exist_and_stay_secret_in_state(deployment):
    """Every Secret is in the cluster with the keys sent; the export has none of their values
    (nor the kubeconfig's client key) in plaintext or base64; outputs show them as [secret]."""
    core = _core(deployment)
    plaintexts = []
    for r in deployment.recording.of_type(SECRET):
        md = r["inputs"]["metadata"]
        secret = core.read_namespaced_secret(md["name"], md["namespace"])
        assert secret.data, md["name"]
        for encoded in secret.data.values():
            plaintexts += [encoded, base64.b64decode(encoded).decode()]
    client_key = json.loads(deployment.kubeconfig_text)["users"][0]["user"]["client-key-data"]
    plaintexts += [client_key, base64.b64decode(client_key).decode().splitlines()[1]]
    export = deployment.export_text
    stack_file = deployment.stack_file.read_text()
    leaked = [p[:6] + "..." for p in plaintexts if len(p) >= 8 and (p in export or p in stack_file)]
    assert leaked == []
    outputs = json.loads(deployment.cli.run("stack", "output", "--json").stdout)
    secret_outputs = {k for k, v in deployment.recording.outputs.items() if v == "[secret]"}
    assert secret_outputs and {k: outputs[k] for k in secret_outputs} == {
        k: "[secret]" for k in secret_outputs
    }


def test_secret_references_resolve(deployment):
    """Every secretKeyRef the deployed objects and chart values make names a Secret and key
    that exist: the Secrets the platform creates, and those the user created (prerequisites)."""
    from harness.readback import secret_refs

    core = _core(deployment)
    refs = set()
    for r, stored in _objects(deployment):
        ns = r["inputs"]["metadata"].get("namespace")
        refs |= {(ns, name, key) for name, key in secret_refs(stored.get("spec", {}))}
    for c in deployment.recording.of_type(CHART):
        refs |= {(c["inputs"]["namespace"], n, k) for n, k in secret_refs(c["inputs"]["values"])}
    assert bool(refs) == SECRET_REFS[deployment.name]
    missing = []
    for ns, name, key in sorted(refs, key=str):
        try:
            secret = core.read_namespaced_secret(name, ns)
        except Exception:  # noqa: BLE001 - reported below
            missing.append(f"{ns}/{name}")
            continue
        if key is not None and key not in (secret.data or {}):
            missing.append(f"{ns}/{name} key {key} (has {sorted(secret.data or {})})")
    assert missing == []


def test_network_policies(deployment):
    from kubernetes import client

    net = client.NetworkingV1Api(deployment.api())
    policies = deployment.recording.of_type(NETWORK_POLICY)
    assert policies
    for r in policies:
        md = r["inputs"]["metadata"]
        stored = net.read_namespaced_network_policy(md["name"], md["namespace"])
        assert stored.spec.policy_types == r["inputs"]["spec"]["policyTypes"]
        sources = deployment.api().sanitize_for_serialization(stored.spec)["ingress"]
        assert sources == r["inputs"]["spec"]["ingress"]


def test_second_preview_has_no_changes(deployment):
    """`pulumi preview --expect-no-changes` (run with the policy packs, next test) passes."""
    preview, _ = deployment.second_preview()
    assert preview.returncode == 0, preview.stdout[-4000:]
    assert re.search(r"^Resources:\n\s+\d+ unchanged\n", preview.stdout, re.M), preview.stdout


def test_policy_packs_pass_under_the_cli(deployment):
    """The three packs with the environment's config pass, as `llmops check` does."""
    from harness.library import llmops_check
    from harness.policy import check_findings, preview_findings

    preview, log = deployment.second_preview()
    assert preview.returncode == 0, preview.stdout[-4000:]
    for pack in ("cost-guardrails", "data-residency", "security-baseline"):
        assert f"✅ {pack}@v0.1.0" in preview.stdout
    offline = llmops_check(deployment.library_python, deployment.stack_file)
    assert offline["mandatory"] == 0
    assert preview_findings(log) == check_findings(offline) == []


# Which scheduling test applies is fixed per stack, so a stack that lost its models fails
# instead of skipping: `lab` serves every model on DRA pools, staging-onprem serves none.
DRA_ONLY = frozenset({"lab"})
NO_MODELS = frozenset({"staging-onprem"})


def _models_on(deployment, allocation: str) -> list[dict]:
    """The recorded InferenceServices of the models whose pool hands out GPUs by
    `allocation` (`device-plugin` or `dra`)."""
    pools = deployment.stack.config.node_pools
    sizing = deployment.stack.plan.serving.sizing
    return [
        r
        for r in deployment.recording.of_type(ISVC)
        if pools[sizing[r["inputs"]["metadata"]["name"]].pool].gpu.allocation == allocation
    ]


def _assert_one_more_replica_pending(deployment, core, created, placed, shortage: str) -> str:
    """One more replica of `placed` = (model, pool, namespace, stored InferenceService) stays
    Pending with the scheduler's reason: the pool's nodes short of `shortage`, the others not
    matching its selector (on the PodScheduled condition and in an event). Returns the
    condition's message; the pod is appended to `created` for clean-up."""
    from harness.scheduling import predictor_pod, wait_unschedulable

    model, pool, ns, stored = placed
    extra = predictor_pod(f"{model}-predictor-1", ns, stored)
    core.create_namespaced_pod(ns, extra)
    created.append((extra["metadata"]["name"], ns))
    phase, condition, events = wait_unschedulable(core, extra["metadata"]["name"], ns)
    total = len(core.list_node().items)
    in_pool = len(deployment.stack.pool_nodes(pool))
    reason = (
        f"0/{total} nodes are available: {in_pool} {shortage}, "
        f"{total - in_pool} node(s) didn't match Pod's node affinity/selector."
    )
    assert phase == "Pending"
    assert condition.startswith(reason), condition
    assert any(e.startswith(reason) for e in events), events
    return condition


def test_scheduling_contract_on_kube_scheduler(deployment):
    """A pod shaped like each model's predictor (selector, affinity, tolerations, GPUs from the
    stored InferenceService) is bound to a node of the pool the plan chose; with that pool's
    GPUs all taken, another replica stays Pending with the scheduler's reason."""
    from harness.readback import read_object
    from harness.scheduling import predictor_pod, wait_bound

    sizing = deployment.stack.plan.serving.sizing
    isvcs = _models_on(deployment, "device-plugin")
    if deployment.name in DRA_ONLY | NO_MODELS:
        pytest.skip(f"{deployment.name} serves no model on a device-plugin pool")
    assert isvcs, f"{deployment.name}: no model on a device-plugin pool"
    core = _core(deployment)
    created, placed = [], {}
    try:
        for r in isvcs:
            md = r["inputs"]["metadata"]
            stored = read_object(
                deployment.api(),
                r["inputs"]["apiVersion"],
                "InferenceService",
                md["name"],
                md["namespace"],
            )
            pod = predictor_pod(f"{md['name']}-predictor-0", md["namespace"], stored)
            core.create_namespaced_pod(md["namespace"], pod)
            created.append((pod["metadata"]["name"], md["namespace"]))
            node = wait_bound(core, pod["metadata"]["name"], md["namespace"])
            pool = sizing[md["name"]].pool
            assert node in deployment.stack.pool_nodes(pool), (md["name"], pool, node)
            placed[md["name"]] = (pool, stored, pod)

        # Fill the first model's pool, then ask for one more replica.
        model, (pool, stored, pod) = sorted(placed.items())[0]
        ns = pod["metadata"]["namespace"]
        for node in deployment.stack.pool_nodes(pool):
            used = sum(
                int(c.resources.limits.get("nvidia.com/gpu", 0))
                for p in core.list_pod_for_all_namespaces(
                    field_selector=f"spec.nodeName={node}"
                ).items
                for c in p.spec.containers
                if c.resources and c.resources.limits
            )
            free = int(core.read_node(node).status.allocatable["nvidia.com/gpu"]) - used
            if free:
                filler = predictor_pod(f"fill-{node}", ns, stored)
                filler["spec"]["nodeSelector"] = {"kubernetes.io/hostname": node}
                limits = filler["spec"]["containers"][0]["resources"]
                for kind in ("requests", "limits"):
                    limits[kind]["nvidia.com/gpu"] = str(free)
                core.create_namespaced_pod(ns, filler)
                created.append((f"fill-{node}", ns))
                assert wait_bound(core, f"fill-{node}", ns) == node
        _assert_one_more_replica_pending(
            deployment, core, created, (model, pool, ns, stored), "Insufficient nvidia.com/gpu"
        )
    finally:
        for name, ns in created:
            core.delete_namespaced_pod(name, ns, grace_period_seconds=0)


def test_dra_claims_on_kube_scheduler(deployment):
    """DRA pools: a pod shaped like each model's predictor (its `resourceClaims` naming the
    model's stored ResourceClaimTemplate) gets a ResourceClaim from kube-controller-manager's
    resource claim controller; kube-scheduler's DRA plugin evaluates the DeviceClass and the
    library's CEL memory selector against the stand-in driver's ResourceSlices, allocates
    `tensor_parallel` devices of one node of the plan's pool and binds the pod there. With a
    pool's devices all allocated, one more replica stays Pending with the DRA plugin's reason."""
    from harness.dra import DEVICE_CLASSES, DRIVER, quantity_bytes, selector_mib
    from harness.procs import wait_for
    from harness.readback import read_object, sent_vs_stored
    from harness.scheduling import predictor_pod, wait_bound
    from kubernetes import client

    contracts = deployment.stack.config.node_pools
    sizing = deployment.stack.plan.serving.sizing
    isvcs = _models_on(deployment, "dra")
    if deployment.name not in DRA_ONLY:
        pytest.skip(f"{deployment.name} has no DRA pool")
    assert isvcs, f"{deployment.name}: no model on a DRA pool"
    api = deployment.api()
    core, co = _core(deployment), client.CustomObjectsApi(api)
    devices = {  # (node, device name) -> device as the stand-in driver published it
        (node, d["name"]): d
        for node, s in deployment.dra_slices.items()
        for d in s["spec"]["devices"]
    }

    def is_mig(pool: str) -> bool:
        sharing = contracts[pool].sharing
        return sharing is not None and sharing.mig is not None

    def claim_of(pod_name: str, ns: str) -> dict:
        def allocated():
            pod = core.read_namespaced_pod(pod_name, ns)
            for status in pod.status.resource_claim_statuses or []:
                claim = co.get_namespaced_custom_object(
                    "resource.k8s.io", "v1", ns, "resourceclaims", status.resource_claim_name
                )
                if (claim.get("status") or {}).get("allocation"):
                    return claim
            return None

        return wait_for(allocated, 60, what=f"the allocated claim of {ns}/{pod_name}")

    created, first = [], {}  # first: pool -> (model, stored isvc, namespace)
    try:
        for r in sorted(isvcs, key=lambda r: r["inputs"]["metadata"]["name"]):
            md = r["inputs"]["metadata"]
            model, ns = md["name"], md["namespace"]
            pool = sizing[model].pool
            stored = read_object(api, r["inputs"]["apiVersion"], "InferenceService", model, ns)
            template = read_object(
                api, "resource.k8s.io/v1", "ResourceClaimTemplate", f"{model}-gpu", ns
            )
            (sent,) = [
                t
                for t in deployment.recording.of_type(RCT)
                if t["inputs"]["metadata"]["name"] == f"{model}-gpu"
            ]
            assert sent_vs_stored(sent["inputs"]["spec"], template["spec"]) == []
            pod = predictor_pod(f"{model}-predictor-0", ns, stored)
            assert pod["spec"]["resourceClaims"] == [
                {"name": "gpu", "resourceClaimTemplateName": f"{model}-gpu"}
            ]
            assert "nvidia.com/gpu" not in str(pod["spec"]["containers"][0]["resources"])
            core.create_namespaced_pod(ns, pod)
            created.append((pod["metadata"]["name"], ns))
            node = wait_bound(core, pod["metadata"]["name"], ns)
            assert node in deployment.stack.pool_nodes(pool), (model, pool, node)
            claim = claim_of(pod["metadata"]["name"], ns)
            # The controller made the claim from the template: same spec, owned by the pod.
            assert claim["spec"] == template["spec"]["spec"]
            assert claim["metadata"]["ownerReferences"][0]["name"] == pod["metadata"]["name"]
            results = claim["status"]["allocation"]["devices"]["results"]
            exactly = template["spec"]["spec"]["devices"]["requests"][0]["exactly"]
            assert len(results) == exactly["count"] == sizing[model].tensor_parallel
            mig = is_mig(pool)
            assert exactly["deviceClassName"] == ("mig.nvidia.com" if mig else "gpu.nvidia.com")
            assert exactly["deviceClassName"] in DEVICE_CLASSES
            floor = selector_mib(template) * 1024 * 1024
            for res in results:
                assert (res["request"], res["driver"], res["pool"]) == ("gpu", DRIVER, node)
                device = devices[(node, res["device"])]
                kind = device["attributes"]["type"]["string"]
                assert kind == ("mig" if mig else "gpu"), res
                if mig:
                    profile = contracts[pool].sharing.mig.profile.removeprefix("all-")
                    assert device["attributes"]["profile"]["string"] == profile
                assert quantity_bytes(device["capacity"]["memory"]["value"]) >= floor, res
            terms = claim["status"]["allocation"]["nodeSelector"]["nodeSelectorTerms"]
            assert terms == [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]
            first.setdefault(pool, (model, stored, ns))

        # Per pool: allocate every device left (one filler claim per node), then ask for one
        # more replica of the pool's first model.
        for pool, (model, stored, ns) in sorted(first.items()):
            cls = "mig.nvidia.com" if is_mig(pool) else "gpu.nvidia.com"
            taken = {
                (res["pool"], res["device"])
                for c in co.list_cluster_custom_object("resource.k8s.io", "v1", "resourceclaims")[
                    "items"
                ]
                for res in ((c.get("status") or {}).get("allocation") or {})
                .get("devices", {})
                .get("results", [])
            }
            for node in deployment.stack.pool_nodes(pool):
                free = [d for (n, d) in devices if n == node and (n, d) not in taken]
                if not free:
                    continue
                name = f"fill-{node}"
                co.create_namespaced_custom_object(
                    "resource.k8s.io",
                    "v1",
                    ns,
                    "resourceclaims",
                    {
                        "apiVersion": "resource.k8s.io/v1",
                        "kind": "ResourceClaim",
                        "metadata": {"name": name},
                        "spec": {
                            "devices": {
                                "requests": [
                                    {
                                        "name": "gpu",
                                        "exactly": {
                                            "deviceClassName": cls,
                                            "allocationMode": "ExactCount",
                                            "count": len(free),
                                        },
                                    }
                                ]
                            }
                        },
                    },
                )
                filler = predictor_pod(name, ns, stored)
                filler["spec"]["nodeSelector"] = {
                    **filler["spec"].get("nodeSelector", {}),
                    "kubernetes.io/hostname": node,
                }
                filler["spec"]["resourceClaims"] = [{"name": "gpu", "resourceClaimName": name}]
                core.create_namespaced_pod(ns, filler)
                created.append((name, ns))
                assert wait_bound(core, name, ns) == node
            condition = _assert_one_more_replica_pending(
                deployment, core, created, (model, pool, ns, stored), "cannot allocate all claims"
            )
            print(f"{pool}: {condition}")  # shown with -s (the README quotes it)
    finally:
        for name, ns in created:
            core.delete_namespaced_pod(name, ns, grace_period_seconds=0)
        for name, ns in created:
            if name.startswith("fill-"):
                co.delete_namespaced_custom_object(
                    "resource.k8s.io", "v1", ns, "resourceclaims", name
                )


def test_destroy_refuses_protected_then_keeps_data(deployment):
    """docs/vector-db.md "Data is kept on destroy", followed literally: `pulumi destroy` stops
    with Pulumi's protection error; `pulumi state unprotect --all --yes`, then `pulumi destroy
    --yes` deletes everything but the retained objects, which stay in the cluster."""
    from harness.readback import exists

    cli, api = deployment.cli, deployment.api()
    state = _state(deployment)["deployment"]["resources"]
    protected = sorted(r["urn"] for r in state if r.get("protect"))
    retained = [r for r in state if r.get("retainOnDelete") and r.get("custom")]
    # The charts' CRDs are protected in every stack; only the vector DB keeps data
    # (retainOnDelete): the DRA example has none, so its destroy leaves nothing behind.
    vdb = deployment.stack.config.addons.vector_db
    assert protected and bool(retained) == vdb.enabled
    refused = cli.run("destroy", "--yes", check=False, timeout=900)
    assert refused.returncode != 0
    text = " ".join(refused.stdout.split())
    named = set(re.findall(r'resource "([^"]+)" cannot be deleted because it is protected', text))
    assert named and named <= set(protected), named  # the engine stops at the first few
    for urn in named:
        assert (
            f'resource "{urn}" cannot be deleted because it is protected. To unprotect the '
            "resource, either remove the `protect` flag from the resource in your Pulumi "
            f"program and run `pulumi up`, or use the command: `pulumi state unprotect "
            f"'{urn}'`"
        ) in text
    after = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
    assert [r["urn"] for r in after] == [r["urn"] for r in state]  # nothing deleted

    cli.run("state", "unprotect", "--all", "--yes")
    down = cli.run("destroy", "--yes", timeout=1800)
    deployment.timings["destroy"] = round(down.seconds, 1)
    kept, gone = [], []
    for r in state:
        if (
            not r.get("custom")
            or not r["type"].startswith("kubernetes:")
            or r["type"].endswith("Patch")
        ):
            continue
        o = r["outputs"]
        md = o.get("metadata") or {}
        present = exists(api, o["apiVersion"], o["kind"], md["name"], md.get("namespace"))
        (kept if present else gone).append((r["urn"], present))
        assert present == bool(r.get("retainOnDelete")), r["urn"]
    # What the docs promise stays: the vector DB namespace, its chart's objects and the key.
    core = _core(deployment)
    if vdb.enabled:
        assert core.read_namespace(vdb.namespace).status.phase == "Active"
        assert core.read_namespaced_secret("vector-db-api-key", vdb.namespace).data["api-key"]
        for p in deployment.stack.prerequisites:  # user Secrets in a retained namespace survive
            if p.namespace == vdb.namespace:
                assert core.read_namespaced_secret(p.name, p.namespace).data
    assert gone and bool(kept) == vdb.enabled
    assert json.loads(cli.run("stack", "export").stdout)["deployment"].get("resources") in (
        None,
        [],
    )
    for r in deployment.recording.of_type(NODE_PATCH):  # patched fields are relinquished
        node = core.read_node(r["inputs"]["metadata"]["name"])
        assert not {k for k in node.metadata.labels if k.startswith("llmops.dev/")}
        assert not node.spec.taints
