"""Where the repository's folders are: one definition for helpers, benchmarks, scripts and tests.

Standard library only, so scripts that must not pull in torch or datasets (data/make_data.py,
scripts/nbtools.py) can import it too.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT: Path = Path(__file__).resolve().parent.parent
DATA_DIR: Path = REPO_ROOT / "data"
NOTEBOOK_DIR: Path = REPO_ROOT / "notebooks"
