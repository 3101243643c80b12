"""Gravl's real image under Debian's podman: built from deploy/docker/Dockerfile, run hardened.

No registry is reachable from CI, so scripts/container-base.sh first makes the base image the
Dockerfile names from Debian packages (and installs podman); deploy/docker/containers.conf
adapts podman to the CI machines (runc, lower ulimits). Containers use the host's network:
PostgreSQL is the host's, and no firewall rules are left behind.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops.live_server import REPO, LiveServer, free_port, wait_until_serving

DOCKER_DIR = REPO / "deploy" / "docker"
IMAGE = "localhost/gravl:ci"
UID = 10001  # the Dockerfile's USER
# What an operator (and deploy/k8s) does to the container: nothing writable but mounts, not
# root, no capabilities, no way to gain privileges.
HARDENING = (
    "--read-only",
    f"--user={UID}:{UID}",
    "--cap-drop=ALL",
    "--security-opt=no-new-privileges",
    "--network=host",
)


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["podman", *args],
        env={**os.environ, "CONTAINERS_CONF": str(DOCKER_DIR / "containers.conf")},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def prepare_podman() -> None:
    """Install podman and make the base image; fail under CI=true, skip elsewhere."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "container-base.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        message = f"scripts/container-base.sh failed: {done.stderr[-2000:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def build_image() -> str:
    """Build the image as CI (and a podman user) should: Docker format, nothing pulled."""
    prepare_podman()
    built = podman(
        "build",
        "--format=docker",  # the OCI format drops the HEALTHCHECK
        "--pull=never",
        "--network=host",
        f"--file={DOCKER_DIR / 'Dockerfile'}",
        f"--ignorefile={DOCKER_DIR / 'Dockerfile.dockerignore'}",
        f"--tag={IMAGE}",
        str(REPO),
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return IMAGE


@dataclass
class Site:
    """One deployment of the image: its secrets and volumes, and the server when running."""

    name: str
    directory: Path
    env: dict[str, str]
    server: LiveServer | None = None

    @property
    def backups(self) -> Path:
        return self.directory / "backups"

    def options(self) -> list[str]:
        mounts = [
            f"--volume={self.directory / 'secrets'}:/run/secrets:ro",
            f"--volume={self.directory / 'data'}:/data",
            f"--volume={self.backups}:/backups",
        ]
        return [*HARDENING, *mounts, *(f"--env={k}={v}" for k, v in self.env.items())]

    def run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """Run a command in a one-off container of this deployment."""
        return podman("run", "--rm", *self.options(), IMAGE, *argv)

    def gravl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("gravl", *args)

    def exec(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command inside the running server's container."""
        return podman("exec", self.name, *args)


def make_site(directory: Path, database_url: str) -> Site:
    """Secrets as read-only files (like Kubernetes' Secret volumes); data owned by the UID."""
    for child, owner in (("secrets", 0), ("data", UID), ("backups", UID)):
        (directory / child).mkdir()
        os.chown(directory / child, owner, owner)
        (directory / child).chmod(0o755)
    files = {"secret_key": secrets.token_urlsafe(48), "database_url": database_url}
    for secret, value in files.items():
        path = directory / "secrets" / secret
        path.write_text(value + "\n")
        path.chmod(0o444)
    port, metrics_port = free_port(), free_port()
    env = {
        "GRAVL_SECRET_KEY_FILE": "/run/secrets/secret_key",
        "GRAVL_DATABASE_URL_FILE": "/run/secrets/database_url",
        # Not the image's defaults (8000, 3001): the CMD and HEALTHCHECK must follow these.
        "GRAVL_PORT": str(port),
        "GRAVL_METRICS_PORT": str(metrics_port),
    }
    return Site(f"gravl-ci-{uuid.uuid4().hex[:8]}", directory, env)


@contextmanager
def serving(site: Site) -> Iterator[LiveServer]:
    """The image's own CMD in the foreground; stopping the podman client sends it SIGTERM."""
    stdout, stderr = site.directory / "server.stdout", site.directory / "server.stderr"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            ["podman", "run", "--rm", f"--name={site.name}", *site.options(), IMAGE],
            env={**os.environ, "CONTAINERS_CONF": str(DOCKER_DIR / "containers.conf")},
            stdout=out,
            stderr=err,
        )
    port, metrics_port = site.env["GRAVL_PORT"], site.env["GRAVL_METRICS_PORT"]
    server = LiveServer(
        process, f"http://127.0.0.1:{port}", f"http://127.0.0.1:{metrics_port}", stdout, stderr
    )
    site.server = server
    try:
        wait_until_serving(server)
        yield server
    finally:
        server.stop()
        site.server = None
        podman("rm", "--force", "--ignore", site.name)
