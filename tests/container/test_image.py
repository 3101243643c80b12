"""The real image, built with podman and run as an operator would, on SQLite and PostgreSQL.

Read-only root filesystem, UID 10001, no capabilities, no-new-privileges, secrets as read-only
files, a non-default GRAVL_PORT; migrations, backup and restore run in the image; ORIGIN's k6
load test runs against it. Under CI=true nothing here skips: scripts/container-base.sh installs
podman and makes the base image first (tests/container/podman.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.container.podman import UID, Site, build_image, make_site, podman, serving
from tests.ops.k6_load import load_test_passes_origin_thresholds as run_k6_load_test
from tests.ops.live_server import create_pg_database, drop_pg_database, pg_url

pytestmark = pytest.mark.slow
PASSWORD = "container-test-password-1"


@pytest.fixture(scope="module")
def image() -> str:
    return build_image()


def start(site: Site) -> Iterator[Site]:
    """Migrate and seed with the image's CLI (one container start for both), then serve."""
    done = site.run("sh", "-c", "gravl db upgrade && gravl seed")
    assert done.returncode == 0, done.stderr[-3000:]
    with serving(site):
        yield site


@pytest.fixture(scope="module")
def sqlite_site(image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    directory = tmp_path_factory.mktemp("sqlite-site")
    yield from start(make_site(directory, "sqlite+aiosqlite:////data/gravl.db"))


@pytest.fixture(scope="module")
def postgres_site(image: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    name, _ = create_pg_database()
    try:
        yield from start(make_site(tmp_path_factory.mktemp("postgres-site"), pg_url(name)))
    finally:
        drop_pg_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def site(request: pytest.FixtureRequest) -> Site:
    return request.getfixturevalue(f"{request.param}_site")


def api(site: Site) -> httpx.Client:
    assert site.server is not None
    return httpx.Client(base_url=site.server.api, timeout=30)


def register(site: Site, email: str) -> None:
    with api(site) as client:
        registered = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.text


def login_status(site: Site, email: str) -> int:
    with api(site) as client:
        login = client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return login.status_code


def test_image_keeps_its_healthcheck_and_runs_as_the_numeric_user(image: str) -> None:
    inspected = podman("image", "inspect", image)
    assert inspected.returncode == 0, inspected.stderr
    (found,) = json.loads(inspected.stdout)
    assert found["Config"]["User"] == f"{UID}:{UID}"
    # Only the Docker format carries it (podman's default OCI format drops it silently).
    assert found["ManifestType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert "/api/health" in found["Healthcheck"]["Test"][-1]


def test_serves_health_readiness_and_metrics_on_the_configured_ports(site: Site) -> None:
    assert site.server is not None
    assert site.server.api.endswith(f":{site.env['GRAVL_PORT']}")
    with api(site) as client:
        assert client.get("/api/health").json() == {"status": "ok"}
        # Ready means the database answers and `gravl db upgrade` (run in the image) is current.
        ready = client.get("/api/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ready", "database": "ok", "migrations": "current"}
    metrics = httpx.get(f"{site.server.metrics}/metrics", timeout=10)
    assert metrics.status_code == 200
    assert 'request_duration_ms_count{method="GET",route="/api/ready"}' in metrics.text


def test_healthcheck_passes_with_a_non_default_port(site: Site) -> None:
    """Issue 22: with the port pinned in CMD and HEALTHCHECK, this container was unhealthy."""
    assert site.env["GRAVL_PORT"] != "8000"
    checked = podman("healthcheck", "run", site.name)  # no systemd timer here: run it by hand
    assert checked.returncode == 0, checked.stdout + checked.stderr
    status = podman("inspect", "--format={{.State.Health.Status}}", site.name)
    assert status.stdout.strip() == "healthy"


def test_gravl_check_in_the_container_reports_the_configured_ports(site: Site) -> None:
    """Issue 22: `gravl check` said "API on 8000" while the server listened elsewhere."""
    checked = site.exec("gravl", "check", "--report")
    port, metrics_port = site.env["GRAVL_PORT"], site.env["GRAVL_METRICS_PORT"]
    assert f"{metrics_port} (API on {port})" in checked.stdout, checked.stdout + checked.stderr


def test_runs_read_only_unprivileged_and_without_capabilities(site: Site) -> None:
    probe = (
        "import os\n"
        "status = dict(line.split(':\\t', 1) for line in open('/proc/self/status'))\n"
        "print(os.getuid(), os.getgid(), int(status['CapEff'], 16), status['NoNewPrivs'].strip())\n"
        "try:\n"
        "    open('/opt/venv/tampered', 'w')\n"
        "except OSError as exc:\n"
        "    print(exc.strerror)\n"
    )
    probed = site.exec("python", "-c", probe)
    assert probed.returncode == 0, probed.stderr
    identity, written = probed.stdout.splitlines()
    assert identity == f"{UID} {UID} 0 1"
    assert written == "Read-only file system"


def test_backup_then_restore_force_in_the_image(site: Site) -> None:
    kept, lost = f"kept-{site.name}@example.com", f"lost-{site.name}@example.com"
    register(site, kept)
    dump = "/backups/gravl-container-test.dump"
    backed_up = site.gravl("backup", "--output", dump)
    assert backed_up.returncode == 0, backed_up.stderr
    assert (site.backups / "gravl-container-test.dump").stat().st_size > 0
    register(site, lost)

    refused = site.gravl("restore", dump)  # the database holds accounts
    assert refused.returncode == 3, refused.stderr
    restored = site.gravl("restore", "--force", dump)
    assert restored.returncode == 0, restored.stderr
    assert login_status(site, kept) == 200
    assert login_status(site, lost) == 401


def test_k6_load_test_passes_origin_thresholds_against_the_image(
    postgres_site: Site, tmp_path: Path
) -> None:
    assert postgres_site.server is not None
    run_k6_load_test(postgres_site.server, tmp_path)
