"""Labels in the report's language: the catalog lookup (catalogs in labels/)."""

from __future__ import annotations

from cs_analytics.report_html.labels import CATALOGS


class Labels:
    """Text of one language; `value` names a mart value, falling back to the value itself."""

    def __init__(self, language: str) -> None:
        if language not in CATALOGS:
            raise ValueError(f"no labels for language {language!r}")
        self.language = language
        self._catalog = CATALOGS[language]

    def __call__(self, key: str, **fields: object) -> str:
        text = self._catalog[key]
        return text.format(**fields) if fields else text

    def value(self, kind: str, code: object) -> str:
        """A mart value (band, driver, category, …) in words; an unknown code as it is."""
        if code is None:
            return self._catalog["value.none"]
        return self._catalog.get(f"value.{kind}.{code}", str(code))
