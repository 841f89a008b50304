"""The container stack, checked without Docker: compose.yaml, the Dockerfile, .env.example and
gunicorn.conf.py say what README.md's production section says, and nothing else."""

from __future__ import annotations

import json
import re
import runpy
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PRODUCTION = README[README.index("## Run it in production") : README.index("### Settings")]
SETTINGS = README[README.index("### Settings") : README.index("## Commands")]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
OFFICIAL = ("postgres:", "redis:", "python:")


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), " ".join(rest.split())))
    return found


def as_command(value: str) -> str:
    """An exec-form ``["a", "b"]`` or a shell-form command, as one line."""
    return " ".join(json.loads(value)) if value.startswith("[") else value


def test_compose_names_the_services_the_readme_describes() -> None:
    described = set(re.findall(r"^- \*\*(\w+)\*\*", PRODUCTION, flags=re.MULTILINE))
    assert described == set(SERVICES) == {"db", "cache", "migrate", "web", "scheduler"}


def test_only_official_images_or_our_own_build() -> None:
    for name, service in SERVICES.items():
        if "build" in service:
            assert service["build"] == "." and service["image"] == "aesseuji:latest", name
        else:
            assert service["image"].startswith(OFFICIAL), name
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["cache"]["image"].startswith("redis:")


def test_every_long_running_service_has_a_healthcheck_and_waits_for_its_dependencies() -> None:
    for name in ("db", "cache", "web", "scheduler"):
        check = SERVICES[name]["healthcheck"]
        assert check["test"][0] == "CMD" and check["interval"], name
    assert SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "scheduler"):
        assert SERVICES[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "/readyz" in " ".join(SERVICES["scheduler"]["healthcheck"]["test"])


def test_data_lives_in_named_volumes() -> None:
    assert set(COMPOSE["volumes"]) == {"pgdata", "redisdata"}
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redisdata:/data" in SERVICES["cache"]["volumes"]


def test_the_app_services_trust_one_proxy_and_use_postgres_and_redis() -> None:
    for name in ("migrate", "web", "scheduler"):
        env = SERVICES[name]["environment"]
        assert env["CAMPAIGN_ENV"] == "production"
        assert env["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-1}"
        assert (
            env["DATABASE_URL"].startswith("postgresql://aesseuji:")
            and "@db:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"] == "redis://cache:6379/0"
    assert SERVICES["migrate"]["environment"]["ADMIN_EMAIL"] == "${ADMIN_EMAIL:-}"


def test_compose_commands_are_the_readmes() -> None:
    assert " ".join(SERVICES["web"]["command"]) in PRODUCTION
    assert " ".join(SERVICES["scheduler"]["command"]) in PRODUCTION
    script = SERVICES["migrate"]["command"][2]
    assert script.startswith("flask --app campaign db upgrade &&")
    assert "flask --app campaign db upgrade" in PRODUCTION
    assert "create-admin" in script and "--password-stdin" in script
    assert 'flask --app campaign create-admin "$ADMIN_EMAIL" --password-stdin' in PRODUCTION


def test_the_dockerfile_runs_exactly_the_readmes_commands() -> None:
    instructions = dockerfile_instructions()
    runs = [rest for keyword, rest in instructions if keyword == "RUN"]
    assert runs, "no RUN in the Dockerfile"
    for command in runs:
        assert command in PRODUCTION, f"the README does not show: {command}"
    (cmd,) = [as_command(rest) for keyword, rest in instructions if keyword == "CMD"]
    assert cmd == "gunicorn --config /app/gunicorn.conf.py" and cmd in PRODUCTION


def test_the_image_is_slim_non_root_with_tzdata_and_a_healthcheck() -> None:
    instructions = dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert len(froms) == 2  # build and runtime stages
    (base,) = {rest for keyword, rest in instructions if keyword == "ARG"}
    assert base == "PYTHON_IMAGE=python:3.11-slim-bookworm"
    assert "python:3.11-slim-bookworm" in PRODUCTION
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users == ["aesseuji"]
    assert any("tzdata" in rest for keyword, rest in instructions if keyword == "RUN")
    (check,) = [rest for keyword, rest in instructions if keyword == "HEALTHCHECK"]
    assert "http://127.0.0.1:8000/healthz" in check
    installs = [
        rest for keyword, rest in instructions if keyword == "RUN" and "pip install" in rest
    ]
    assert all("--require-hashes" in r or "--no-deps" in r for r in installs)
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    for setting in (
        "CAMPAIGN_ENV=production",
        "TZ=Asia/Seoul",
        "PROMETHEUS_MULTIPROC_DIR=/tmp/metrics",
    ):
        assert setting in env and setting in PRODUCTION


def test_env_example_lists_every_setting_in_the_readme_and_compose() -> None:
    in_table = set(re.findall(r"^\| `([A-Z0-9_]+)`", SETTINGS, flags=re.MULTILINE))
    for pair in re.findall(r"^\| `([A-Z0-9_]+)` / `([A-Z0-9_]+)`", SETTINGS, flags=re.MULTILINE):
        in_table |= set(pair)
    in_compose = set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "compose.yaml").read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert in_table <= example, in_table - example
    assert in_compose <= example, in_compose - example
    assert example <= in_table, example - in_table  # nothing undocumented


def test_gunicorn_conf_reads_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GUNICORN_WORKERS", "5")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:5150")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["workers"] == 5 and conf["bind"] == "127.0.0.1:5150"
    assert conf["wsgi_app"] == "campaign:create_app()"
    assert conf["logconfig_dict"]["handlers"]["stderr"]["formatter"] == "json"
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_123.db").write_bytes(b"old")
    conf["on_starting"](None)
    assert list((tmp_path / "metrics").iterdir()) == []
    assert callable(conf["child_exit"])


def test_readme_shell_lines_parse() -> None:
    for block in re.findall(r"```sh\n(.*?)```", PRODUCTION, flags=re.DOTALL):
        for line in block.splitlines():
            shlex.split(line, comments=True)
