"""A local Kubernetes control plane for the real-engine tier: loopback only, free ports, own PKI.

Processes (each in its own process group, see procs.py): etcd, kube-apiserver,
kube-controller-manager (garbage collector and namespace controller, which `pulumi destroy`
needs: the provider deletes with Foreground propagation), kube-scheduler, and kwok as the fake
kubelet of every Node (Ready nodes and leases, Running/Ready pods, pod deletion). Started by hand
rather than with kwokctl, so that every pid is ours to stop (recipe section 6.5).

Settings that matter to the tests:
- the MutatingAdmissionWebhook and ValidatingAdmissionWebhook admission plugins are disabled:
  chart webhooks point at pods that never run;
- etcd's --max-request-bytes is 10 MiB: KServe's InferenceService CRD alone is ~2 MB;
- the apiserver reports the real version (v1.36.3, ldflags of build.py): Helm's kubeVersion
  checks and `.Capabilities` read it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .procs import Proc, Supervisor, wait_for

if TYPE_CHECKING:
    from .pki import Pki

SERVICE_CIDR = "10.96.0.0/16"
SERVICE_IP = "10.96.0.1"
POD_CIDR = "10.244.0.0/16"
ETCD_MAX_REQUEST_BYTES = 10 * 1024 * 1024
DISABLED_ADMISSION = ("MutatingAdmissionWebhook", "ValidatingAdmissionWebhook")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_kubeconfig(path: Path, server: str, pki: Pki, name: str = "llmops-e2e") -> Path:
    # JSON is YAML: every kubeconfig reader accepts it.
    cfg = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": name, "cluster": {"server": server, "certificate-authority": str(pki.ca_cert)}}
        ],
        "users": [
            {
                "name": "admin",
                "user": {
                    "client-certificate": str(pki.admin_cert),
                    "client-key": str(pki.admin_key),
                },
            }
        ],
        "contexts": [{"name": name, "context": {"cluster": name, "user": "admin"}}],
        "current-context": name,
    }
    path.write_text(json.dumps(cfg, indent=2))
    path.chmod(0o600)
    return path


@dataclass
class ControlPlane:
    """Context manager: `with ControlPlane(bin_dir) as cp: ... cp.kubeconfig ...`."""

    bin_dir: Path
    workdir: Path | None = None
    kwok: bool = True
    kwok_stages: Path | None = None
    extra_apiserver_args: tuple[str, ...] = ()
    start_timeout: float = 120.0
    keep_workdir: bool = False

    supervisor: Supervisor | None = field(default=None, init=False)
    kubeconfig: Path | None = field(default=None, init=False)
    server: str = field(default="", init=False)
    procs: dict[str, Proc] = field(default_factory=dict, init=False)
    _own_workdir: bool = field(default=False, init=False)
    _api: object = field(default=None, init=False)

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> ControlPlane:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _bin(self, name: str) -> str:
        path = Path(self.bin_dir) / name
        if not path.exists():
            raise FileNotFoundError(f"{path} missing: run `make engine`")
        return str(path)

    def start(self) -> ControlPlane:
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="llmops-e2e-cp-"))
            self._own_workdir = True
        wd = Path(self.workdir)
        wd.mkdir(parents=True, exist_ok=True)
        from .pki import make_pki  # needs `cryptography` (the tier's venv)

        self.supervisor = Supervisor(wd / "logs")
        pki = make_pki(wd / "pki", service_ip=SERVICE_IP)
        env = {**os.environ, "HOME": str(wd / "home")}
        (wd / "home").mkdir(exist_ok=True)

        ep, pp, ap = free_port(), free_port(), free_port()
        self.procs["etcd"] = self.supervisor.start(
            "etcd",
            [
                self._bin("etcd"),
                "--name=llmops-e2e",
                f"--data-dir={wd / 'etcd'}",
                f"--listen-client-urls=http://127.0.0.1:{ep}",
                f"--advertise-client-urls=http://127.0.0.1:{ep}",
                f"--listen-peer-urls=http://127.0.0.1:{pp}",
                f"--initial-advertise-peer-urls=http://127.0.0.1:{pp}",
                f"--initial-cluster=llmops-e2e=http://127.0.0.1:{pp}",
                f"--max-request-bytes={ETCD_MAX_REQUEST_BYTES}",
                "--unsafe-no-fsync=true",
                "--log-level=warn",
            ],
            env=env,
        )
        self._wait_http(f"http://127.0.0.1:{ep}/health", "etcd", ctx=None)

        self.server = f"https://127.0.0.1:{ap}"
        self.kubeconfig = write_kubeconfig(wd / "kubeconfig", self.server, pki)
        self.procs["kube-apiserver"] = self.supervisor.start(
            "kube-apiserver",
            [
                self._bin("kube-apiserver"),
                f"--etcd-servers=http://127.0.0.1:{ep}",
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                f"--secure-port={ap}",
                f"--cert-dir={wd / 'pki' / 'apiserver'}",
                f"--tls-cert-file={pki.serving_cert}",
                f"--tls-private-key-file={pki.serving_key}",
                f"--client-ca-file={pki.ca_cert}",
                "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
                f"--service-account-key-file={pki.sa_pub}",
                f"--service-account-signing-key-file={pki.sa_key}",
                f"--service-cluster-ip-range={SERVICE_CIDR}",
                "--authorization-mode=RBAC",
                "--allow-privileged=true",
                # A loopback advertise address cannot be an Endpoints address.
                "--endpoint-reconciler-type=none",
                "--disable-admission-plugins=" + ",".join(DISABLED_ADMISSION),
                "--profiling=false",
                *self.extra_apiserver_args,
            ],
            env=env,
        )
        ssl_ctx = self._ssl_context(pki)
        self._wait_http(f"{self.server}/readyz", "kube-apiserver", ctx=ssl_ctx)

        kcm_port, sched_port = free_port(), free_port()
        self.procs["kube-controller-manager"] = self.supervisor.start(
            "kube-controller-manager",
            [
                self._bin("kube-controller-manager"),
                f"--kubeconfig={self.kubeconfig}",
                f"--authentication-kubeconfig={self.kubeconfig}",
                f"--authorization-kubeconfig={self.kubeconfig}",
                "--bind-address=127.0.0.1",
                f"--secure-port={kcm_port}",
                f"--cert-dir={wd / 'pki' / 'kcm'}",
                "--leader-elect=false",
                f"--service-account-private-key-file={pki.sa_key}",
                f"--root-ca-file={pki.ca_cert}",
                "--use-service-account-credentials=false",
                f"--service-cluster-ip-range={SERVICE_CIDR}",
                "--profiling=false",
            ],
            env=env,
        )
        self.procs["kube-scheduler"] = self.supervisor.start(
            "kube-scheduler",
            [
                self._bin("kube-scheduler"),
                f"--kubeconfig={self.kubeconfig}",
                f"--authentication-kubeconfig={self.kubeconfig}",
                f"--authorization-kubeconfig={self.kubeconfig}",
                "--bind-address=127.0.0.1",
                f"--secure-port={sched_port}",
                f"--cert-dir={wd / 'pki' / 'scheduler'}",
                "--leader-elect=false",
                "--profiling=false",
            ],
            env=env,
        )
        if self.kwok:
            stages = self.kwok_stages or (Path(self.bin_dir).parent / "share" / "kwok-stages.yaml")
            if not Path(stages).exists():
                raise FileNotFoundError(f"{stages} missing: run `make engine`")
            self.procs["kwok"] = self.supervisor.start(
                "kwok",
                [
                    self._bin("kwok"),
                    f"--kubeconfig={self.kubeconfig}",
                    f"--config={stages}",
                    "--manage-all-nodes=true",
                    f"--server-address=127.0.0.1:{free_port()}",
                    f"--cidr={POD_CIDR}",
                    "--node-ip=127.0.0.1",
                    "--node-lease-duration-seconds=40",
                ],
                env=env,
            )
        # The ServiceAccount admission plugin needs the `default` account, which the controller
        # manager creates: once it exists, pods can be created.
        api = self.core_api()
        wait_for(
            lambda: api.read_namespaced_service_account("default", "default"),
            self.start_timeout,
            what="the default ServiceAccount (kube-controller-manager up)",
        )
        self._check_alive()
        return self

    def stop(self) -> None:
        if self._api is not None:
            self._api.close()
            self._api = None
        if self.supervisor is not None:
            self.supervisor.stop_all()
        if self._own_workdir and not self.keep_workdir and self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # -- helpers ------------------------------------------------------------------------------

    def _ssl_context(self, pki: Pki) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=str(pki.ca_cert))
        ctx.load_cert_chain(str(pki.admin_cert), str(pki.admin_key))
        return ctx

    def _wait_http(self, url: str, name: str, ctx) -> None:
        def ok():
            self._check_alive()
            try:
                with urllib.request.urlopen(url, context=ctx, timeout=2) as r:
                    return r.status == 200
            except urllib.error.HTTPError as e:  # e.g. 503 while post-start hooks run
                e.close()
                return False

        wait_for(ok, self.start_timeout, what=f"{name} at {url}")

    def _check_alive(self) -> None:
        for name, proc in self.procs.items():
            if not proc.alive():
                raise RuntimeError(
                    f"{name} exited with {proc.popen.returncode}; "
                    f"last log lines:\n{proc.log_tail()}"
                )

    def pids(self) -> list[int]:
        return self.supervisor.pids() if self.supervisor else []

    def env(self) -> dict[str, str]:
        return {"KUBECONFIG": str(self.kubeconfig)}

    def api_client(self):
        """One shared kubernetes ApiClient (closed by stop())."""
        if self._api is None:
            from kubernetes import config

            self._api = config.new_client_from_config(config_file=str(self.kubeconfig))
        return self._api

    def core_api(self):
        from kubernetes import client

        return client.CoreV1Api(self.api_client())
