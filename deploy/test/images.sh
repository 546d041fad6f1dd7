#!/usr/bin/env bash
# Builds, once per machine, the base images docker-compose.yml and the Dockerfile name, from
# Debian's packages (no registry is reachable): a debootstrap'd bookworm with this machine's CA
# bundle (outbound HTTPS is intercepted), then the stand-ins in images/. An image is rebuilt
# only when its recipe changes: $cache/recipes/<image> records the recipe an image ID was built
# from (for the base, BASE_RECIPE; for a stand-in, a hash of its recipe, the files it copies
# and the ID of the image it starts from).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LATENTGEN_DEPLOY_CACHE:-/var/tmp/latentgen-deploy}
S3_IMAGE=${S3_IMAGE:?S3_IMAGE names the S3 server image of docker-compose.yml}
BASE_RECIPE=bookworm-minbase-1  # change it to rebuild the base (and so every stand-in)
mkdir -p "$cache/recipes"
# wheels on this machine's disk, visible to pip inside builds (see images/pip.conf)
wheel_volumes=()
for d in /opt/wheels /opt/pypi /opt/pypi-more; do
  [ -d "$d" ] && wheel_volumes+=(--volume "$d:$d:ro")
done

record() { echo "${1//[\/:]/_}"; }
current() {  # image recipe
  local id
  id=$(podman image inspect --format '{{.Id}}' "$1" 2>/dev/null) || return 1
  [ "$(cat "$cache/recipes/$(record "$1")" 2>/dev/null)" = "$id $2" ]
}
remember() {  # image recipe
  echo "$(podman image inspect --format '{{.Id}}' "$1") $2" >"$cache/recipes/$(record "$1")"
}

base=localhost/latentgen-test/bookworm:latest
if ! current "$base" "$BASE_RECIPE"; then
  rootfs="$cache/rootfs"
  rm -rf "$rootfs" && mkdir -p "$cache"
  echo "debootstrap bookworm (minbase) into $rootfs"
  # the mirror this machine's apt is configured with (DEBIAN_MIRROR overrides; none: debootstrap's own)
  mirror=${DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)}
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
  debootstrap --variant=minbase bookworm "$rootfs" ${mirror:+"$mirror"} >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log"; exit 1; }
  # the host's extra CAs survive update-ca-certificates inside later builds; the bundle itself
  # serves until the ca-certificates package is installed
  mkdir -p "$rootfs/usr/local/share/ca-certificates" "$rootfs/etc/ssl/certs"
  cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  remember "$base" "$BASE_RECIPE"
fi

recipe_of() {  # containerfile: a hash of it, of the files it copies and of the image it starts from
  local cf=$here/images/$1
  (cat "$cf"
   awk '/^COPY/ {for (i = 2; i < NF; i++) print $i}' "$cf" | while read -r src; do cat "$here/images/$src"; done
   podman image inspect --format '{{.Id}}' "$(awk '/^FROM/ {print $2; exit}' "$cf")") | sha256sum | cut -c1-16
}
build() {  # image containerfile
  local recipe
  recipe=$(recipe_of "$2")
  current "$1" "$recipe" && return 0
  echo "building stand-in $1"
  podman build --quiet --format docker "${wheel_volumes[@]}" -f "$here/images/$2" -t "$1" "$here/images" >/dev/null
  remember "$1" "$recipe"
}
build docker.io/library/python:3.11-slim python.Containerfile
build docker.io/library/postgres:16 postgres.Containerfile
build docker.io/library/redis:7 redis.Containerfile
build "$S3_IMAGE" seaweedfs.Containerfile
podman image prune -f >/dev/null  # the stand-ins these replaced
