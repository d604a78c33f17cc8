"""Base class shared by every stack-config spec: frozen, unknown keys rejected."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

_LABEL_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_RESOURCE_KEY = re.compile(r"^[a-z]([-a-z0-9]{0,28}[a-z0-9])?$")


class Spec(BaseModel):
    """Plain data a human writes in stack YAML.

    Frozen (specs are values, never mutated after validation) and strict about keys: an
    unknown key is an error, so a typo can never be silently ignored.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Any:
        """Validate `obj`; a `ConfigError` naming every problem by path (as the CLI prints
        them), not pydantic's `ValidationError`."""
        try:
            return cls.pydantic_validate(obj, **kwargs)
        except ValidationError as exc:
            raise _config_error(exc, cls) from None

    @classmethod
    def model_validate_json(cls, json_data: Any, **kwargs: Any) -> Any:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as exc:
            raise _config_error(exc, cls) from None

    @classmethod
    def pydantic_validate(cls, obj: Any, **kwargs: Any) -> Any:
        """pydantic's own validation (raises `ValidationError`), for callers that translate
        the errors themselves."""
        return super().model_validate(obj, **kwargs)


def _config_error(exc: ValidationError, model: type[BaseModel]) -> Exception:
    from .errors import ConfigError

    return ConfigError.from_validation_error(exc, model, source=model.__name__)


def _check_label_key(key: str) -> str:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        raise ValueError(
            f"label key prefix {prefix!r} must be a lowercase DNS subdomain (e.g. example.com)"
        )
    if not _LABEL_NAME.match(name):
        raise ValueError(
            f"label name {name!r} must be 1-63 characters of [A-Za-z0-9-_.], "
            "starting and ending with a letter or digit"
        )
    return key


def _check_label_value(value: str) -> str:
    if value and not _LABEL_NAME.match(value):
        raise ValueError(
            f"label value {value!r} must be empty or 1-63 characters of [A-Za-z0-9-_.], "
            "starting and ending with a letter or digit"
        )
    return value


def _check_resource_key(key: str) -> str:
    if not _RESOURCE_KEY.match(key):
        raise ValueError(
            f"name {key!r} must be 1-30 characters of [a-z0-9-], start with a letter and "
            "not end with '-' (it becomes part of resource names and labels)"
        )
    return key


def check_ipv4_cidr(value: str) -> str:
    """An IPv4 network in CIDR form whose host bits are zero (10.40.0.0/16)."""
    import ipaddress

    try:
        network = ipaddress.IPv4Network(value)
    except ValueError as exc:
        reason = "host bits are set" if "host bits" in str(exc) else "not an IPv4 CIDR block"
        hint = ""
        if "host bits" in str(exc):
            hint = f"; did you mean {ipaddress.IPv4Network(value, strict=False)}?"
        raise ValueError(f"{reason} (e.g. 10.0.0.0/16){hint}") from None
    return str(network)


LabelKey = Annotated[str, AfterValidator(_check_label_key)]
"""A Kubernetes label (or taint) key: optional DNS-subdomain prefix, then a 63-char name."""

LabelValue = Annotated[str, AfterValidator(_check_label_value)]
"""A Kubernetes label value: empty, or up to 63 characters of [A-Za-z0-9-_.]."""

ResourceKey = Annotated[str, AfterValidator(_check_resource_key)]
"""A map key that becomes part of resource names: [a-z0-9-], 1-30 characters."""
