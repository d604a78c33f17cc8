"""Observability add-on: kube-prometheus-stack, GPU/LLM dashboards, alerts, monitors, OTel."""

from .component import MetricsTarget, Observability, ObservabilityArgs
from .cost import dcgm_model_regex, gpu_hourly_prices
from .dashboards import dashboards
from .monitors import prometheus_url
from .rules import RECORDING_RULES

__all__ = [
    "RECORDING_RULES",
    "MetricsTarget",
    "Observability",
    "ObservabilityArgs",
    "dashboards",
    "dcgm_model_regex",
    "gpu_hourly_prices",
    "prometheus_url",
]
