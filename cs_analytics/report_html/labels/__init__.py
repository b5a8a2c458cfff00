"""The label catalogs of the HTML report, one module per language (REPORT_LANG).

Each catalog maps the same keys to its language's text; a test holds every
key to both languages. Keys prefixed `value.` name a mart value (a band, a
KPI code, a churn category), the others a piece of the page.
"""

from cs_analytics.report_html.labels.en import LABELS as EN
from cs_analytics.report_html.labels.ja import LABELS as JA

CATALOGS: dict[str, dict[str, str]] = {"en": EN, "ja": JA}
