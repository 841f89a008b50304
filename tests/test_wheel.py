"""The built package runs outside the checkout: migrate, seed and serve Korean pages.

Builds the sdist and the wheel from it (no build isolation: the build tools are in the lock),
installs the wheel and the locked runtime dependencies into a throw-away virtualenv with uv,
and drives the installed app from an empty directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements" / "runtime.txt"
UV = Path(sys.executable).with_name("uv")

pytestmark = pytest.mark.slow

# Runs inside the installed copy: every page it fetches comes from the wheel's files.
CHECK_PAGES = textwrap.dedent(
    """
    import sys
    import campaign
    from campaign import create_app

    assert "site-packages" in campaign.__file__, campaign.__file__
    app = create_app()
    client = app.test_client()
    home = client.get("/")
    assert home.status_code == 200, home.status_code
    page = home.get_data(as_text=True)
    assert '<html lang="ko">' in page, page[:200]
    assert "로그인" in page  # "Log in" from the compiled catalogue
    assert "site-packages" in app.template_folder and "site-packages" in app.static_folder
    css = client.get("/static/app.css")
    assert css.status_code == 200 and len(css.data) > 0
    css.close()
    login = client.get("/login")
    assert login.status_code == 200, login.status_code
    print("pages ok")
    """
)


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtualenv with only the wheel and its locked dependencies."""
    if not UV.exists():
        pytest.skip("uv is not installed in this environment (make install puts it there)")
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    build = [sys.executable, "-m", "build", "--no-isolation", "--outdir", work / "dist", ROOT]
    _run(build, ROOT, env)
    wheels = list((work / "dist").glob("aesseuji-*.whl"))
    assert len(wheels) == 1 and list((work / "dist").glob("aesseuji-*.tar.gz"))
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    venv = work / "venv"
    _run([UV, "venv", "--quiet", "--python", sys.executable, venv], work, env)
    python = venv / "bin" / "python"
    _run([UV, "pip", "install", "--quiet", "--python", python, "--require-hashes",
          "-r", RUNTIME_LOCK], work, env)  # fmt: skip
    _run([UV, "pip", "install", "--quiet", "--python", python, "--no-deps", wheels[0]], work, env)
    return venv / "bin"


def test_wheel_carries_templates_static_migrations_and_catalogue(installed: Path) -> None:
    site = next((installed.parent / "lib").glob("python3*/site-packages"))
    package = site / "campaign"
    assert (package / "_data" / "templates" / "base.html").is_file()
    assert (package / "_data" / "static" / "app.css").is_file()
    assert (package / "_data" / "migrations" / "env.py").is_file()
    assert list((package / "_data" / "migrations" / "versions").glob("*.py"))
    assert (package / "translations" / "ko" / "LC_MESSAGES" / "messages.mo").is_file()
    assert not (package / "_data").is_symlink()


def test_installed_wheel_migrates_seeds_and_serves_korean(installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIRTUAL_ENV", "PYTHON", "CAMPAIGN_", "DATABASE_URL", "FLASK_"))
    }
    env.update(
        PATH=f"{installed}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.db'}",
        SECRET_KEY="wheel-test-" + "x" * 32,
        RATELIMIT_ENABLED="0",
    )
    flask = installed / "flask"
    upgraded = _run([flask, "--app", "campaign", "db", "upgrade"], empty, env)
    assert "error" not in upgraded.lower()
    _run([flask, "--app", "campaign", "seed-demo"], empty, env)
    assert "pages ok" in _run([installed / "python", "-c", CHECK_PAGES], empty, env)
    assert (empty / "instance").is_dir()  # the instance folder follows the working directory
