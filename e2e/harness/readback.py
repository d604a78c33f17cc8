"""Read what the API server stored and compare it with what the program sent.

`sent_vs_stored(sent, stored)` lists every field we sent that is missing from the stored object
(pruned by a CRD's structural schema, or dropped by the API server) or stored with another
value; fields the server added (defaults, status, metadata) are listed by `added_fields`. Values
the mock engine records as "[secret]" / "[unknown]" are not compared; a `null` we sent is
dropped by every API server and counts as absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PLACEHOLDERS = ("[secret]", "[unknown]")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def sent_vs_stored(sent: Any, stored: Any, path: str = "") -> list[str]:
    if isinstance(sent, str) and sent in PLACEHOLDERS:
        return []
    if isinstance(sent, dict):
        if not isinstance(stored, dict):
            return [f"{path or '.'}: sent a mapping, stored {stored!r}"]
        out = []
        for key, value in sent.items():
            if value is None or (isinstance(value, str) and value in PLACEHOLDERS):
                continue
            if key not in stored:
                out.append(f"{path}.{key}: sent {value!r}, not stored (pruned)")
            else:
                out += sent_vs_stored(value, stored[key], f"{path}.{key}")
        return out
    if isinstance(sent, list):
        if not isinstance(stored, list) or len(stored) != len(sent):
            return [f"{path}: sent {sent!r}, stored {stored!r}"]
        out = []
        for i, (a, b) in enumerate(zip(sent, stored, strict=True)):
            out += sent_vs_stored(a, b, f"{path}[{i}]")
        return out
    if _number(sent) and _number(stored):
        return [] if float(sent) == float(stored) else [f"{path}: sent {sent!r}, stored {stored!r}"]
    return [] if sent == stored else [f"{path}: sent {sent!r}, stored {stored!r}"]


def added_fields(sent: Any, stored: Any, path: str = "") -> list[str]:
    """Paths the server stored that we did not send (CRD defaults, built-in defaults)."""
    if isinstance(sent, dict) and isinstance(stored, dict):
        out = []
        for key, value in stored.items():
            if key not in sent or sent[key] is None:
                out.append(f"{path}.{key}")
            else:
                out += added_fields(sent[key], value, f"{path}.{key}")
        return out
    if isinstance(sent, list) and isinstance(stored, list):
        out = []
        for i, (a, b) in enumerate(zip(sent, stored, strict=False)):
            out += added_fields(a, b, f"{path}[{i}]")
        return out
    return []


def read_object(api_client, api_version: str, kind: str, name: str, namespace: str | None):
    """The stored object as a plain dict (dynamic client: works for CRDs and built-ins)."""
    from kubernetes.dynamic import DynamicClient

    resource = DynamicClient(api_client).resources.get(api_version=api_version, kind=kind)
    if resource.namespaced:
        return resource.get(name=name, namespace=namespace).to_dict()
    return resource.get(name=name).to_dict()


def exists(api_client, api_version: str, kind: str, name: str, namespace: str | None) -> bool:
    from kubernetes.dynamic.exceptions import NotFoundError

    try:
        read_object(api_client, api_version, kind, name, namespace)
    except NotFoundError:
        return False
    return True


def secret_refs(value: Any) -> Iterator[tuple[str, str | None]]:
    """(Secret name, key or None) of every secretKeyRef, secretRef and secret volume in value."""
    if isinstance(value, dict):
        ref = value.get("secretKeyRef")
        if isinstance(ref, dict) and "name" in ref:
            yield ref["name"], ref.get("key")
        ref = value.get("secretRef")
        if isinstance(ref, dict) and "name" in ref:
            yield ref["name"], None
        secret = value.get("secret")
        if isinstance(secret, dict) and "secretName" in secret:
            yield secret["secretName"], None
        for v in value.values():
            yield from secret_refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from secret_refs(v)
