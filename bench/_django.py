"""Set Django up for the bench scripts (run from the repository root by bench/run.sh)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal_site.settings")

import django  # noqa: E402

django.setup()
