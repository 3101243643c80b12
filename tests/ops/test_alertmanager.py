"""Alertmanager routing: amtool's checks, the config's promises, and a real Alertmanager."""

import json
import re
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.promql import MONITORING, run, tool

CONFIG_FILE = MONITORING / "alertmanager" / "alertmanager.yml"
SECRETS_DIR = "/etc/alertmanager/secrets/"
# Keys that would carry a secret value inline; the *_file variants must be used instead.
INLINE_SECRET_KEYS = {
    "api_url",
    "slack_api_url",
    "auth_password",
    "smtp_auth_password",
    "auth_secret",
    "smtp_auth_secret",
    "password",
    "credentials",
    "routing_key",
    "service_key",
}


def config() -> dict[str, Any]:
    return yaml.safe_load(CONFIG_FILE.read_text())  # type: ignore[no-any-return]


def receivers() -> dict[str, dict[str, Any]]:
    return {receiver["name"]: receiver for receiver in config()["receivers"]}


def test_amtool_accepts_config() -> None:
    result = run([tool("amtool"), "check-config", str(CONFIG_FILE)])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (["severity=critical", "alertname=DatabaseDown"], "slack-and-email"),
        (["severity=warning", "alertname=HighCPU"], "slack"),
        (["alertname=Unlabelled"], "slack"),  # nothing falls through unrouted
    ],
)
def test_routes_by_severity(labels: list[str], receiver: str) -> None:
    result = run(
        [
            tool("amtool"),
            "config",
            "routes",
            "test",
            f"--config.file={CONFIG_FILE}",
            f"--verify.receivers={receiver}",
            *labels,
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_critical_goes_to_slack_and_email_warning_to_slack() -> None:
    by_name = receivers()
    assert (
        by_name["slack-and-email"]["slack_configs"] and by_name["slack-and-email"]["email_configs"]
    )
    assert by_name["slack"]["slack_configs"] and "email_configs" not in by_name["slack"]


def test_secrets_come_from_files_under_the_secrets_mount() -> None:
    for receiver in receivers().values():
        for slack in receiver.get("slack_configs", []):
            assert slack["api_url_file"].startswith(SECRETS_DIR)
        for email in receiver.get("email_configs", []):
            assert email["auth_password_file"].startswith(SECRETS_DIR)


def test_no_secret_value_is_written_in_the_config() -> None:
    def walk(node: Any, path: str) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in INLINE_SECRET_KEYS or key.endswith("_password"):
                    yield f"{path}.{key}"
                yield from walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{path}[{index}]")

    assert list(walk(config(), "")) == []
    text = CONFIG_FILE.read_text()
    assert not re.search(r"hooks\.slack\.com/services/|xox[abprs]-", text)


def test_critical_inhibits_warning_of_the_same_alert_and_namespace() -> None:
    rules = config()["inhibit_rules"]
    assert any(
        rule["source_matchers"] == ['severity="critical"']
        and rule["target_matchers"] == ['severity="warning"']
        and set(rule["equal"]) == {"alertname", "namespace"}
        for rule in rules
    )


# --- A real Alertmanager (Debian's prometheus-alertmanager) on loopback ----------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SlackSink(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        SlackSink.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def alertmanager(tmp_path: Path) -> Iterator[str]:
    """Run the repo's config with its secrets dir pointed at files holding local endpoints."""
    sink = HTTPServer(("127.0.0.1", 0), SlackSink)
    SlackSink.received = []
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "slack-webhook-url").write_text(f"http://127.0.0.1:{sink.server_port}/slack\n")
    (secrets / "smtp-password").write_text("not-a-real-password\n")
    # Only the secrets path and the grouping delay change; routes and receivers are the repo's.
    text = CONFIG_FILE.read_text().replace(SECRETS_DIR, f"{secrets}/")
    text = text.replace("group_wait: 30s", "group_wait: 1s")
    (tmp_path / "alertmanager.yml").write_text(text)
    port = free_port()
    binary = tool("prometheus-alertmanager")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=1)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"alertmanager did not start: {process.stderr.read()!r}")  # type: ignore[union-attr]
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        sink.shutdown()


def post_alerts(url: str, alerts: list[dict[str, Any]]) -> None:
    request = urllib.request.Request(
        f"{url}/api/v2/alerts",
        data=json.dumps(alerts).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def test_real_alertmanager_inhibits_the_warning_tier(alertmanager: str) -> None:
    def alert(severity: str, namespace: str) -> dict[str, Any]:
        labels = {"alertname": "DiskAlmostFull", "severity": severity, "namespace": namespace}
        return {"labels": labels}

    post_alerts(
        alertmanager,
        [alert("critical", "gravl"), alert("warning", "gravl"), alert("warning", "other")],
    )
    with urllib.request.urlopen(f"{alertmanager}/api/v2/alerts", timeout=5) as response:
        states = {
            (a["labels"]["severity"], a["labels"]["namespace"]): a["status"]["state"]
            for a in json.load(response)
        }
    assert states == {
        ("critical", "gravl"): "active",
        ("warning", "gravl"): "suppressed",  # inhibited by the critical one
        ("warning", "other"): "active",  # another namespace is not inhibited
    }


def test_real_alertmanager_posts_to_the_webhook_read_from_its_file(alertmanager: str) -> None:
    annotations = {
        "summary": "gravl/gravl-backend-1 uses 95% of its CPU limit",
        "description": "Container gravl has used more than 90% of its CPU limit.",
        "runbook_url": "docs/operations.md#highcpu",
    }
    labels = {"alertname": "HighCPU", "severity": "warning", "namespace": "gravl"}
    post_alerts(alertmanager, [{"labels": labels, "annotations": annotations}])
    deadline = time.monotonic() + 15
    while not SlackSink.received and time.monotonic() < deadline:
        time.sleep(0.2)
    assert SlackSink.received, "Alertmanager never called the Slack webhook"
    message = json.dumps(SlackSink.received[0])
    assert "HighCPU" in message
    assert annotations["summary"] in message and annotations["runbook_url"] in message
