"""``python -m coursework``: see :mod:`coursework.cli`."""

from coursework.cli import main

raise SystemExit(main())
