"""Entry point of `python -m cs_devtools.benchmark`."""

from cs_devtools.benchmark.cli import main

raise SystemExit(main())
