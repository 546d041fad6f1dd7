#!/bin/sh
# Protected mode off first, so the compose file's own arguments still override it.
set -e
if [ "$1" = redis-server ]; then shift; exec /usr/bin/redis-server --protected-mode no "$@"; fi
exec "$@"
