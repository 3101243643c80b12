"""The container image recipe: hadolint-clean, multi-stage, pinned, non-root, health-checked."""

import json
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.ops.live_server import free_port
from tests.ops.promql import REPO, run, tool

DOCKER_DIR = REPO / "deploy" / "docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
# BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: the context is the repo root.
DOCKERIGNORE = DOCKER_DIR / "Dockerfile.dockerignore"
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make", "python3-dev", "git")
# Hash-pinned files the builder stage installs from (uv.lock cannot hold either).
BUILDER_REQUIREMENTS = DOCKER_DIR / "builder-requirements.txt"  # uv, for pip
BUILD_CONSTRAINTS = DOCKER_DIR / "build-constraints.txt"  # the build backend, for `uv build`


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args(self, keyword: str) -> list[str]:
        return [rest for kw, rest in self.instructions if kw == keyword]


def stages() -> list[Stage]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    parsed: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            parsed.append(Stage(image=words[0], name=name))
        else:
            parsed[-1].instructions.append((keyword, rest))
    return parsed


def final_env() -> dict[str, str]:
    """The final stage's ENV settings (all in KEY=value form)."""
    words = [word for args in stages()[-1].args("ENV") for word in shlex.split(args)]
    return dict(word.split("=", 1) for word in words)


def pinned(path: Path) -> dict[str, tuple[str, set[str]]]:
    """A `uv pip compile --generate-hashes` file as {name: (version, hashes)}."""
    entries = {}
    for line in re.sub(r"\\\n", " ", path.read_text()).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement, *options = line.split()
        name, _, version = requirement.partition("==")
        entries[name.lower()] = (version, {o.removeprefix("--hash=") for o in options})
    return entries


def test_hadolint_reports_nothing_at_info_or_above() -> None:
    result = run(
        [tool("hadolint"), "--failure-threshold", "info", "--format", "json", str(DOCKERFILE)]
    )
    assert result.returncode == 0 and json.loads(result.stdout or "[]") == [], result.stdout


def test_multi_stage_with_pinned_base_images() -> None:
    all_stages = stages()
    assert len(all_stages) >= 2
    names = {stage.name for stage in all_stages}
    for stage in all_stages:
        if stage.image in names:
            continue  # built FROM an earlier stage
        repository, _, tag = stage.image.partition(":")
        assert tag and tag != "latest", stage.image
        # An exact release (python:3.11.13-slim-bookworm), not a moving minor tag.
        assert re.match(r"\d+\.\d+\.\d+", tag), stage.image


def test_builder_installs_from_the_lock_without_dev_dependencies() -> None:
    builder = stages()[0]
    runs = " ".join(builder.args("RUN"))
    assert "uv sync" in runs and "--frozen" in runs and "--no-dev" in runs
    # Gravl itself goes into the venv as a built wheel, not an editable link to /src: the final
    # stage copies only the venv.
    assert "uv build --wheel" in runs and "uv pip install --python /opt/venv/bin/python" in runs
    assert "-e " not in runs and "--editable" not in runs
    assert any("uv.lock" in copy for copy in builder.args("COPY"))


def test_final_stage_copies_the_venv_and_has_no_build_tools() -> None:
    *earlier, final = stages()
    copies = final.args("COPY")
    assert any(f"--from={earlier[0].name}" in copy and "venv" in copy for copy in copies)
    installs = " ".join(final.args("RUN"))
    assert not any(re.search(rf"\b{re.escape(t)}\b", installs) for t in BUILD_TOOLS)
    assert "pip install" not in installs and "uv " not in installs


def test_final_stage_runs_as_a_numeric_non_root_user() -> None:
    (user,) = stages()[-1].args("USER")
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0
    assert not gid or (gid.isdigit() and int(gid) > 0)


def test_healthcheck_gets_api_health_with_python() -> None:
    (healthcheck,) = stages()[-1].args("HEALTHCHECK")
    options, _, command = healthcheck.partition("CMD")
    assert "--interval" in options and "--timeout" in options
    argv = json.loads(command)
    assert argv[0] == "python" and "/api/health" in argv[-1]


def test_exposes_api_and_metrics_ports_and_serves_gravl() -> None:
    final = stages()[-1]
    exposed = {port for args in final.args("EXPOSE") for port in shlex.split(args)}
    assert exposed == {"8000", "3001"}
    (cmd,) = final.args("CMD")
    argv = json.loads(cmd)  # exec form: gravl gets SIGTERM directly, not via a shell
    assert argv[:2] == ["gravl", "serve"]
    # The exposed ports are the defaults the image's environment gives `gravl serve`.
    env = final_env()
    assert {env["GRAVL_PORT"], env["GRAVL_METRICS_PORT"]} == exposed


