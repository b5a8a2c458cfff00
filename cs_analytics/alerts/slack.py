"""Posting one message to a Slack incoming webhook (standard library only)."""

from __future__ import annotations

import json
import urllib.request

from cs_analytics.alerts.config import SlackConfig
from cs_analytics.alerts.errors import DeliveryError

TIMEOUT_SECONDS = 10


def post_to_slack(config: SlackConfig, payload: dict[str, object]) -> None:
    request = urllib.request.Request(
        config.webhook_url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    # urlopen raises HTTPError for 4xx/5xx; its text names the status, not the URL.
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        status = response.status
    if not 200 <= status < 300:
        raise DeliveryError(f"Slack webhook answered HTTP {status}")
