"""Network policies evaluated as a reachability graph (OPERATIONS.md "network policies").

The pods are the rendered workloads (one endpoint per pod template, CloudNativePG instances
from the Cluster) plus the neighbours Gravl meets in a real cluster: ingress-nginx, Prometheus,
kube-dns, the CNPG operator, cert-manager's HTTP-01 solver, a stray pod in Gravl's namespace,
a stranger in another namespace, and addresses outside the pod network.
"""

from __future__ import annotations

import pytest

from tests.ops.k8s_support import (
    Endpoint,
    NetworkModel,
    Obj,
    Port,
    of_kind,
    rendered,
    workload_endpoints,
)

APP_NAMESPACE = {"overlays/staging": "gravl-staging", "overlays/production": "gravl"}
# The database's pods: staging's StatefulSet, production's CNPG primary and two replicas.
DATABASE_PODS = {
    "overlays/staging": {"postgres"},
    "overlays/production": {"gravl-db-1", "gravl-db-2", "gravl-db-3"},
}
DNS = {("kube-dns", 53, "UDP"), ("kube-dns", 53, "TCP")}


def neighbours(app_ns: str) -> list[Endpoint]:
    return [
        Endpoint(
            "ingress-nginx",
            "ingress-nginx",
            {
                "app.kubernetes.io/name": "ingress-nginx",
                "app.kubernetes.io/component": "controller",
            },
            (Port(80), Port(443)),
        ),
        Endpoint(
            "prometheus", "monitoring", {"app.kubernetes.io/name": "prometheus"}, (Port(9090),)
        ),
        Endpoint("grafana", "monitoring", {"app.kubernetes.io/name": "grafana"}, (Port(3000),)),
        Endpoint(
            "kube-dns",
            "kube-system",
            {"k8s-app": "kube-dns"},
            (Port(53, "UDP", "dns"), Port(53, "TCP", "dns-tcp")),
        ),
        Endpoint(
            "cnpg-operator",
            "cnpg-system",
            {"app.kubernetes.io/name": "cloudnative-pg"},
            (Port(9443),),
        ),
        Endpoint(
            "acme-solver",
            app_ns,
            {"acme.cert-manager.io/http01-solver": "true"},
            (Port(8089, name="http"),),
        ),
        # Someone's `kubectl run debug` in Gravl's namespace: default deny must hold it.
        Endpoint("stray", app_ns, {"run": "debug"}, (Port(8080),)),
        # Even a pod that copies Gravl's name label, but not a component, gets nothing.
        Endpoint("impostor", app_ns, {"app.kubernetes.io/name": "gravl"}, (Port(8000),)),
        Endpoint("stranger", "other", {"app": "stranger"}, (Port(8080),)),
        Endpoint("stranger-copycat", "other", {"app.kubernetes.io/component": "backend"}, ()),
        Endpoint("object-store", None, ports=(Port(443),), ip="198.51.100.7"),
        Endpoint("internet", None, ports=(Port(80), Port(443), Port(5432)), ip="203.0.113.9"),
    ]


def build_model(overlay: str) -> NetworkModel:
    objects = rendered(overlay)
    app_ns = APP_NAMESPACE[overlay]
    namespaces = {
        n["metadata"]["name"]: n["metadata"].get("labels", {})
        for n in of_kind(objects, "Namespace")
    }
    for extra in ("ingress-nginx", "kube-system", "cnpg-system", "other"):
        namespaces.setdefault(extra, {})
    return NetworkModel(
        of_kind(objects, "NetworkPolicy"),
        namespaces,
        workload_endpoints(objects) + neighbours(app_ns),
    )


@pytest.fixture(scope="module", params=sorted(APP_NAMESPACE))
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def model(overlay: str) -> NetworkModel:
    return build_model(overlay)


def test_namespace_denies_by_default(model: NetworkModel, overlay: str) -> None:
    default = [
        p
        for p in model.policies
        if p["metadata"]["namespace"] == APP_NAMESPACE[overlay] and p["spec"]["podSelector"] == {}
    ]
    assert default and set(default[0]["spec"]["policyTypes"]) == {"Ingress", "Egress"}
    assert not default[0]["spec"].get("ingress") and not default[0]["spec"].get("egress")


