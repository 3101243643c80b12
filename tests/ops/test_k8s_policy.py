"""Policy over the rendered manifests: what OPERATIONS.md promises for workloads, secrets,
storage, RBAC, TLS, the database and backups, checked on what kustomize actually produces."""

from __future__ import annotations

import base64
import re
from ipaddress import ip_network
from pathlib import Path

import pytest
import yaml

from gravl.config import Settings
from tests.ops.k8s_support import (
    K8S_DIR,
    REPO_ROOT,
    Obj,
    containers,
    find_key,
    object_id,
    of_kind,
    one,
    pod_template,
    rendered,
)

OVERLAYS = ["overlays/staging", "overlays/production"]
APP_NAMESPACE = {"overlays/staging": "gravl-staging", "overlays/production": "gravl"}
GRAVL_IMAGE = "ghcr.io/gravl/gravl:0.1.0"
# Promtail reads root-owned node log files (mode 0640) and discovers pods through the API:
# the one workload allowed to run as uid 0 (with no capabilities) and to mount a token.
RUNS_AS_ROOT = {"promtail"}
USES_KUBERNETES_API = {"promtail"}
READ_ONLY_VERBS = {"get", "list", "watch"}


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def objects(overlay: str) -> list[Obj]:
    return rendered(overlay)


# --- containers -----------------------------------------------------------------------------


def test_every_container_has_requests_and_limits(objects: list[Obj]) -> None:
    missing = [
        f"{c.owner}:{c.name} {section}.{resource}"
        for c in containers(objects)
        for section in ("requests", "limits")
        for resource in ("cpu", "memory")
        if not c.spec.get("resources", {}).get(section, {}).get(resource)
    ]
    assert not missing, missing


def test_every_container_is_locked_down(objects: list[Obj]) -> None:
    problems = []
    for c in containers(objects):
        ctx = c.spec.get("securityContext")
        if not ctx:
            problems.append(f"{c.owner}:{c.name} has no securityContext")
            continue
        pod_ctx = c.pod_spec.get("securityContext", {})
        checks = {
            "allowPrivilegeEscalation false": ctx.get("allowPrivilegeEscalation") is False,
            "readOnlyRootFilesystem": ctx.get("readOnlyRootFilesystem") is True,
            "capabilities drop ALL": "ALL" in ctx.get("capabilities", {}).get("drop", []),
            "no added capabilities": not ctx.get("capabilities", {}).get("add"),
            "not privileged": not ctx.get("privileged"),
            "seccomp RuntimeDefault": (
                ctx.get("seccompProfile", pod_ctx.get("seccompProfile", {})).get("type")
                == "RuntimeDefault"
            ),
        }
        if c.name not in RUNS_AS_ROOT:
            checks["runAsNonRoot"] = ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot")) is True
            checks["uid > 10000"] = ctx.get("runAsUser", pod_ctx.get("runAsUser", 0)) > 10000
        problems += [f"{c.owner}:{c.name} lacks {name}" for name, ok in checks.items() if not ok]
    assert not problems, problems


def test_long_running_containers_have_three_probes(objects: list[Obj]) -> None:
    long_running = [c for c in containers(objects) if c.long_running]
    assert len(long_running) >= 3
    missing = [
        f"{c.owner}:{c.name} {probe}"
        for c in long_running
        for probe in ("livenessProbe", "readinessProbe", "startupProbe")
        if probe not in c.spec
    ]
    assert not missing, missing


def test_images_are_pinned(objects: list[Obj]) -> None:
    bad = []
    for c in containers(objects):
        image = c.spec["image"]
        name, _, tag = image.rpartition(":")
        if "@sha256:" in image:
            continue
        if not name or "/" in tag or tag in {"", "latest"}:
            bad.append(f"{c.owner}:{c.name} {image}")
    assert not bad, f"untagged or :latest images: {bad}"


