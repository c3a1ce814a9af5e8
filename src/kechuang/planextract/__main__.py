"""``python -m kechuang.planextract extract FILE``."""

from .extract import main

raise SystemExit(main())