@pytest.mark.parametrize("client", ["gravl-backend", "gravl-migrate", "gravl-backup"])
def test_database_clients_reach_the_database_and_dns_only(
    model: NetworkModel, overlay: str, client: str
) -> None:
    expected = {(pod, 5432, "TCP") for pod in DATABASE_PODS[overlay]} | DNS
    if client == "gravl-backup":
        # Its success time, for alert BackupTooOld.
        expected.add(("pushgateway", 9091, "TCP"))
    assert model.reachable_from(model.by_name(client)) == expected


def test_only_gravl_workloads_reach_the_database(model: NetworkModel, overlay: str) -> None:
    clients = {"gravl-backend", "gravl-migrate", "gravl-backup"}
    if overlay.endswith("production"):
        # CNPG's operator, and the instances themselves for streaming replication.
        clients |= {"cnpg-operator"} | DATABASE_PODS[overlay]
    for pod in DATABASE_PODS[overlay]:
        database = model.by_name(pod)
        sql = next(p for p in database.ports if p.number == 5432)
        assert model.callers_of(database, sql) == clients - {pod}, pod
        for port in database.ports:
            callers = model.callers_of(database, port)
            if port.name == "metrics":
                # CNPG's exporter, scraped by Prometheus: the monitoring namespace only.
                assert all(model.by_name(c).namespace == "monitoring" for c in callers), callers
            else:
                assert callers <= clients - {pod}, (pod, port)


def test_database_egress_is_dns_and_its_own_cluster(model: NetworkModel, overlay: str) -> None:
    for pod in DATABASE_PODS[overlay]:
        reached = model.reachable_from(model.by_name(pod))
        if overlay.endswith("staging"):
            assert reached == DNS
            continue
        peers = {(p, port, "TCP") for p in DATABASE_PODS[overlay] - {pod} for port in (5432, 8000)}
        # WAL archiving (object store) and the Kubernetes API lie outside the pod network.
        outside = {("object-store", 443, "TCP"), ("internet", 443, "TCP")}
        assert reached == DNS | peers | outside, pod


def test_metrics_port_is_reachable_from_monitoring_only(model: NetworkModel) -> None:
    backend = model.by_name("gravl-backend")
    metrics = next(p for p in backend.ports if p.name == "metrics")
    callers = model.callers_of(backend, metrics)
    assert "prometheus" in callers
    assert all(model.by_name(c).namespace == "monitoring" for c in callers), callers


def test_ingress_controller_reaches_the_api_but_not_the_database(
    model: NetworkModel, overlay: str
) -> None:
    nginx = model.by_name("ingress-nginx")
    reached = model.reachable_from(nginx)
    assert ("gravl-backend", 8000, "TCP") in reached
    assert ("gravl-backend", 3001, "TCP") not in reached
    assert not {r for r in reached if r[0] in DATABASE_PODS[overlay]}
    app_targets = {r for r in reached if model.by_name(r[0]).namespace == APP_NAMESPACE[overlay]}
    expected = {("gravl-backend", 8000, "TCP")}
    if overlay.endswith("production"):
        expected.add(("acme-solver", 8089, "TCP"))
    assert app_targets == expected


@pytest.mark.parametrize("outsider", ["stranger", "stranger-copycat", "internet"])
def test_outsiders_reach_nothing_in_the_app_namespace(
    model: NetworkModel, overlay: str, outsider: str
) -> None:
    reached = model.reachable_from(model.by_name(outsider))
    assert not {r for r in reached if model.by_name(r[0]).namespace == APP_NAMESPACE[overlay]}


@pytest.mark.parametrize("pod", ["stray", "impostor"])
def test_unlisted_pods_in_the_app_namespace_are_isolated(model: NetworkModel, pod: str) -> None:
    endpoint = model.by_name(pod)
    assert model.reachable_from(endpoint) == set()
    assert all(not model.callers_of(endpoint, port) for port in endpoint.ports)


