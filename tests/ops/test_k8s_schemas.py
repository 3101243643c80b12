"""Every rendered object is a valid Kubernetes object (OPERATIONS.md "schemas").

Built-in kinds are validated with kubernetes-validate in strict mode; a missing schema for one is
a failure. Custom resources have no schema there, so their required fields are checked here.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.ops.k8s_support import INSTALL_HINT, Obj, object_id, of_kind, rendered

TARGETS = ["base", "observability", "overlays/staging", "overlays/production"]
OVERLAYS = ["overlays/staging", "overlays/production"]
# The oldest Kubernetes minor still in upstream support when these manifests were written;
# the schemas only grow, so validating here keeps us honest for 1.30 and later.
KUBERNETES_VERSIONS = ["1.30.0", "1.33.0"]
CRD_API_VERSIONS = {
    "cert-manager.io/v1": {"ClusterIssuer", "Issuer", "Certificate"},
    "external-secrets.io/v1beta1": {"ExternalSecret", "SecretStore", "ClusterSecretStore"},
    "bitnami.com/v1alpha1": {"SealedSecret"},
    "monitoring.coreos.com/v1": {"ServiceMonitor", "PodMonitor", "PrometheusRule"},
    "postgresql.cnpg.io/v1": {"Cluster", "ScheduledBackup"},
}


def _validator() -> Any:
    try:
        import kubernetes_validate
    except ImportError as exc:  # a missing tool fails, it never skips
        raise AssertionError(f"kubernetes-validate is not installed; {INSTALL_HINT}") from exc
    return kubernetes_validate


def is_custom(obj: Obj) -> bool:
    return obj["kind"] in CRD_API_VERSIONS.get(obj["apiVersion"], set())


@pytest.mark.parametrize("target", TARGETS)
def test_renders(target: str) -> None:
    objects = rendered(target)
    assert objects, f"{target} rendered nothing"
    ids = [object_id(o) for o in objects]
    assert len(ids) == len(set(ids)), f"duplicate objects in {target}"


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("target", OVERLAYS)
def test_builtin_objects_pass_strict_schema_validation(target: str, version: str) -> None:
    kv = _validator()
    problems = []
    for obj in rendered(target):
        if is_custom(obj):
            continue
        try:
            kv.validate(obj, version, strict=True)
        except kv.SchemaNotFoundError as exc:
            problems.append(f"{object_id(obj)}: {exc.message}")
        except kv.ValidationError as exc:
            problems.append(f"{object_id(obj)}: {exc.message} at {list(exc.path)}")
    assert not problems, "\n".join(problems)


def test_strict_validation_rejects_a_typo() -> None:
    """Guards the check above: strict mode must reject an unknown field on a built-in kind."""
    kv = _validator()
    deployment = next(o for o in rendered("overlays/production") if o["kind"] == "Deployment")
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kv.ValidationError):
        kv.validate(broken, KUBERNETES_VERSIONS[0], strict=True)


@pytest.mark.parametrize("target", OVERLAYS)
def test_every_non_builtin_kind_is_a_known_custom_resource(target: str) -> None:
    kv = _validator()
    unknown = []
    for obj in rendered(target):
        if is_custom(obj):
            continue
        try:
            kv.validate(obj, KUBERNETES_VERSIONS[0], strict=True)
        except kv.SchemaNotFoundError:
            unknown.append(object_id(obj))
        except kv.ValidationError:
            pass  # reported by the strict validation test
    assert not unknown, f"kinds with neither a built-in schema nor a CRD check: {unknown}"


# --- custom resources ----------------------------------------------------------------------


def get(obj: Any, path: str) -> Any:
    node = obj
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def require(obj: Obj, *paths: str) -> list[str]:
    return [f"{object_id(obj)}: missing {p}" for p in paths if get(obj, p) in (None, "", [], {})]


def only_keys(obj: Obj, path: str, allowed: set[str]) -> list[str]:
    """Unknown keys under path: the CRDs' structural schemas would prune or reject them."""
    node = get(obj, path) or {}
    return [f"{object_id(obj)}: unknown field {path}.{k}" for k in node if k not in allowed]


def check_cluster_issuer(obj: Obj) -> list[str]:
    spec = obj.get("spec", {})
    issuers = {"acme", "ca", "selfSigned", "vault", "venafi"} & spec.keys()
    errors = [] if len(issuers) == 1 else [f"{object_id(obj)}: needs exactly one issuer type"]
    if "acme" in spec:
        errors += require(obj, "spec.acme.server", "spec.acme.privateKeySecretRef.name")
        errors += only_keys(obj, "spec.acme", {"server", "email", "privateKeySecretRef", "solvers"})
        solvers = spec["acme"].get("solvers") or []
        if not solvers or not all({"http01", "dns01"} & s.keys() for s in solvers):
            errors.append(f"{object_id(obj)}: ACME needs http01 or dns01 solvers")
    if "ca" in spec:
        errors += require(obj, "spec.ca.secretName")
    return errors


