"""Entry point of `python -m cs_analytics.demo_data`."""

from cs_analytics.demo_data.cli import main

raise SystemExit(main())
