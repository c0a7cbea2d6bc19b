"""gunicorn.conf.py: each worker freezes what start-up made out of the collector's reach."""

import gc
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_it_freezes_the_start_up_objects_after_a_worker_loads_the_app():
    hooks = runpy.run_path(str(CONFIG))
    gc.unfreeze()
    try:
        hooks["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 10_000  # Django, the apps, the URL patterns
    finally:
        gc.unfreeze()
