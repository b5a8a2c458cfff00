"""What a failed send raises, and how its text is kept free of secrets."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "[redacted]"


class DeliveryError(Exception):
    """A send that did not go through."""


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced, longest first (a URL before its own path)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text
