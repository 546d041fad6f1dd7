#!/usr/bin/env bash
# The deployment test (`make test-deploy`): docker-compose.yml and the Dockerfile, built and run
# for real with podman and podman-compose, as a user would with `docker compose up -d --build`.
#   1. needs podman, runc, debootstrap (.ci/run installs them); podman-compose in a venv of its own
#   2. builds the base images the project's files name, locally (images.sh: no registry here)
#   3. builds the project's image from its Dockerfile (torch from PyPI's index; the machine's
#      wheel directories are mounted into the build, so torch is read from disk); prints its size
#   4. starts the whole compose project with LATENTGEN_ENV=production and generated secrets,
#      waits for every health check and both one-shot services
#   5. creates a key with the documented command; over HTTP on the published port: a data set,
#      a train, a probe and a repair job, the repaired weights downloaded (journey.py)
#   6. kills the worker container mid-job (SIGKILL to its main process); the restart policy
#      brings it back; the job must still end once, succeeded
#   7. down -v (also on failure, after printing the containers' logs)
# Layers and base images stay in podman's store, so a second run rebuilds only what changed.
# PY: a Python with the project installed (the journey uses latentgen_cli.client); default .venv.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PY=${PY:-$root/.venv/bin/python}
export LATENTGEN_DEPLOY_CACHE=${LATENTGEN_DEPLOY_CACHE:-/var/tmp/latentgen-deploy}
# runc (crun fails on this machine's hybrid cgroup layout) and limits it can grant
export CONTAINERS_CONF=$root/deploy/test/containers.conf
project=latentgen-deploy-test
t0=$SECONDS
step() { printf '[test-deploy %4ds] %s\n' $((SECONDS - t0)) "$*"; }

# 1. tools (.ci/run installs them)
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install podman runc debootstrap"; exit 1; }
done
compose_venv=$LATENTGEN_DEPLOY_CACHE/compose-venv
if [ ! -x "$compose_venv/bin/podman-compose" ]; then
  step "installing podman-compose"
  mkdir -p "$LATENTGEN_DEPLOY_CACHE"
  "$PY" -m venv "$compose_venv"
  "$compose_venv/bin/pip" install -q "podman-compose==1.6.0"
fi
compose() { "$compose_venv/bin/podman-compose" -p "$project" -f "$root/docker-compose.yml" "$@"; }
wheel_volumes=()
for d in /opt/wheels /opt/pypi /opt/pypi-more; do
  [ -d "$d" ] && wheel_volumes+=(--volume "$d:$d:ro")
done

# 2. base images, named as docker-compose.yml and the Dockerfile name them
s3_image=$("$PY" -c 'import yaml; print(yaml.safe_load(open("docker-compose.yml"))["services"]["s3"]["image"])')
step "base images (stand-ins for python:3.11-slim, postgres:16, redis:7, $s3_image)"
S3_IMAGE=docker.io/$s3_image deploy/test/images.sh

# 3. the project's image
step "building the project's image"
build_started=$SECONDS
podman build --quiet --format docker "${wheel_volumes[@]}" \
  -t localhost/latentgen:latest . >/dev/null
size=$(podman image inspect --format '{{.Size}}' localhost/latentgen:latest)
step "image latentgen:latest built in $((SECONDS - build_started))s: $((size / 1000000)) MB (PyPI's torch is the CUDA build)"
podman run --rm --no-healthcheck localhost/latentgen:latest sh -c '
  [ "$(id -u)" != 0 ] || { echo "the image runs as root"; exit 1; }
  command -v latentgen >/dev/null || { echo "no latentgen CLI in the image"; exit 1; }
  for c in gcc cc c++ g++ make; do command -v $c >/dev/null && { echo "compiler left behind: $c"; exit 1; }; done
  latentgen --help >/dev/null'
step "image: non-root, latentgen CLI inside, no compiler"

