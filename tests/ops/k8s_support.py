"""Render Gravl's kustomize overlays and reason about the objects they produce.

Rendering works on a temporary copy of deploy/k8s: staging's secretGenerator reads a git-ignored
`secrets.env`, so the copy gets `secrets.env.example` in its place. A developer's real
`secrets.env` is never copied, so no test ever sees a real value.
"""

from __future__ import annotations

import atexit
import functools
import ipaddress
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
K8S_DIR = REPO_ROOT / "deploy" / "k8s"
INSTALL_HINT = "run `bash scripts/install-k8s-tools.sh`"

Obj = dict[str, Any]

WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"}
LONG_RUNNING_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}


def kubectl_path() -> str:
    """Locate kubectl: $GRAVL_KUBECTL, then .tools/bin/kubectl (the install script), then PATH."""
    candidates = [os.environ.get("GRAVL_KUBECTL", ""), str(REPO_ROOT / ".tools/bin/kubectl")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("kubectl")
    if found is None:
        raise RuntimeError(f"kubectl not found; {INSTALL_HINT}")
    return found


def checkov_path() -> Path:
    path = REPO_ROOT / ".tools/checkov/bin/checkov"
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"checkov not found at {path}; {INSTALL_HINT}")
    return path


def copy_k8s_tree(dest: Path) -> Path:
    """Copy deploy/k8s to dest/k8s with the example secrets standing in for the real ones."""
    tree = dest / "k8s"
    shutil.copytree(K8S_DIR, tree, ignore=shutil.ignore_patterns("secrets.env", "__pycache__"))
    for example in tree.rglob("secrets.env.example"):
        shutil.copyfile(example, example.with_name("secrets.env"))
    return tree


def kustomize(tree: Path, target: str) -> str:
    """Return `kubectl kustomize` output for target (a directory relative to the k8s tree)."""
    result = subprocess.run(
        [kubectl_path(), "kustomize", str(tree / target)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {target} failed:\n{result.stderr}")
    return result.stdout


@functools.cache
def _session_tree() -> Path:
    workdir = Path(tempfile.mkdtemp(prefix="gravl-k8s-"))
    atexit.register(shutil.rmtree, workdir, ignore_errors=True)
    return copy_k8s_tree(workdir)


@functools.cache
def rendered_text(target: str) -> str:
    """kustomize output for target ("base", "overlays/staging"...), rendered once a session."""
    return kustomize(_session_tree(), target)


def rendered(target: str) -> list[Obj]:
    return load_objects(rendered_text(target))


def load_objects(text: str) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(text) if doc]


def object_id(obj: Obj) -> str:
    meta = obj.get("metadata", {})
    return f"{obj['kind']}/{meta.get('namespace', '-')}/{meta.get('name')}"


def of_kind(objects: list[Obj], kind: str) -> list[Obj]:
    return [obj for obj in objects if obj["kind"] == kind]


def one(objects: list[Obj], kind: str, name: str) -> Obj:
    matches = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected exactly one {kind}/{name}, found {len(matches)}"
    return matches[0]


def pod_template(obj: Obj) -> Obj | None:
    """The pod template (metadata + spec) of a workload, or None for other kinds."""
    kind = obj["kind"]
    if kind == "Pod":
        return {"metadata": obj.get("metadata", {}), "spec": obj["spec"]}
    if kind == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]
    if kind in WORKLOAD_KINDS:
        return obj["spec"]["template"]
    return None


@dataclass(frozen=True)
class ContainerRef:
    owner: str
    name: str
    init: bool
    long_running: bool
    spec: Obj
    pod_spec: Obj


def containers(objects: list[Obj]) -> Iterator[ContainerRef]:
    """Every container and init container of every workload."""
    for obj in objects:
        template = pod_template(obj)
        if template is None:
            continue
        pod_spec = template["spec"]
        for init, key in ((True, "initContainers"), (False, "containers")):
            for container in pod_spec.get(key, []):
                yield ContainerRef(
                    owner=object_id(obj),
                    name=container["name"],
                    init=init,
                    long_running=not init and obj["kind"] in LONG_RUNNING_KINDS,
                    spec=container,
                    pod_spec=pod_spec,
                )


