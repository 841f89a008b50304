"""axe-core, the accessibility engine, injected into pages the browser tests open.

It comes from the npm registry through ``npm pack`` (npm checks the tarball's integrity
against the registry's record), once per machine: it is kept in AXE_CACHE (default
~/.cache/aesseuji) and unpacked by Python. No page of the app loads it: the test injects it
into a context opened with ``bypass_csp`` (the app's policy rightly allows no foreign script).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

AXE_VERSION = "4.10.3"
SERIOUS = ("serious", "critical")


def cache_dir() -> Path:
    return Path(os.environ.get("AXE_CACHE") or Path.home() / ".cache" / "aesseuji")


def _unavailable(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but axe-core is not available: {reason}")
    pytest.skip(f"axe-core is not available: {reason}")


def axe_source() -> str:
    """axe.min.js of AXE_VERSION, fetched once; two test workers may race to fetch it, and the
    rename into place makes either copy the one."""
    target = cache_dir() / f"axe-core-{AXE_VERSION}.min.js"
    if target.exists():
        return target.read_text()
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed (apt-get install npm)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        packed = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--silent", "--pack-destination", work],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if packed.returncode != 0:
            _unavailable(f"npm pack failed: {packed.stderr.strip()[:300]}")
        [tarball] = Path(work).glob("axe-core-*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            assert member is not None
            source = member.read()
        partial = Path(work) / "axe.min.js"
        partial.write_bytes(source)
        os.replace(partial, target)
    return target.read_text()


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        return f"{self.impact} {self.rule}: {self.help} at {', '.join(self.targets[:5])}"


def serious_violations(page: Any, source: str) -> list[Violation]:
    """Run axe on the page as it is now; the serious and critical violations it finds."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                rule: v.id, impact: v.impact || "", help: v.help,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [Violation(**v) for v in result if v["impact"] in SERIOUS]