def test_pushgateway_takes_pushes_from_backup_jobs_only(model: NetworkModel) -> None:
    gateway = model.by_name("pushgateway")
    callers = model.callers_of(gateway, gateway.ports[0])
    outside_monitoring = {c for c in callers if model.by_name(c).namespace != "monitoring"}
    assert outside_monitoring == {"gravl-backup"}
    assert "prometheus" in callers


def test_loki_accepts_the_monitoring_namespace_only(model: NetworkModel) -> None:
    loki = model.by_name("loki")
    http = next(p for p in loki.ports if p.name == "http")
    callers = model.callers_of(loki, http)
    assert {"promtail", "grafana"} <= callers
    assert all(model.by_name(c).namespace == "monitoring" for c in callers), callers


# --- the evaluator itself -------------------------------------------------------------------


def policy(ns: str, spec: Obj) -> Obj:
    return {"kind": "NetworkPolicy", "metadata": {"name": "p", "namespace": ns}, "spec": spec}


A = Endpoint("a", "ns1", {"role": "a"}, (Port(80, name="web"),))
B = Endpoint("b", "ns2", {"role": "b"}, (Port(80, name="web"), Port(53, "UDP")))


def test_evaluator_without_policies_allows_everything() -> None:
    model = NetworkModel([], {"ns1": {}, "ns2": {}}, [A, B])
    assert model.reachable_from(A) == {("b", 80, "TCP"), ("b", 53, "UDP")}


def test_evaluator_policy_types_default_to_ingress() -> None:
    only_ingress = policy("ns2", {"podSelector": {}})
    model = NetworkModel([only_ingress], {"ns1": {}, "ns2": {}}, [A, B])
    assert model.reachable_from(A) == set()
    assert model.reachable_from(B) == {("a", 80, "TCP")}


def test_evaluator_namespace_and_pod_selector_in_one_peer_are_anded() -> None:
    peer_and = {
        "from": [
            {
                "namespaceSelector": {"matchLabels": {"team": "x"}},
                "podSelector": {"matchLabels": {"role": "z"}},
            }
        ]
    }
    peer_or = {
        "from": [
            {"namespaceSelector": {"matchLabels": {"team": "x"}}},
            {"podSelector": {"matchLabels": {"role": "z"}}},
        ]
    }
    namespaces = {"ns1": {"team": "x"}, "ns2": {}}
    anded = NetworkModel(
        [policy("ns2", {"podSelector": {}, "ingress": [peer_and]})], namespaces, [A, B]
    )
    ored = NetworkModel(
        [policy("ns2", {"podSelector": {}, "ingress": [peer_or]})], namespaces, [A, B]
    )
    assert anded.reachable_from(A) == set()
    assert ored.reachable_from(A) == {("b", 80, "TCP"), ("b", 53, "UDP")}


def test_evaluator_ports_protocols_and_named_ports() -> None:
    rule = {"ports": [{"protocol": "TCP", "port": "web"}]}
    model = NetworkModel(
        [policy("ns2", {"podSelector": {}, "ingress": [rule]})], {"ns1": {}, "ns2": {}}, [A, B]
    )
    assert model.reachable_from(A) == {("b", 80, "TCP")}
    egress = policy(
        "ns1",
        {
            "podSelector": {
                "matchExpressions": [{"key": "role", "operator": "In", "values": ["a"]}]
            },
            "policyTypes": ["Egress"],
            "egress": [{"ports": [{"protocol": "UDP", "port": 53}]}],
        },
    )
    model = NetworkModel([egress], {"ns1": {}, "ns2": {}}, [A, B])
    assert model.reachable_from(A) == {("b", 53, "UDP")}


def test_evaluator_ip_blocks_match_external_addresses_only() -> None:
    outside = Endpoint("outside", None, ports=(Port(443),), ip="198.51.100.7")
    egress = policy(
        "ns1",
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["198.51.100.0/24"]}}]}],
        },
    )
    model = NetworkModel([egress], {"ns1": {}, "ns2": {}}, [A, B, outside])
    assert model.reachable_from(A) == set()
    egress["spec"]["egress"][0]["to"][0]["ipBlock"].pop("except")
    assert model.reachable_from(A) == {("outside", 443, "TCP")}