def find_key(node: Any, key: str, path: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (path, value) for every occurrence of key anywhere in a YAML tree."""
    if isinstance(node, dict):
        for k, v in node.items():
            here = f"{path}.{k}" if path else str(k)
            if k == key:
                yield here, v
            yield from find_key(v, key, here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from find_key(item, key, f"{path}[{i}]")


# --- NetworkPolicy semantics -------------------------------------------------------------------
# A small evaluator of networking.k8s.io/v1 NetworkPolicy, enough to answer "can A open a
# connection to B on port P": a pod is isolated for a direction when any policy selecting it has
# that policyType; an isolated pod accepts a flow only if some rule of such a policy matches the
# peer and the port. A flow needs both the source's egress and the destination's ingress.
# ipBlock peers match only endpoints outside the pod network (modelled by an `ip`), the usual
# reading for CNIs that apply ipBlock to non-pod traffic.


@dataclass(frozen=True)
class Port:
    number: int
    protocol: str = "TCP"
    name: str = ""


@dataclass(frozen=True)
class Endpoint:
    name: str
    namespace: str | None
    labels: Mapping[str, str] = field(default_factory=dict)
    ports: tuple[Port, ...] = ()
    ip: str | None = None

    @property
    def external(self) -> bool:
        return self.namespace is None


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """metav1.LabelSelector semantics; an empty selector matches everything."""
    if selector is None:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
        if op not in {"In", "NotIn", "Exists", "DoesNotExist"}:
            raise ValueError(f"unknown selector operator {op}")
    return True


class NetworkModel:
    def __init__(
        self,
        policies: list[Obj],
        namespaces: Mapping[str, Mapping[str, str]],
        endpoints: list[Endpoint],
    ) -> None:
        self.policies = policies
        # The API server labels every namespace with its own name.
        self.namespaces = {
            name: {**labels, "kubernetes.io/metadata.name": name}
            for name, labels in namespaces.items()
        }
        self.endpoints = endpoints

    def by_name(self, name: str) -> Endpoint:
        matches = [e for e in self.endpoints if e.name == name]
        assert len(matches) == 1, f"endpoint {name}: {len(matches)} matches"
        return matches[0]

    @staticmethod
    def _types(policy: Obj) -> set[str]:
        spec = policy["spec"]
        if "policyTypes" in spec:
            return set(spec["policyTypes"])
        # API default: Ingress always, Egress only when egress rules are present.
        return {"Ingress", "Egress"} if "egress" in spec else {"Ingress"}

    def _selecting(self, pod: Endpoint, direction: str) -> list[Obj]:
        if pod.external:
            return []
        return [
            p
            for p in self.policies
            if p["metadata"]["namespace"] == pod.namespace
            and direction in self._types(p)
            and selector_matches(p["spec"].get("podSelector"), pod.labels)
        ]

    def _peer_matches(self, peer: Obj, policy_ns: str, other: Endpoint) -> bool:
        if "ipBlock" in peer:
            if other.ip is None:
                return False
            address = ipaddress.ip_address(other.ip)
            block = peer["ipBlock"]
            if address not in ipaddress.ip_network(block["cidr"]):
                return False
            return not any(address in ipaddress.ip_network(e) for e in block.get("except", []))
        if other.external:
            return False
        if "namespaceSelector" in peer:
            ns_labels = self.namespaces.get(other.namespace or "", {})
            if not selector_matches(peer["namespaceSelector"], ns_labels):
                return False
        elif other.namespace != policy_ns:
            return False
        return selector_matches(peer.get("podSelector"), other.labels)

    @staticmethod
    def _port_matches(rule_ports: list[Obj] | None, dst: Endpoint, port: Port) -> bool:
        if not rule_ports:
            return True
        for entry in rule_ports:
            if entry.get("protocol", "TCP") != port.protocol:
                continue
            wanted = entry.get("port")
            if wanted is None:
                return True
            if isinstance(wanted, str):
                # Named ports resolve against the destination pod's container ports.
                if any(p.name == wanted and p == port for p in dst.ports):
                    return True
                continue
            if wanted <= port.number <= entry.get("endPort", wanted):
                return True
        return False

    def allowed(self, src: Endpoint, dst: Endpoint, port: Port) -> bool:
        egress = self._selecting(src, "Egress")
        if egress and not any(
            self._port_matches(rule.get("ports"), dst, port)
            and (
                not rule.get("to")
                or any(
                    self._peer_matches(p, policy["metadata"]["namespace"], dst) for p in rule["to"]
                )
            )
            for policy in egress
            for rule in policy["spec"].get("egress") or []
        ):
            return False
        ingress = self._selecting(dst, "Ingress")
        return not ingress or any(
            self._port_matches(rule.get("ports"), dst, port)
            and (
                not rule.get("from")
                or any(
                    self._peer_matches(p, policy["metadata"]["namespace"], src)
                    for p in rule["from"]
                )
            )
            for policy in ingress
            for rule in policy["spec"].get("ingress") or []
        )

    def reachable_from(self, src: Endpoint) -> set[tuple[str, int, str]]:
        """Every (endpoint, port, protocol) src can open, among the endpoints' declared ports."""
        return {
            (dst.name, port.number, port.protocol)
            for dst in self.endpoints
            if dst is not src
            for port in dst.ports
            if self.allowed(src, dst, port)
        }

    def callers_of(self, dst: Endpoint, port: Port) -> set[str]:
        return {
            src.name for src in self.endpoints if src is not dst and self.allowed(src, dst, port)
        }


def workload_endpoints(objects: list[Obj]) -> list[Endpoint]:
    """One endpoint per workload pod template (replicas share labels, so one stands for all)."""
    endpoints = []
    for obj in objects:
        template = pod_template(obj)
        if template is None:
            continue
        ports = tuple(
            Port(p["containerPort"], p.get("protocol", "TCP"), p.get("name", ""))
            for c in template["spec"].get("containers", [])
            for p in c.get("ports", [])
        )
        endpoints.append(
            Endpoint(
                name=obj["metadata"]["name"],
                namespace=obj["metadata"]["namespace"],
                labels=dict(template.get("metadata", {}).get("labels", {})),
                ports=ports,
            )
        )
    for cluster in of_kind(objects, "Cluster"):
        # CloudNativePG instance pods, one per instance (they talk to each other): the
        # operator's own labels plus spec.inheritedMetadata; ports are PostgreSQL, the instance
        # manager's status API and its metrics exporter.
        name = cluster["metadata"]["name"]
        inherited = cluster["spec"].get("inheritedMetadata", {}).get("labels", {})
        for ordinal in range(1, cluster["spec"]["instances"] + 1):
            role = "primary" if ordinal == 1 else "replica"
            endpoints.append(
                Endpoint(
                    name=f"{name}-{ordinal}",
                    namespace=cluster["metadata"]["namespace"],
                    labels={
                        **inherited,
                        "cnpg.io/cluster": name,
                        "cnpg.io/podRole": "instance",
                        "cnpg.io/instanceRole": role,
                    },
                    ports=(
                        Port(5432, name="postgresql"),
                        Port(8000, name="status"),
                        Port(9187, name="metrics"),
                    ),
                )
            )
    return endpoints
