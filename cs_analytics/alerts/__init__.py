"""Delivering the night's CS alerts to the CSMs who own the accounts.

The alerts themselves are a mart (`marts.fct_cs_alerts`, docs/metrics.md
"Alerts"); this package only reads the night's new ones from the published
warehouse and sends them, one message per CSM, to a Slack incoming webhook
and/or by e-mail. Each module has one job:

- `config`: the channels configured in the environment (secrets never shown);
- `night`: the night's alerts grouped per CSM, and the CSMs' e-mail addresses;
- `formatting`: the Slack payload and the e-mail of one CSM's alerts;
- `slack`, `smtp`: one send each, standard library only;
- `ledger`: what was sent per as-of date, channel and CSM, outside `marts`;
- `delivery`: sends what the ledger has not recorded as sent, with retries,
  and reports failures instead of raising them.
"""
