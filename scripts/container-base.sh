#!/usr/bin/env bash
# Make the base image deploy/docker/Dockerfile names (python:3.11.13-slim-bookworm) from Debian
# bookworm packages, because no container registry is reachable from CI. It is NOT Docker's
# official image: it is Debian's python3.11 (3.11.2 plus Debian's security fixes) with the
# official image's paths (/usr/local/bin/python3.11, python3, python, pip) as symlinks, pip
# allowed to install into /usr/local, and this machine's extra CA certificates trusted (package
# downloads may pass a TLS-inspecting proxy). Anywhere a registry is reachable, the real image
# is pulled instead and this script is not needed.
#
# Also installs what building and running the image needs: podman (with runc, since crun
# refuses the CI machines' cgroup layout), mmdebstrap, and for compose.yaml podman-compose
# with the CNI dnsname plugin (service names resolve on the stack's network).
# The root filesystem is cached as var/container/base-<key>.tar, keyed by this script and the
# extra CA certificates, so a warm run only imports it (or does nothing at all).
# Usage: scripts/container-base.sh   (as root; prints the image name)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-apt.sh podman:podman runc:runc mmdebstrap:mmdebstrap \
  podman-compose:podman-compose /usr/lib/cni/dnsname:golang-github-containernetworking-plugin-dnsname
export CONTAINERS_CONF="$PWD/deploy/docker/containers.conf"
# The container tests run on two pytest workers: one makes the image, the other waits for it.
mkdir -p var/container
exec 9>var/container/.lock
flock 9

base=$(awk 'toupper($1) == "FROM" { print $2; exit }' deploy/docker/Dockerfile)
shopt -s nullglob
extra_cas=(/usr/local/share/ca-certificates/*.crt)
key=$(cat "$0" "${extra_cas[@]}" | sha256sum | cut -c1-16)
label=org.gravl.base-image-key
if [ "$(podman image inspect --format "{{ index .Labels \"$label\" }}" "$base" 2>/dev/null)" = "$key" ]; then
  echo "$base"
  exit 0
fi

tarball=var/container/base-$key.tar
if [ ! -f "$tarball" ]; then
  rm -f var/container/base-*.tar  # an older key's root filesystem
  cas=$(mktemp -d)
  trap 'rm -rf "$cas"' EXIT
  [ ${#extra_cas[@]} -eq 0 ] || cp "${extra_cas[@]}" "$cas/"
  sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources="deb http://deb.debian.org/debian bookworm main"
  # minbase (like debian:bookworm-slim) plus what the official image has: python3.11, pip,
  # CA certificates, time zones; passwd for the Dockerfile's useradd. The host's apt sources
  # (deb.debian.org, bookworm, -updates, -security) go into the image for its apt-get.
  mmdebstrap --quiet --mode=root --format=tar --variant=minbase \
    --include=python3.11,python3-pip,ca-certificates,netbase,tzdata,passwd \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="cp -r $cas/. \"\$1/usr/local/share/ca-certificates/\"" \
    --customize-hook='chroot "$1" update-ca-certificates >/dev/null 2>&1' \
    --customize-hook='for name in python3.11 python3 python; do ln -s /usr/bin/python3.11 "$1/usr/local/bin/$name"; done' \
    --customize-hook='for name in pip pip3 pip3.11; do ln -s /usr/bin/pip3 "$1/usr/local/bin/$name"; done' \
    --customize-hook='rm "$1/usr/lib/python3.11/EXTERNALLY-MANAGED"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$tarball.partial" "$sources"
  mv "$tarball.partial" "$tarball"
fi
# SSL_CERT_FILE: uv and Python's ssl then use Debian's store, which holds the extra CAs.
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
  --change "LABEL $label=$key" \
  --change 'LABEL org.opencontainers.image.description=Debian bookworm python3.11 standing in for the official python image (scripts/container-base.sh)' \
  --change 'CMD ["python3"]' \
  "$tarball" "$base" >/dev/null
echo "$base"
