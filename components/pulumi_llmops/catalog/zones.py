"""Which zones of a region offer a GPU machine series (GCP), as catalogue data.

Pure lookup over `catalog/data/gpu_zones.yaml` (source and date there; why AWS and Azure
are absent is said there too).
Upstream: https://cloud.google.com/compute/docs/gpus/gpu-regions-zones
"""

from __future__ import annotations

from .gpus import read_data_file

_FILE = "gpu_zones.yaml"


def machine_series(machine_type: str) -> str:
    """The series key of a machine type: without its size suffix (a2-highgpu-1g -> a2-highgpu)."""
    return machine_type.rsplit("-", 1)[0]


def gpu_zones(cloud: str, machine_type: str, region: str) -> tuple[str, ...] | None:
    """Zones of `region` that offer `machine_type`, sorted; None when the catalogue does not
    know the series or the region (then nothing is checked)."""
    by_series = read_data_file(_FILE).get(cloud) or {}
    regions = by_series.get(machine_series(machine_type)) or {}
    zones = regions.get(region)
    return tuple(sorted(zones)) if zones else None


def zones_source() -> str:
    """Where the zone data comes from, with its date (quoted in config errors)."""
    data = read_data_file(_FILE)
    return f"{data.get('source')}, {data.get('date')}"