# 4. the stack, as in production: secrets from the environment, none of the defaults
export LATENTGEN_ENV=production
POSTGRES_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
S3_ACCESS_KEY=deploy-test
S3_SECRET_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
LATENTGEN_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export POSTGRES_PASSWORD S3_ACCESS_KEY S3_SECRET_KEY LATENTGEN_PORT
url=http://127.0.0.1:$LATENTGEN_PORT
work=$(mktemp -d)
finish() {
  rc=$?
  if [ $rc -ne 0 ]; then
    for c in $(podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'); do
      echo "----- $c (last 40 lines)"; podman logs --tail 40 "$c" 2>&1 || true
    done
  fi
  compose down -v >/dev/null 2>&1 || true
  rm -rf "$work"
  step "down -v; $( [ $rc -eq 0 ] && echo passed || echo "FAILED ($rc)" ) in $((SECONDS - t0))s"
}
trap finish EXIT
trap 'exit 143' INT TERM
compose down -v >/dev/null 2>&1 || true  # leftovers of an interrupted run
step "compose up (LATENTGEN_ENV=production, port $LATENTGEN_PORT)"
# --no-deps: podman 4.3 (Debian 12) cannot start a container whose --requires dependencies have
# dependencies of their own; the containers are still created and started in dependency order,
# the one-shots retry until what they need answers, and the health checks are waited for below
compose up -d --no-build --no-deps >"$work/up.log" 2>&1 || { cat "$work/up.log"; exit 1; }

container() { podman ps -a --filter "label=io.podman.compose.project=$project" \
                --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -n1; }
# podman runs health checks from systemd timers, which this machine lacks: run them here
wait_healthy() {
  local deadline=$((SECONDS + 600)) c
  for svc in "$@"; do
    c=$(container "$svc")
    until podman healthcheck run "$c" >/dev/null 2>&1; do
      [ $SECONDS -lt $deadline ] || { echo "$svc ($c) is not healthy"; exit 1; }
      sleep 2
    done
  done
}
wait_completed() {
  local deadline=$((SECONDS + 600)) c
  for svc in "$@"; do
    c=$(container "$svc")
    until [ "$(podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$c")" = "exited 0" ]; do
      [ $SECONDS -lt $deadline ] || { echo "$svc ($c) did not complete"; exit 1; }
      sleep 2
    done
  done
}
wait_healthy postgres redis s3
wait_completed migrate createbucket
wait_healthy api worker
step "healthy: postgres redis s3 api worker; migrate and createbucket exited 0"

# 5. the documented key command, then the journey over the published port
# (podman-compose gives `run` a terminal, so the key's stderr note arrives on stdout too)
key=$(compose run --rm api latentgen create-key --owner deploy-test 2>/dev/null | tr -d '\r' \
      | grep -E '^lg_[0-9a-f]{8}_' || true)
[ "$(echo "$key" | wc -w)" = 1 ] || { echo "create-key printed no single key: '$key'"; exit 1; }
step "key created; journey: data set, train, probe, repair, weights"
PYTHONPATH=$root "$PY" deploy/test/journey.py "$url" "$key" main "$work"

# 6. the worker container killed mid-job
job=$(PYTHONPATH=$root "$PY" deploy/test/journey.py "$url" "$key" start-long "$(cat "$work/dataset_id")")
worker=$(container worker)
restarts=$(podman inspect --format '{{.RestartCount}}' "$worker")
step "job $job is training; killing the worker container's main process (as the OOM killer would)"
# SIGKILL from outside: `podman kill` or `stop` would count as a user's stop, which no restart
# policy undoes
kill -KILL "$(podman inspect --format '{{.State.Pid}}' "$worker")"
deadline=$((SECONDS + 300))
until [ "$(podman inspect --format '{{.RestartCount}} {{.State.Running}}' "$worker")" = "$((restarts + 1)) true" ]; do
  [ $SECONDS -lt $deadline ] || { echo "the restart policy did not bring the worker back"; exit 1; }
  sleep 1
done
wait_healthy worker
step "worker back (restart policy); waiting for the job to end"
if ! PYTHONPATH=$root "$PY" deploy/test/journey.py "$url" "$key" ended-once "$job"; then
  redis=$(container redis)
  echo "broker: $(podman exec "$redis" redis-cli hlen unacked) unacknowledged message(s) (redelivered" \
       "after LATENTGEN_VISIBILITY_TIMEOUT_S), queues latentgen/gpu:" \
       "$(podman exec "$redis" redis-cli llen latentgen)/$(podman exec "$redis" redis-cli llen gpu)"
  exit 1
fi
