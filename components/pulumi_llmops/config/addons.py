"""`addons:` block of the stack config: which platform add-ons to install and how."""

from __future__ import annotations

from .base import Spec


class AddonsSpec(Spec):
    """Platform add-ons. Each field is one add-on's spec; see its module for defaults."""
