"""compose.yaml: its wiring, and the stack brought up with Debian's podman-compose and restarted.

Debian 12's podman-compose (1.0.3) ignores `depends_on` conditions and profiles, so the live
test starts the services in the order the conditions give, and waits on each gate itself
(a health check, or migrations exiting 0). PostgreSQL is CI's stand-in image, made from
Debian's postgresql-15 (scripts/container-postgres.sh).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.container.podman import DOCKER_DIR, build_image, podman
from tests.ops.live_server import REPO, free_port

COMPOSE = REPO / "compose.yaml"
HEALTH_TIMEOUT_S = 120
PASSWORD = "compose-test-password-1"


def compose_file() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def test_gravl_runs_hardened_with_secrets_from_files() -> None:
    services = compose_file()["services"]
    for name in ("migrate", "gravl"):
        service = services[name]
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"], name
        assert "no-new-privileges:true" in service["security_opt"], name
        env = service["environment"]
        # Only *_FILE settings: a secret's value never appears in `inspect` output.
        assert {"GRAVL_DATABASE_URL_FILE", "GRAVL_SECRET_KEY_FILE"} <= set(env), name
        assert not {"GRAVL_DATABASE_URL", "GRAVL_SECRET_KEY"} & set(env), name
        for path in env.values():
            assert path.removeprefix("/run/secrets/") in service["secrets"], name
    declared = compose_file()["secrets"]
    assert all("file" in secret for secret in declared.values())


def test_start_is_gated_on_health_and_migrations() -> None:
    services = compose_file()["services"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["gravl"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    # The image's HEALTHCHECK gates the monitoring services.
    assert services["prometheus"]["depends_on"]["gravl"] == {"condition": "service_healthy"}


def test_database_is_a_named_volume_of_the_major_version_the_image_backs_up() -> None:
    document = compose_file()
    postgres = document["services"]["postgres"]
    (mount,) = postgres["volumes"]
    volume, _, target = mount.partition(":")
    assert volume in document["volumes"] and target == "/var/lib/postgresql/data"
    major = re.search(r"postgres:(\d+)\.", postgres["image"])
    client = re.search(r"postgresql-client-(\d+)", (DOCKER_DIR / "Dockerfile").read_text())
    assert major and client and major.group(1) == client.group(1)


def test_monitoring_is_optional_and_uses_the_shipped_files() -> None:
    services = compose_file()["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"]
        for mount in services[name]["volumes"]:
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (REPO / source).exists(), source
    # prometheus.yml discovers Gravl's metrics ports by this name.
    prometheus_yml = (REPO / "deploy/monitoring/prometheus/prometheus.yml").read_text()
    alias = services["prometheus"]["links"][0].partition(":")[2]
    assert f'names: ["{alias}"]' in prometheus_yml


@dataclass
class Stack:
    project: str
    env: dict[str, str]

    def compose(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["podman-compose", f"--project-name={self.project}", f"--file={COMPOSE}", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    def container(self, service: str) -> str:
        return f"{self.project}_{service}_1"

    def wait_healthy(self, service: str) -> None:
        """No systemd here to run health checks on a timer: run them until one passes."""
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while podman("healthcheck", "run", self.container(service)).returncode != 0:
            assert time.monotonic() < deadline, f"{service} not healthy"
            time.sleep(1)

    def up(self) -> None:
        self.compose("up", "--detach", "postgres")
        self.wait_healthy("postgres")
        self.compose("up", "--detach", "--no-deps", "migrate")
        exited = podman("wait", self.container("migrate"), timeout=300)
        assert exited.stdout.strip() == "0", podman("logs", self.container("migrate")).stderr
        self.compose("up", "--detach", "--no-deps", "gravl")
        self.wait_healthy("gravl")

    def containers(self) -> list[str]:
        listed = podman(
            "ps",
            "--all",
            f"--filter=label=io.podman.compose.project={self.project}",
            "--format={{.Names}}",
        )
        return listed.stdout.split()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    image = build_image()
    postgres = subprocess.run(
        ["bash", str(REPO / "scripts" / "container-postgres.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert postgres.returncode == 0, postgres.stderr[-3000:]
    secrets_dir = tmp_path_factory.mktemp("compose") / "secrets"
    made = subprocess.run(
        ["bash", str(REPO / "scripts" / "container-secrets.sh"), str(secrets_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    env = {
        **os.environ,
        "CONTAINERS_CONF": str(DOCKER_DIR / "containers.conf"),
        "GRAVL_SECRETS_DIR": str(secrets_dir),
        "GRAVL_IMAGE": image,
        "GRAVL_PUBLISH_PORT": str(free_port()),
    }
    stack = Stack(f"gravlci{uuid.uuid4().hex[:8]}", env)
    try:
        yield stack
    finally:
        stack.compose("down", "--volumes")
        podman("network", "rm", f"{stack.project}_default")


def nat_rules() -> str:
    return subprocess.run(
        ["iptables", "-t", "nat", "-S"], capture_output=True, text=True, check=False
    ).stdout


@pytest.mark.slow
def test_a_logged_set_survives_a_restart_of_the_stack(stack: Stack, tmp_path: Path) -> None:
    stack.up()
    api = f"http://127.0.0.1:{stack.env['GRAVL_PUBLISH_PORT']}"
    with httpx.Client(base_url=api, timeout=30) as client:
        assert client.get("/api/ready").json()["migrations"] == "current"
        email = "self-hoster@example.com"
        registered = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
        (exercise, *_) = client.get("/api/exercises", params={"limit": 1}).json()["items"]
        sets = [{"reps": 5, "weight_kg": 100.0, "set_type": "normal"}]
        logged = client.post(
            "/api/logs", json={"exercise_id": exercise["id"], "sets": sets}, headers=headers
        )
        assert logged.status_code == 201, logged.text

    stack.compose("down")  # keeps the named volume, as a host reboot or an upgrade would
    assert stack.containers() == []
    # CNI's per-container NAT rules go with the containers.
    assert stack.project not in nat_rules()
    stack.up()

    with httpx.Client(base_url=api, timeout=30) as client:
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        kept = client.get(f"/api/logs/{logged.json()['id']}", headers=headers)
    assert kept.status_code == 200, kept.text
    assert kept.json()["exercise_id"] == exercise["id"]
    assert [(s["reps"], s["weight_kg"]) for s in kept.json()["sets"]] == [(5, 100.0)]
