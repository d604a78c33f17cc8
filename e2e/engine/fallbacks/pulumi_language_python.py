"""Project-owned stand-in for `pulumi-language-python`, the Python language host of the Pulumi CLI.

Why: the real host is its own Go module
(`github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3`), which the Go module proxy
on our machines does not serve at any version (probed 2026-12-02, see e2e/engine/PROBE.md). This
file implements the `pulumirpc.LanguageRuntime` gRPC service over the stubs the `pulumi` wheel
ships (`pulumi/runtime/proto/language_pb2_grpc.py`), enough for the real-engine tier:

- `pulumi up/preview/destroy` of a Python program: `GetRequiredPackages` (plugins named by the
  `pulumi-plugin.json` files of the installed pulumi packages, as the real host does), `Run`
  (spawns `<python> pulumi-language-python-exec <args> <entry point>` with PULUMI_CONFIG and
  PULUMI_CONFIG_SECRET_KEYS, the arguments and environment the Go host builds), `GetPluginInfo`;
- `pulumi preview --policy-pack <dir>` of Python packs: the CLI runs a pack through `RunPlugin`
  with kind `analyzer`; this runs `<python> -u -m pulumi.policy <args> <pack dir>` in the pack
  directory and streams its stdout/stderr back (the CLI reads the analyzer's port from it);
- `About`, `GetProgramDependencies`, `Handshake`, `RuntimeOptionsPrompts`, `Cancel`.

Python interpreter, as the real host's `pip` toolchain picks it: the `virtualenv` runtime option
(relative to the project root) if set, else PULUMI_PYTHON_CMD, else `python3`, else `python` on
PATH. The `poetry`/`uv` toolchains and the `typechecker` option are not supported here and fail
with a clear error. Code generation RPCs (GenerateProject, Pack, Link, ...) are unimplemented.

Protocol (pkg/resource/plugin/plugin.go of the CLI): started with the engine address as the last
argument, print the gRPC port on the first line of stdout, then serve until interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import language_pb2, language_pb2_grpc, plugin_pb2

# Reported through GetPluginInfo; build metadata marks it as the stand-in.
VERSION = "3.274.1+llmops.standin"
EXEC_NAME = "pulumi-language-python-exec"
# Exit code the exec shim uses after it has shown the user an actionable message.
USER_ACTIONABLE_EXIT = 32
MAX_MESSAGE = 400 * 1024 * 1024  # as rpcutil.GrpcChannelOptions in the CLI
# Packages known to ship no plugin (mirrors the real host's packagesWithoutPlugins).
PACKAGES_WITHOUT_PLUGINS = {"pulumi-policy", "pulumi_policy", "pulumi-esc-sdk", "pulumi_esc_sdk"}

LIST_PACKAGES = r"""
import importlib.metadata as md, json
seen, out = set(), []
for d in md.distributions():
    name = d.metadata["Name"]
    if not name or name.lower() in seen:
        continue
    seen.add(name.lower())
    out.append({"name": name, "version": d.version, "location": str(d.locate_file(""))})
