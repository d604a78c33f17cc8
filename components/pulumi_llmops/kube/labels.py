"""Labels the library puts on every Kubernetes object it builds itself."""

from __future__ import annotations

MANAGED_BY_KEY = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "pulumi-llmops"
MANAGED_BY: dict[str, str] = {MANAGED_BY_KEY: MANAGED_BY_VALUE}
"""`app.kubernetes.io/managed-by: pulumi-llmops`: marks objects this library owns."""