def test_dockerignore_sends_what_the_dockerfile_copies() -> None:
    patterns = DOCKERIGNORE.read_text().splitlines()
    assert "*" in patterns  # an allow-list: nothing else (.venv, .git, secrets) leaves the repo
    for stage in stages():
        for copy in stage.args("COPY"):
            if copy.startswith("--from"):
                continue
            *sources, _ = copy.split()
            for source in sources:
                assert (REPO / source).exists(), source
                assert f"!{source.rstrip('/')}" in {p.rstrip("/") for p in patterns}, source


def test_final_stage_runs_in_production_mode() -> None:
    """Production refuses the published key and short secrets, which a 0.0.0.0 bind needs."""
    envs = " ".join(stages()[-1].args("ENV"))
    assert re.search(r"\bGRAVL_ENV=production\b", envs), envs


# Issue 22's four defects, found when the image was first built and run.


def test_serve_takes_host_and_ports_from_the_environment_like_the_cli() -> None:
    """A CMD pinning `--port 8000` made GRAVL_PORT a no-op (and the container unhealthy)."""
    (cmd,) = stages()[-1].args("CMD")
    options = {word.partition("=")[0] for word in json.loads(cmd)}
    assert not options & {"--host", "--port", "--metrics-port"}, cmd
    env = final_env()
    assert env["GRAVL_HOST"] == "0.0.0.0"  # the CLI's default is loopback only
    assert env["GRAVL_PORT"].isdigit() and env["GRAVL_METRICS_PORT"].isdigit()
    assert env["GRAVL_PORT"] != env["GRAVL_METRICS_PORT"]


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def health_endpoint() -> Iterator[int]:
    """An HTTP server on a free loopback port answering /api/health with 200."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def run_healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The HEALTHCHECK's command, run here with ``env`` as the container's environment."""
    (healthcheck,) = stages()[-1].args("HEALTHCHECK")
    argv = json.loads(healthcheck.partition("CMD")[2])
    assert argv[0] == "python"
    return subprocess.run(
        [sys.executable, *argv[1:]],
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_healthcheck_asks_the_port_gravl_port_names(host: str) -> None:
    with health_endpoint() as port:
        serving = run_healthcheck({"GRAVL_HOST": host, "GRAVL_PORT": str(port)})
        elsewhere = run_healthcheck({"GRAVL_HOST": host, "GRAVL_PORT": str(free_port())})
    assert serving.returncode == 0, serving.stderr
    assert elsewhere.returncode != 0


def test_no_syntax_directive_that_fetches_a_frontend() -> None:
    """`# syntax=` makes BuildKit pull a frontend image first: an offline build fails at once."""
    assert not re.search(r"^#\s*syntax\s*=", DOCKERFILE.read_text(), re.MULTILINE | re.IGNORECASE)


def test_build_backend_is_pinned_with_hashes() -> None:
    """uv.lock pins what Gravl installs, not the hatchling that builds it: the constraints do."""
    requires = tomllib.loads((REPO / "pyproject.toml").read_text())["build-system"]["requires"]
    constraints = pinned(BUILD_CONSTRAINTS)
    for requirement in requires:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower()
        version, hashes = constraints[name]
        assert re.fullmatch(r"\d+(\.\d+)+", version) and hashes, name
    # Its own dependencies too: --require-hashes refuses anything unpinned.
    assert all(version and hashes for version, hashes in constraints.values())
    builder = stages()[0]
    (build,) = [r for r in builder.args("RUN") if "uv build" in r]
    assert f"--build-constraints {BUILD_CONSTRAINTS.name}" in build and "--require-hashes" in build
    assert any(str(BUILD_CONSTRAINTS.relative_to(REPO)) in c for c in builder.args("COPY"))


def test_uv_is_installed_with_the_locks_version_and_hashes() -> None:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    (locked,) = [package for package in lock["package"] if package["name"] == "uv"]
    locked_hashes = {locked["sdist"]["hash"]} | {wheel["hash"] for wheel in locked["wheels"]}
    assert pinned(BUILDER_REQUIREMENTS) == {"uv": (locked["version"], locked_hashes)}
    builder = stages()[0]
    runs = " ".join(builder.args("RUN"))
    assert f"--require-hashes -r {BUILDER_REQUIREMENTS.name}" in runs
    assert any(str(BUILDER_REQUIREMENTS.relative_to(REPO)) in c for c in builder.args("COPY"))


def test_header_shows_podman_with_the_docker_format() -> None:
    """Podman's default OCI format silently drops the HEALTHCHECK."""
    header = DOCKERFILE.read_text().partition("\nFROM ")[0]
    assert "docker build -f deploy/docker/Dockerfile" in header
    assert "podman build --format docker -f deploy/docker/Dockerfile" in header
