#!/usr/bin/env bash
# Builds, once per machine, the base images docker-compose.yml and the Dockerfile name, from
# Debian's packages (no registry is reachable): a debootstrap'd bookworm with this machine's CA
# bundle (outbound HTTPS is intercepted), then the stand-ins in images/. An image is rebuilt
# only when its recipe changes (label latentgen.recipe: a hash of this script, and for the
# stand-ins of images/ too).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LATENTGEN_DEPLOY_CACHE:-/var/tmp/latentgen-deploy}
S3_IMAGE=${S3_IMAGE:?S3_IMAGE names the S3 server image of docker-compose.yml}
base_recipe=$(sha256sum <"$here/images.sh" | cut -c1-16)
recipe=$(cat "$here/images.sh" "$here"/images/* | sha256sum | cut -c1-16)
# wheels on this machine's disk, visible to pip inside builds (see images/pip.conf)
wheel_volumes=()
for d in /opt/wheels /opt/pypi /opt/pypi-more; do
  [ -d "$d" ] && wheel_volumes+=(--volume "$d:$d:ro")
done

current() {  # image recipe
  [ "$(podman image inspect --format '{{ index .Labels "latentgen.recipe" }}' "$1" 2>/dev/null)" = "$2" ]
}

base=localhost/latentgen-test/bookworm:latest
if ! current "$base" "$base_recipe"; then
  rootfs="$cache/rootfs"
  rm -rf "$rootfs" && mkdir -p "$cache"
  echo "debootstrap bookworm (minbase) into $rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log"; exit 1; }
  # the host's extra CAs survive update-ca-certificates inside later builds; the bundle itself
  # serves until the ca-certificates package is installed
  mkdir -p "$rootfs/usr/local/share/ca-certificates" "$rootfs/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change "LABEL latentgen.recipe=$base_recipe" \
    --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
fi

build() {  # image containerfile
  current "$1" "$recipe" && return 0
  echo "building stand-in $1"
  podman build --quiet --format docker --label "latentgen.recipe=$recipe" "${wheel_volumes[@]}" \
    -f "$here/images/$2" -t "$1" "$here/images" >/dev/null
}
build docker.io/library/python:3.11-slim python.Containerfile
build docker.io/library/postgres:16 postgres.Containerfile
build docker.io/library/redis:7 redis.Containerfile
build "$S3_IMAGE" seaweedfs.Containerfile
