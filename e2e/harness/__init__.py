"""Harness of the real-engine tier: control plane, fake GPU nodes, stand-in charts, CLI runner.

Importable by pytest (`sys.path` gets e2e/); needs the tier's virtualenv (`make engine`) for
`cryptography` and `kubernetes`, which are imported lazily where used.
"""

from .charts import crd_files_for, generate_chart
from .controlplane import ControlPlane
from .engine import Engine, PulumiCli, find_engine
from .nodes import GpuNode, NodeKeeper, create_gpu_nodes, wait_nodes_ready
from .procs import Supervisor, wait_for

__all__ = [
    "ControlPlane",
    "Engine",
    "GpuNode",
    "NodeKeeper",
    "PulumiCli",
    "Supervisor",
    "create_gpu_nodes",
    "crd_files_for",
    "find_engine",
    "generate_chart",
    "wait_for",
    "wait_nodes_ready",
]