print(json.dumps(out))
"""

ABOUT = r"""
import json, sys, platform
print(json.dumps({"executable": sys.executable, "version": platform.python_version()}))
"""


class HostError(Exception):
    """An error the CLI should show the user as it is."""


# ---------------------------------------------------------------------------------------------
# Interpreter resolution (the pip toolchain of the real host)


class Python:
    def __init__(self, root: str, options: dict):
        self.options = options
        toolchain = options.get("toolchain", "pip")
        if toolchain != "pip":
            raise HostError(
                f"toolchain {toolchain!r} is not supported by the stand-in Python language host "
                "(e2e/engine/fallbacks/pulumi_language_python.py); use pip"
            )
        if options.get("typechecker"):
            raise HostError(
                "the 'typechecker' option is not supported by the stand-in Python language host"
            )
        self.virtualenv: Path | None = None
        venv = options.get("virtualenv")
        if venv:
            if not isinstance(venv, str):
                raise HostError("virtualenv option must be a string")
            path = Path(venv)
            if not path.is_absolute():
                path = Path(root or os.getcwd()) / path
            self.virtualenv = path
            self.executable = str(path / "bin" / "python")
        else:
            cmd = os.environ.get("PULUMI_PYTHON_CMD")
            self.executable = cmd or shutil.which("python3") or shutil.which("python") or ""
            if not self.executable:
                raise HostError("no python found: set PULUMI_PYTHON_CMD or put python3 on PATH")

    def validate(self) -> None:
        if self.virtualenv is not None and not Path(self.executable).exists():
            raise HostError(
                f"The 'virtualenv' option in Pulumi.yaml is set to {str(self.virtualenv)!r}, but "
                f"{self.executable!r} doesn't exist; create it (the stand-in host does not)"
            )

    def env(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        if self.virtualenv is not None:
            env["VIRTUAL_ENV"] = str(self.virtualenv)
            env["PATH"] = str(self.virtualenv / "bin") + os.pathsep + env.get("PATH", "")
            env.pop("PYTHONHOME", None)
        return env

    def run_json(self, code: str) -> object:
        self.validate()
        out = subprocess.run(
            [self.executable, "-c", code],
            capture_output=True,
            text=True,
            env=self.env(dict(os.environ)),
        )
        if out.returncode != 0:
            raise HostError(f"{self.executable} failed listing packages:\n{out.stderr}")
        return json.loads(out.stdout)


def options_of(info) -> dict:
    if info is None or not info.HasField("options"):
        return {}
    from google.protobuf import json_format

    return json_format.MessageToDict(info.options)


# ---------------------------------------------------------------------------------------------
# Plugin dependencies (mirrors determinePulumiPackages / determinePackageDependency)


def plugin_version(package_version: str) -> str | None:
    """PEP 440 `N(.N)*[{a|b|rc}N][.postN][.devN]` to a plugin semver, or None if not possible."""
    import re

    m = re.fullmatch(
        r"(\d+(?:\.\d+)*)(?:(a|b|rc)(\d+))?(?:\.post(\d+))?(?:\.dev(\d+))?", package_version
    )
    if not m:
        return None
    release, pre, pre_n, post, dev = m.groups()
    parts = release.split(".")
    while len(parts) < 3:
        parts.append("0")
    v = ".".join(parts)
    if pre:
        v += "-" + {"a": "alpha", "b": "beta", "rc": "rc"}[pre] + "." + pre_n
    if post is not None:
        v += "+post" + post
    if dev is not None:
        v += ("" if post is not None else "+") + "dev" + dev
    return v


def required_packages(python: Python) -> list[plugin_pb2.PackageDependency]:
    result = []
    for pkg in python.run_json(LIST_PACKAGES):
        name = pkg["name"]
        plugin_json = Path(pkg["location"]) / name.replace("-", "_") / "pulumi-plugin.json"
        plugin = None
        if plugin_json.exists():
            plugin = json.loads(plugin_json.read_text())
        elif not (name.startswith("pulumi_") or name.startswith("pulumi-")):
            continue
        if name in PACKAGES_WITHOUT_PLUGINS:
            continue
        dep_name, version, server, param = "", "", "", None
        if plugin is not None:
            if not plugin.get("resource"):
                continue
            dep_name = plugin.get("name", "")
            version = plugin.get("version", "")
            server = plugin.get("server", "")
            p = plugin.get("parameterization")
            if p:
                param = plugin_pb2.PackageParameterization(
                    name=p.get("name", ""),
                    version=p.get("version", ""),
                    value=_b64(p.get("value", "")),
                )
        dep_name = dep_name or name.removeprefix("pulumi-").removeprefix("pulumi_")
        if not version:
            version = plugin_version(pkg["version"])
            if version is None:
                continue
        if not version.startswith("v"):
            version = "v" + version
        dep = plugin_pb2.PackageDependency(
            name=dep_name, version=version, kind="resource", server=server
        )
        if param is not None:
            dep.parameterization.CopyFrom(param)
        result.append(dep)
    return result


def _b64(value: str) -> bytes:
    import base64

    return base64.b64decode(value) if value else b""


# ---------------------------------------------------------------------------------------------
# Child processes


class Children:
    """Every process this host started, so Cancel, signals and shutdown can end them by pid."""

    def __init__(self):
        self._lock = threading.Lock()
        self._procs: set[subprocess.Popen] = set()

    def add(self, p: subprocess.Popen) -> None:
        with self._lock:
            self._procs.add(p)

    def discard(self, p: subprocess.Popen) -> None:
        with self._lock:
            self._procs.discard(p)

    def end_all(self, grace: float = 3.0) -> None:
        with self._lock:
            procs = list(self._procs)
        for p in procs:
            end_process(p, grace)


def end_process(p: subprocess.Popen, grace: float = 3.0) -> None:
    if p.poll() is not None:
        return
    try:
        p.send_signal(signal.SIGINT)
        p.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    except ProcessLookupError:
        pass


CHILDREN = Children()


# ---------------------------------------------------------------------------------------------
# The service


class LanguageHost(language_pb2_grpc.LanguageRuntimeServicer):
    def __init__(self, exec_path: str, engine_address: str, tracing: str):
        self.exec_path = exec_path
        self.engine_address = engine_address
        self.tracing = tracing

    # -- discovery ----------------------------------------------------------------------------

    def Handshake(self, request, context):
        if request.engine_address:
            self.engine_address = request.engine_address
        return language_pb2.LanguageHandshakeResponse()

    def GetPluginInfo(self, request, context):
        return plugin_pb2.PluginInfo(version=VERSION)

    def GetRequiredPackages(self, request, context):
        try:
            python = Python(request.info.root_directory, options_of(request.info))
            return language_pb2.GetRequiredPackagesResponse(packages=required_packages(python))
        except HostError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))

    def GetRequiredPlugins(self, request, context):
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "method GetRequiredPlugins not implemented")

    def About(self, request, context):
        try:
            info = request.info if request.HasField("info") else None
            python = Python(info.root_directory if info else "", options_of(info))
            about = python.run_json(ABOUT)
            return language_pb2.AboutResponse(
                executable=about["executable"], version=about["version"]
            )
        except HostError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))

    def GetProgramDependencies(self, request, context):
        try:
            python = Python(request.info.root_directory, options_of(request.info))
            deps = [
                language_pb2.DependencyInfo(name=p["name"], version=p["version"])
                for p in python.run_json(LIST_PACKAGES)
            ]
            return language_pb2.GetProgramDependenciesResponse(dependencies=deps)
        except HostError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))

    def RuntimeOptionsPrompts(self, request, context):
        return language_pb2.RuntimeOptionsResponse()

    def InstallDependencies(self, request, context):
        msg = (
            "The stand-in Python language host installs nothing: the real-engine tier's virtualenv "
            "is prepared by `make engine`.\n"
        )
        yield language_pb2.InstallDependenciesResponse(stdout=msg.encode())

    def Cancel(self, request, context):
        CHILDREN.end_all()
        return empty_pb2.Empty()

    # -- programs -----------------------------------------------------------------------------

    def _arguments(self, req) -> list[str]:
        args: list[str] = []

        def maybe(k: str, v: str) -> None:
            if v != "":
                args.extend(["--" + k, v])

        maybe("monitor", req.monitor_address)
        maybe("engine", self.engine_address)
        maybe("project", req.project)
        maybe("root_directory", req.info.root_directory)
        maybe("stack", req.stack)
        maybe("pwd", req.pwd)
        maybe("dry_run", "true" if req.dryRun else "false")
        maybe("parallel", str(req.parallel))
        maybe("tracing", self.tracing)
        maybe("organization", req.organization)
        args.append(req.info.entry_point or ".")
        args.extend(req.args)
        return args

    def Run(self, request, context):
        if request.attach_debugger:
            return language_pb2.RunResponse(
                error="attaching a debugger is not supported by the stand-in host"
            )
        try:
            python = Python(request.info.root_directory, options_of(request.info))
            python.validate()
        except HostError as e:
            return language_pb2.RunResponse(error=str(e))
        env = python.env(dict(os.environ))
        if request.config:
            env["PULUMI_CONFIG"] = json.dumps(dict(request.config))
        env["PULUMI_CONFIG_SECRET_KEYS"] = json.dumps(list(request.configSecretKeys))
        cmd = [python.executable, self.exec_path, *self._arguments(request)]
        try:
            # stdout/stderr are inherited: the CLI shows what the program prints.
            proc = subprocess.Popen(cmd, env=env, cwd=request.pwd or None)
        except OSError as e:
            return language_pb2.RunResponse(
                error=f"problem executing program (could not run language executor): {e}"
            )
        CHILDREN.add(proc)
        try:
            code = proc.wait()
        finally:
            CHILDREN.discard(proc)
        sys.stdout.flush()
        sys.stderr.flush()
        if code == 0:
            return language_pb2.RunResponse()
        if code == USER_ACTIONABLE_EXIT:
            return language_pb2.RunResponse(bail=True)
        if code < 0:
            return language_pb2.RunResponse(error=f"program exited unexpectedly: signal {-code}")
        return language_pb2.RunResponse(error=f"program exited with non-zero exit code: {code}")

    # -- plugins (policy packs, Python providers) ---------------------------------------------

    def RunPlugin(self, request, context):
        info = request.info
        plugin_dir = info.program_directory or info.root_directory
        try:
            python = Python(info.root_directory, options_of(info))
            python.validate()
        except HostError as e:
            context.abort(grpc.StatusCode.UNKNOWN, str(e))
        if request.attach_debugger:
            context.abort(
                grpc.StatusCode.UNIMPLEMENTED,
                "attaching a debugger is not supported by the stand-in host",
            )
        if request.kind == "analyzer":
            # A policy pack: the pulumi wheel's `pulumi.policy` runs the pack's __main__.py.
            cmd = [python.executable, "-u", "-m", "pulumi.policy", *request.args, plugin_dir]
            cwd = plugin_dir
        else:
            if not (Path(plugin_dir) / "__main__.py").exists():
                context.abort(
                    grpc.StatusCode.UNIMPLEMENTED,
                    "the stand-in host runs Python plugins from a __main__.py only"
                    " (no buildable packages)",
                )
            cmd = [python.executable, "-u", plugin_dir, *request.args]
            cwd = request.pwd or plugin_dir
        env = {}
        for item in request.env:
            k, _, v = item.partition("=")
            env[k] = v
        env = python.env(env or dict(os.environ))
        try:
            proc = subprocess.Popen(
                cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except OSError as e:
            context.abort(grpc.StatusCode.UNKNOWN, f"problem executing plugin program: {e}")
        CHILDREN.add(proc)
        context.add_callback(lambda: end_process(proc))  # the CLI cancels the stream to stop it
        chunks: queue.Queue = queue.Queue()

        def pump(stream, kind: str) -> None:
            fd = stream.fileno()
            while True:
                data = os.read(fd, 65536)
                if not data:
                    break
                chunks.put((kind, data))
            chunks.put((kind, None))

        for stream, kind in ((proc.stdout, "stdout"), (proc.stderr, "stderr")):
            threading.Thread(target=pump, args=(stream, kind), daemon=True).start()
        open_streams = 2
        try:
            while open_streams:
                kind, data = chunks.get()
                if data is None:
                    open_streams -= 1
                    continue
                yield language_pb2.RunPluginResponse(**{kind: data})
            code = proc.wait()
        finally:
            CHILDREN.discard(proc)
        yield language_pb2.RunPluginResponse(exitcode=code if code >= 0 else 128 - code)


# ---------------------------------------------------------------------------------------------
# Main


def watch_parent(server: grpc.Server) -> None:
    """Exit when the CLI that started us goes away (the real host health-checks the engine)."""
    parent = os.getppid()
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            CHILDREN.end_all(grace=1.0)
            server.stop(0)
            os._exit(0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="pulumi-language-python")
    ap.add_argument("--tracing", default="")
    ap.add_argument("--use-executor", default="")
    for obsolete in ("--virtualenv", "--root", "--typechecker", "--toolchain"):
        ap.add_argument(obsolete, default="", help="[obsolete]")
    ap.add_argument("-v", type=int, default=0)
    ap.add_argument("--logtostderr", action="store_true")
    ap.add_argument("--logflow", action="store_true")
    ap.add_argument("engine", nargs="?", default="")
    args, _ = ap.parse_known_args(argv)

    exec_path = args.use_executor
    if not exec_path:
        # The exec shim is installed next to the host (bin/), this file lives in bin/fallbacks/.
        here = Path(__file__).resolve().parent
        for candidate in (here / EXEC_NAME, here.parent / EXEC_NAME):
            if candidate.exists():
                exec_path = str(candidate)
                break
        else:
            print(f"missing executor {here.parent / EXEC_NAME}", file=sys.stderr)
            return 1

    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=32),
        options=[
            ("grpc.max_receive_message_length", MAX_MESSAGE),
            ("grpc.max_send_message_length", MAX_MESSAGE),
        ],
    )
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(
        LanguageHost(exec_path, args.engine, args.tracing), server
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()

    def stop(signum, frame):
        CHILDREN.end_all(grace=2.0)
        server.stop(0)
        os._exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=watch_parent, args=(server,), daemon=True).start()

    # The CLI reads exactly one line from stdout: the port.
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    server.wait_for_termination()
    return 0


if __name__ == "__main__":
    sys.exit(main())
