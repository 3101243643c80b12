"""The container image recipe: hadolint-clean, multi-stage, pinned, non-root, health-checked."""

import json
import re
import shlex
from dataclasses import dataclass, field

from tests.ops.promql import REPO, run, tool

DOCKER_DIR = REPO / "deploy" / "docker"
DOCKERFILE = DOCKER_DIR / "Dockerfile"
# BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile: the context is the repo root.
DOCKERIGNORE = DOCKER_DIR / "Dockerfile.dockerignore"
BUILD_TOOLS = ("gcc", "g++", "build-essential", "make", "python3-dev", "git")


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
    assert "--no-editable" in runs  # the final stage copies only the venv
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
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert argv[argv.index("--port") + 1] == "8000"


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