def check_certificate(obj: Obj) -> list[str]:
    errors = require(obj, "spec.secretName", "spec.issuerRef.name", "spec.dnsNames")
    errors += only_keys(
        obj,
        "spec",
        {
            "secretName",
            "issuerRef",
            "dnsNames",
            "commonName",
            "duration",
            "renewBefore",
            "privateKey",
            "usages",
            "secretTemplate",
        },
    )
    if get(obj, "spec.issuerRef.kind") not in {None, "Issuer", "ClusterIssuer"}:
        errors.append(f"{object_id(obj)}: issuerRef.kind must be Issuer or ClusterIssuer")
    return errors


def check_external_secret(obj: Obj) -> list[str]:
    errors = require(obj, "spec.secretStoreRef.name", "spec.target.name")
    errors += only_keys(
        obj, "spec", {"refreshInterval", "secretStoreRef", "target", "data", "dataFrom"}
    )
    if get(obj, "spec.secretStoreRef.kind") not in {"SecretStore", "ClusterSecretStore"}:
        errors.append(f"{object_id(obj)}: secretStoreRef.kind must be (Cluster)SecretStore")
    data = get(obj, "spec.data") or []
    if not data and not get(obj, "spec.dataFrom"):
        errors.append(f"{object_id(obj)}: needs data or dataFrom")
    errors += [
        f"{object_id(obj)}: data[{i}] needs secretKey and remoteRef.key"
        for i, item in enumerate(data)
        if not item.get("secretKey") or not get(item, "remoteRef.key")
    ]
    return errors


def check_service_monitor(obj: Obj) -> list[str]:
    errors = require(obj, "spec.selector", "spec.endpoints")
    for i, endpoint in enumerate(get(obj, "spec.endpoints") or []):
        if not ({"port", "targetPort"} & endpoint.keys()):
            errors.append(f"{object_id(obj)}: endpoints[{i}] needs port or targetPort")
    return errors


def check_prometheus_rule(obj: Obj) -> list[str]:
    errors = require(obj, "spec.groups")
    for group in get(obj, "spec.groups") or []:
        if not group.get("name") or not group.get("rules"):
            errors.append(f"{object_id(obj)}: every group needs a name and rules")
        for rule in group.get("rules") or []:
            if not rule.get("expr") or not (rule.get("alert") or rule.get("record")):
                errors.append(f"{object_id(obj)}: rule {rule} needs expr and alert/record")
    return errors


def check_cnpg_cluster(obj: Obj) -> list[str]:
    errors = require(obj, "spec.instances", "spec.storage.size", "spec.imageName")
    if not isinstance(get(obj, "spec.instances"), int):
        errors.append(f"{object_id(obj)}: spec.instances must be an integer")
    store = get(obj, "spec.backup.barmanObjectStore")
    if store is not None:
        errors += require(
            obj,
            "spec.backup.barmanObjectStore.destinationPath",
            "spec.backup.barmanObjectStore.s3Credentials.accessKeyId.name",
            "spec.backup.barmanObjectStore.s3Credentials.secretAccessKey.name",
        )
    errors += only_keys(
        obj,
        "spec",
        {
            "instances",
            "imageName",
            "primaryUpdateStrategy",
            "enableSuperuserAccess",
            "inheritedMetadata",
            "bootstrap",
            "managed",
            "postgresql",
            "storage",
            "walStorage",
            "resources",
            "affinity",
            "monitoring",
            "backup",
        },
    )
    return errors


def check_scheduled_backup(obj: Obj) -> list[str]:
    errors = require(obj, "spec.schedule", "spec.cluster.name")
    # CloudNativePG schedules are six-field cron expressions (seconds first).
    if len(str(get(obj, "spec.schedule")).split()) != 6:
        errors.append(f"{object_id(obj)}: schedule must have six fields (seconds first)")
    if get(obj, "spec.method") not in {None, "barmanObjectStore", "volumeSnapshot", "plugin"}:
        errors.append(f"{object_id(obj)}: unknown backup method")
    return errors


def check_sealed_secret(obj: Obj) -> list[str]:
    return require(obj, "spec.encryptedData")


CRD_CHECKS = {
    "ClusterIssuer": check_cluster_issuer,
    "Issuer": check_cluster_issuer,
    "Certificate": check_certificate,
    "ExternalSecret": check_external_secret,
    "ServiceMonitor": check_service_monitor,
    "PrometheusRule": check_prometheus_rule,
    "Cluster": check_cnpg_cluster,
    "ScheduledBackup": check_scheduled_backup,
    "SealedSecret": check_sealed_secret,
}


@pytest.mark.parametrize("target", OVERLAYS)
def test_custom_resources_have_their_required_fields(target: str) -> None:
    objects = [o for o in rendered(target) if is_custom(o)]
    assert objects, f"{target} has no custom resources to check"
    errors = []
    for obj in objects:
        check = CRD_CHECKS.get(obj["kind"])
        assert check is not None, f"no check for custom resource kind {obj['kind']}"
        errors += require(obj, "metadata.name")
        errors += check(obj)
    assert not errors, "\n".join(errors)


def test_crd_checks_catch_a_broken_object() -> None:
    cluster = of_kind(rendered("overlays/production"), "Cluster")[0]
    broken = {**cluster, "spec": {**cluster["spec"], "instance": 3}}
    del broken["spec"]["instances"]
    errors = check_cnpg_cluster(broken)
    assert any("spec.instances" in e for e in errors)
    assert any("unknown field spec.instance" in e for e in errors)