def test_backend_deployment_matches_operations_md(objects: list[Obj]) -> None:
    deployment = one(objects, "Deployment", "gravl-backend")
    spec = deployment["spec"]["template"]["spec"]
    (app,) = spec["containers"]
    assert app["image"] == GRAVL_IMAGE
    assert app["command"] == [
        "gravl",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
        "--workers",
        "2",
    ]
    assert app["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }
    ports = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert ports == {"http": 8000, "metrics": 3001}
    assert app["livenessProbe"]["httpGet"]["path"] == "/api/health"
    assert app["readinessProbe"]["httpGet"]["path"] == "/api/ready"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert app[probe]["periodSeconds"] == 10
    startup = app["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] == 30
    mounts = {m["mountPath"]: m["name"] for m in app["volumeMounts"]}
    volumes = {v["name"]: v for v in spec["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert "emptyDir" in volumes[mounts["/tmp/metrics"]]
    assert "secret" in volumes[mounts["/run/secrets/gravl"]]


def test_settings_configmap_carries_the_app_settings(objects: list[Obj]) -> None:
    settings = one(objects, "ConfigMap", "gravl-settings")["data"]
    assert settings["GRAVL_ENV"] == "production"
    assert settings["GRAVL_HSTS"] == "true"
    assert settings["GRAVL_METRICS_PORT"] == "3001"
    assert settings["PROMETHEUS_MULTIPROC_DIR"] == "/tmp/metrics"
    # Behind the ingress, clients are told apart by X-Forwarded-For from the pod network only.
    trusted = [ip_network(n.strip()) for n in settings["GRAVL_TRUSTED_PROXIES"].split(",")]
    assert trusted and all(n.is_private for n in trusted)
    for name in ("DATABASE_URL", "SECRET_KEY", "PREVIOUS_SECRET_KEY"):
        assert settings[f"GRAVL_{name}_FILE"].startswith("/run/secrets/gravl/")
    deployment = one(objects, "Deployment", "gravl-backend")
    refs = [
        e["configMapRef"]["name"]
        for e in deployment["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    ]
    assert refs == ["gravl-settings"]


def test_migration_job_runs_db_upgrade_like_the_backend(objects: list[Obj]) -> None:
    job = one(objects, "Job", "gravl-migrate")
    (migrate,) = job["spec"]["template"]["spec"]["containers"]
    backend = one(objects, "Deployment", "gravl-backend")["spec"]["template"]["spec"]["containers"][
        0
    ]
    assert migrate["command"] == ["gravl", "db", "upgrade"]
    assert migrate["image"] == backend["image"]
    assert migrate["securityContext"] == backend["securityContext"]


# --- replicas, autoscaling, disruption ------------------------------------------------------


def test_backend_is_autoscaled_and_protected(objects: list[Obj], overlay: str) -> None:
    hpa = one(objects, "HorizontalPodAutoscaler", "gravl-backend")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"]["name"] == "gravl-backend"
    pdb = one(objects, "PodDisruptionBudget", "gravl-backend")
    labels = one(objects, "Deployment", "gravl-backend")["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["selector"]["matchLabels"].items() <= labels.items()
    if overlay.endswith("production"):
        assert one(objects, "Deployment", "gravl-backend")["spec"]["replicas"] >= 2
        assert hpa["spec"]["minReplicas"] >= 2


# --- secrets --------------------------------------------------------------------------------


def test_production_has_no_secret_objects(objects: list[Obj], overlay: str) -> None:
    secrets = of_kind(objects, "Secret")
    if overlay.endswith("production"):
        assert secrets == []
        targets = {e["spec"]["target"]["name"] for e in of_kind(objects, "ExternalSecret")}
        assert {"gravl-secrets", "gravl-db-app", "gravl-db-backup-s3"} <= targets
    else:
        # Staging's only Secret is generated from secrets.env; rendered in CI from the example,
        # it must carry nothing but the example's placeholders.
        (secret,) = secrets
        values = [base64.b64decode(v).decode() for v in secret["data"].values()]
        assert values and all("CHANGE_ME" in v for v in values)


def test_base_references_secrets_by_name_only() -> None:
    base = rendered("base")
    assert of_kind(base, "Secret") == []
    names = {v for _, v in find_key(base, "secretName")}
    assert "gravl-secrets" in names


def test_secret_example_holds_only_placeholders() -> None:
    example = K8S_DIR / "overlays/staging/secrets.env.example"
    entries = [
        line.split("=", 1)
        for line in example.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {k for k, _ in entries} >= {"database-url", "secret-key", "previous-secret-key"}
    assert all("CHANGE_ME" in v for _, v in entries)


def _committed_manifest_files() -> list[Path]:
    deploy = REPO_ROOT / "deploy"
    return [p for p in deploy.rglob("*") if p.suffix in {".yaml", ".yml", ".json"} and p.is_file()]


def test_no_committed_file_holds_a_secret_value() -> None:
    offenders = []
    files = _committed_manifest_files()
    assert files
    for path in files:
        if path.suffix == ".json":
            continue
        for doc in yaml.safe_load_all(path.read_text()):
            is_secret = isinstance(doc, dict) and doc.get("kind") == "Secret"
            if is_secret and (doc.get("data") or doc.get("stringData")):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert not offenders, f"Secret objects with values: {offenders}"


# --- storage --------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["base", "observability"])
def test_bases_name_no_storage_class(target: str) -> None:
    found = [
        path
        for key in ("storageClassName", "storageClass")
        for path, _ in find_key(rendered(target), key)
    ]
    assert not found, f"storage class set in {target}: {found}"


def test_every_volume_claim_names_its_class_in_the_overlay(objects: list[Obj]) -> None:
    claims = [(object_id(o), o["spec"]) for o in of_kind(objects, "PersistentVolumeClaim")]
    for sts in of_kind(objects, "StatefulSet"):
        claims += [(object_id(sts), t["spec"]) for t in sts["spec"].get("volumeClaimTemplates", [])]
    assert claims
    unnamed = [owner for owner, spec in claims if not spec.get("storageClassName")]
    assert not unnamed, unnamed
    for cluster in of_kind(objects, "Cluster"):
        assert cluster["spec"]["storage"].get("storageClass")


def test_loki_storage_per_environment(objects: list[Obj], overlay: str) -> None:
    loki = one(objects, "StatefulSet", "loki")
    volumes = {v["name"]: v for v in loki["spec"]["template"]["spec"]["volumes"]}
    if overlay.endswith("staging"):
        assert "emptyDir" in volumes["storage"]
        assert not loki["spec"].get("volumeClaimTemplates")
    else:
        assert "storage" not in volumes
        (claim,) = loki["spec"]["volumeClaimTemplates"]
        assert claim["metadata"]["name"] == "storage" and claim["spec"]["storageClassName"]


# --- RBAC -----------------------------------------------------------------------------------


def test_no_binding_grants_cluster_admin(objects: list[Obj]) -> None:
    bindings = of_kind(objects, "ClusterRoleBinding") + of_kind(objects, "RoleBinding")
    assert bindings
    admin = [
        object_id(b) for b in bindings if b["roleRef"]["name"] in {"cluster-admin", "admin", "edit"}
    ]
    assert not admin


def test_rbac_is_least_privilege(objects: list[Obj]) -> None:
    problems = []
    for role in of_kind(objects, "Role") + of_kind(objects, "ClusterRole"):
        for rule in role.get("rules", []):
            verbs, resources = set(rule["verbs"]), set(rule.get("resources", []))
            if "*" in verbs or "*" in resources or "*" in rule.get("apiGroups", []):
                problems.append(f"{object_id(role)} uses a wildcard")
            if "secrets" in resources and (
                not verbs <= READ_ONLY_VERBS or not rule.get("resourceNames")
            ):
                problems.append(f"{object_id(role)} secrets must be read-only and named")
            if role["kind"] == "ClusterRole" and not verbs <= READ_ONLY_VERBS:
                problems.append(f"{object_id(role)} cluster-wide write access")
    assert not problems, problems


def test_bindings_point_at_service_accounts_that_exist(objects: list[Obj]) -> None:
    accounts = {
        (sa["metadata"]["namespace"], sa["metadata"]["name"])
        for sa in of_kind(objects, "ServiceAccount")
    }
    for binding in of_kind(objects, "RoleBinding") + of_kind(objects, "ClusterRoleBinding"):
        for subject in binding["subjects"]:
            assert subject["kind"] == "ServiceAccount"
            assert (subject["namespace"], subject["name"]) in accounts, object_id(binding)


def test_each_workload_has_its_own_service_account(objects: list[Obj]) -> None:
    accounts = {sa["metadata"]["name"]: sa for sa in of_kind(objects, "ServiceAccount")}
    used: dict[str, str] = {}
    for obj in objects:
        template = pod_template(obj)
        if template is None:
            continue
        spec = template["spec"]
        name = spec.get("serviceAccountName")
        assert name and name != "default", f"{object_id(obj)} uses the default ServiceAccount"
        assert name in accounts, f"{object_id(obj)}: ServiceAccount {name} not rendered"
        assert name not in used, (
            f"{object_id(obj)} shares ServiceAccount {name} with {used.get(name)}"
        )
        used[name] = object_id(obj)
        automount = spec.get(
            "automountServiceAccountToken", accounts[name].get("automountServiceAccountToken", True)
        )
        assert automount is (obj["metadata"]["name"] in USES_KUBERNETES_API), object_id(obj)


# --- TLS ------------------------------------------------------------------------------------


def test_ingress_has_tls_from_a_rendered_cluster_issuer(objects: list[Obj]) -> None:
    (ingress,) = of_kind(objects, "Ingress")
    issuer = ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"]
    assert issuer in {i["metadata"]["name"] for i in of_kind(objects, "ClusterIssuer")}
    tls_hosts = {h for entry in ingress["spec"]["tls"] for h in entry["hosts"]}
    assert {r["host"] for r in ingress["spec"]["rules"]} <= tls_hosts
    assert all(entry.get("secretName") for entry in ingress["spec"]["tls"])
    routed_ports = [p for _, p in find_key(ingress["spec"]["rules"], "port")]
    assert routed_ports == [{"name": "http"}], "only the API port may be public"


def test_issuers_per_environment(objects: list[Obj], overlay: str) -> None:
    (issuer,) = of_kind(objects, "ClusterIssuer")
    if overlay.endswith("staging"):
        assert issuer["spec"]["ca"]["secretName"]
    else:
        acme = issuer["spec"]["acme"]
        assert acme["server"].startswith("https://acme-v02.api.letsencrypt.org/")
        assert any("http01" in solver for solver in acme["solvers"])
        (certificate,) = of_kind(objects, "Certificate")
        (ingress,) = of_kind(objects, "Ingress")
        assert certificate["spec"]["secretName"] == ingress["spec"]["tls"][0]["secretName"]
        assert certificate["spec"]["issuerRef"]["name"] == issuer["metadata"]["name"]
        assert set(certificate["spec"]["dnsNames"]) == set(ingress["spec"]["tls"][0]["hosts"])


# --- database and backups -------------------------------------------------------------------


def test_production_database_is_replicated_and_archived() -> None:
    objects = rendered("overlays/production")
    (cluster,) = of_kind(objects, "Cluster")
    spec = cluster["spec"]
    assert spec["instances"] == 3
    store = spec["backup"]["barmanObjectStore"]
    assert store["destinationPath"].startswith("s3://")
    assert "wal" in store
    secret_targets = {e["spec"]["target"]["name"] for e in of_kind(objects, "ExternalSecret")}
    credentials = store["s3Credentials"]
    assert {
        credentials["accessKeyId"]["name"],
        credentials["secretAccessKey"]["name"],
    } <= secret_targets
    assert spec["bootstrap"]["initdb"]["secret"]["name"] in secret_targets
    (scheduled,) = of_kind(objects, "ScheduledBackup")
    assert scheduled["spec"]["cluster"]["name"] == cluster["metadata"]["name"]
    assert spec["inheritedMetadata"]["labels"]["app.kubernetes.io/component"] == "database"


def test_staging_database_is_a_statefulset_with_a_claim(objects: list[Obj], overlay: str) -> None:
    if overlay.endswith("production"):
        assert not [
            s for s in of_kind(objects, "StatefulSet") if s["metadata"]["name"] == "postgres"
        ]
        return
    postgres = one(objects, "StatefulSet", "postgres")
    (claim,) = postgres["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["storageClassName"]
    assert (
        postgres["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        == "database"
    )


def test_backup_cronjob_runs_gravl_backup_with_retention(objects: list[Obj]) -> None:
    cronjob = one(objects, "CronJob", "gravl-backup")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    spec = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (backup,) = spec["initContainers"]
    command = " ".join(backup["command"] + backup.get("args", []))
    assert re.search(r"\bgravl backup -o \"?/backups/gravl-", command), command
    (retention,) = spec["containers"]
    retention_command = " ".join(retention["command"])
    assert "-mtime" in retention_command and "-delete" in retention_command
    env = {e["name"]: e.get("value") for e in retention["env"]}
    assert int(env["BACKUP_RETENTION_DAYS"]) >= 7
    # Success is reported under the metric alert BackupTooOld reads.
    assert "gravl_backup_last_success_timestamp_seconds" in retention_command
    assert env["PUSHGATEWAY_URL"].startswith("http://pushgateway.monitoring.svc:")
    volumes = {v["name"]: v for v in spec["volumes"]}
    for container in (backup, retention):
        mount = next(m for m in container["volumeMounts"] if m["mountPath"] == "/backups")
        assert volumes[mount["name"]]["persistentVolumeClaim"]["claimName"] == "gravl-backups"
    one(objects, "PersistentVolumeClaim", "gravl-backups")


# --- metrics --------------------------------------------------------------------------------


def test_service_monitor_scrapes_the_metrics_port_as_job_gravl() -> None:
    objects = rendered("overlays/production")
    (monitor,) = of_kind(objects, "ServiceMonitor")
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "metrics" and endpoint["path"] == "/metrics"
    service = one(objects, "Service", "gravl-backend")
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    assert monitor["metadata"]["namespace"] in monitor["spec"]["namespaceSelector"]["matchNames"]
    assert service["metadata"]["labels"][monitor["spec"]["jobLabel"]] == "gravl"
    assert {"name": "metrics", "port": 3001, "targetPort": "metrics", "protocol": "TCP"} in service[
        "spec"
    ]["ports"]


def test_namespaces(objects: list[Obj], overlay: str) -> None:
    names = {n["metadata"]["name"] for n in of_kind(objects, "Namespace")}
    assert names == {APP_NAMESPACE[overlay], "monitoring"}
    app_objects = [o for o in objects if o["metadata"].get("namespace") == APP_NAMESPACE[overlay]]
    assert one(app_objects, "Deployment", "gravl-backend")


# --- keep-alive and shutdown behind the ingress -----------------------------------------------

# ingress-nginx's own default for its controller-wide upstream-keepalive-timeout (its
# docs/user-guide/nginx-configuration/configmap.md), and Kubernetes' default grace period.
INGRESS_NGINX_UPSTREAM_KEEPALIVE_S = 60
KUBERNETES_GRACE_PERIOD_S = 30


def proxy_idle_timeout_s() -> int:
    """How long ingress-nginx keeps an idle connection to a pod, as deploy/k8s asks of it."""
    config = yaml.safe_load((K8S_DIR / "ingress-nginx" / "controller-config.yaml").read_text())
    assert config["metadata"] == {"name": "ingress-nginx-controller", "namespace": "ingress-nginx"}
    return int(config["data"].get("upstream-keepalive-timeout", INGRESS_NGINX_UPSTREAM_KEEPALIVE_S))


def test_the_ingress_closes_idle_connections_before_gravl_does(objects: list[Obj]) -> None:
    # Otherwise nginx may send a request on a connection Gravl is closing: a reset, and a 502
    # for a POST, which nginx never retries on another pod.
    (ingress,) = of_kind(objects, "Ingress")
    assert ingress["spec"]["ingressClassName"] == "nginx"
    # Snippets could set other keep-alive directives behind the ConfigMap's back.
    annotations = ingress["metadata"].get("annotations", {})
    assert not [key for key in annotations if "keepalive" in key or "snippet" in key]
    settings = one(objects, "ConfigMap", "gravl-settings")["data"]
    assert proxy_idle_timeout_s() < int(settings["GRAVL_KEEP_ALIVE_S"])


def test_gravl_outlives_ingress_nginx_defaults_without_settings() -> None:
    default = Settings.model_fields["keep_alive_s"].default
    assert default > max(proxy_idle_timeout_s(), INGRESS_NGINX_UPSTREAM_KEEPALIVE_S)


def test_sigterm_drains_within_the_grace_period(objects: list[Obj]) -> None:
    deployment = one(objects, "Deployment", "gravl-backend")
    spec = deployment["spec"]["template"]["spec"]
    (app,) = spec["containers"]
    # ingress-nginx learns of the pod's removal a moment after the kubelet starts stopping it.
    pre_stop = app["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pre_stop >= 1
    drain = int(one(objects, "ConfigMap", "gravl-settings")["data"]["GRAVL_GRACEFUL_SHUTDOWN_S"])
    grace = spec.get("terminationGracePeriodSeconds", KUBERNETES_GRACE_PERIOD_S)
    assert pre_stop + drain < grace, "the kubelet would SIGKILL requests still draining"
