#!/usr/bin/env bash
# Build CI's stand-in for the PostgreSQL image compose.yaml names, from Debian's postgresql-15
# (deploy/docker/ci-postgres/Containerfile says what it is and is not). Needs the base image
# scripts/container-base.sh makes; podman's layer cache makes a second run take a second.
# Usage: scripts/container-postgres.sh   (as root; prints the image name)
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deploy/docker/containers.conf"
image=$(awk '$1 == "image:" && $2 ~ /postgres/ { print $2; exit }' compose.yaml)
podman build --quiet --format docker --pull=never --network host --tag "$image" \
  deploy/docker/ci-postgres >/dev/null
echo "$image"
