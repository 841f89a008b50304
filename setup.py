"""Build step: the wheel carries the top-level data folders and the compiled Korean catalogue.

Everything else about the project is in pyproject.toml. The top-level ``templates/``, ``static/``
and ``migrations/`` stay where developers expect them; building copies them into
``campaign/_data/`` inside the wheel (the checkout has symbolic links there instead), and
compiles every ``messages.po`` to ``messages.mo`` (git ignores ``*.mo``), so no one has to
remember a step before ``pip install``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
DATA_FOLDERS = ("templates", "static", "migrations")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # the checkout's symbolic links already point at the folders
            return
        target = Path(self.build_lib) / "campaign"
        data = target / "_data"
        if data.is_symlink() or data.is_file():
            data.unlink()
        shutil.rmtree(data, ignore_errors=True)
        for name in DATA_FOLDERS:
            shutil.copytree(
                HERE / name,
                data / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        for po_path in (HERE / "campaign" / "translations").glob("*/LC_MESSAGES/*.po"):
            mo_path = target / po_path.relative_to(HERE / "campaign").with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog)


setup(cmdclass={"build_py": BuildWithData})
