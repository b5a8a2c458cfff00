"""Entry point of `python -m cs_devtools.demo_data`."""

from cs_devtools.demo_data.cli import main

raise SystemExit(main())
