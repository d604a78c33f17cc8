"""Resource options for objects whose deletion would delete data (volumes, keys, namespaces)."""

from __future__ import annotations


def data_protection(allow_data_deletion: bool) -> dict[str, bool]:
    """`protect` and `retain_on_delete`, both on unless the stack opted in with
    `allow_data_deletion: true`. Spread into `pulumi.ResourceOptions(**...)`."""
    keep = not allow_data_deletion
    return {"protect": keep, "retain_on_delete": keep}
