"""Where the app's non-Python files live: found through the package, wherever it is installed.

A built wheel carries copies of the top-level ``templates/``, ``static/`` and ``migrations/``
folders in ``campaign/_data/`` (setup.py's build step puts them there, and compiles the Korean
catalogue). In a checkout, ``campaign/_data/`` holds symbolic links to those same folders, so an
editable install reads the files being edited. Either way the app asks the package, never the
source tree.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

DATA_FOLDERS = ("templates", "static", "migrations")


def data_path(name: str) -> Path:
    """The folder ``name`` (one of DATA_FOLDERS) shipped with the installed package."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"no packaged folder {name!r}")
    # Installed packages live on the file system (the wheel is not zip-safe), so a Path is real.
    return Path(str(files("campaign") / "_data" / name))
