#!/usr/bin/env bash
# PostgreSQL for replicas, against a real server: starts a throwaway PostgreSQL cluster on a
# loopback port in a temporary directory (initdb as an unprivileged user), runs the store tests
# against it (`MATFUSE_TEST_DATABASE_URL`), then two `matfuse serve` replicas sharing it and one
# data directory (scripts/replicas.py check): a share made through one reads through the other,
# a training job (configs/smoke.toml on a few mp2018 rows) submitted to one runs once and its
# model answers on both, and the replica training a job, killed with `kill -9`, loses nothing.
# With LOAD=1 it then runs the two-replica load test (BENCHMARKS.md). Everything it writes is
# under one temporary directory, removed at the end with the cluster stopped.
#
#   scripts/test-postgres.sh            # after a ci-profile build (scripts/test.sh builds one)
#   LOAD=1 REQUESTS=10000 scripts/test-postgres.sh
#
# Environment: MATFUSE (the binary, default $CARGO_TARGET_DIR/ci/matfuse, built if missing),
# DATA (mp2018.csv.gz, default ../shared/data/mp2018), PGPORT (55432), STORE_TESTS (1: run the
# Rust store tests too), LOAD, REQUESTS (10000), CONCURRENCY (32). Needs PostgreSQL's initdb and
# pg_ctl (on PATH or Debian's /usr/lib/postgresql/*/bin; scripts/setup.sh's setup_postgres
# installs Debian's `postgresql` when missing) and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
MATFUSE=${MATFUSE:-$TARGET/ci/matfuse}
DATA=${DATA:-$ROOT/../shared/data/mp2018/mp2018.csv.gz}
PGPORT=${PGPORT:-55432}
VOCAB=$ROOT/.matfuse/encoders/all-MiniLM-L6-v2/vocab.txt

say() { printf '[test-postgres %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
[ -f "$DATA" ] || fail "no $DATA (the shared data)"
[ -f "$VOCAB" ] || fail "no $VOCAB (scripts/fetch-encoder.sh)"

# PostgreSQL's server binaries.
pg_bin() {
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
    else
        find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1
    fi
}
# shellcheck source=setup.sh
source "$ROOT/scripts/setup.sh" --functions
setup_postgres
PG_BIN=$(pg_bin)
[ -n "$PG_BIN" ] || fail "no PostgreSQL server binaries (initdb, pg_ctl): install postgresql"
say "$("$PG_BIN/pg_ctl" --version)"

if [ ! -x "$MATFUSE" ]; then
    say "building $MATFUSE"
    (cd "$ROOT" && cargo build --profile ci -p backend --bin matfuse)
fi

WORK=$(mktemp -d /tmp/matfuse-postgres.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/pg" "$WORK/static" "$WORK/encoder" "$WORK/data"
# initdb refuses root: the cluster belongs to an unprivileged user.
as_pg() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    chown nobody "$WORK/pg"
    as_pg() { runuser -u nobody -- "$@"; }
fi
stop() {
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop EXIT

as_pg "$PG_BIN/initdb" -D "$WORK/pg" -U matfuse --auth=trust -E UTF8 --no-sync >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log"; fail "initdb"; }
# Loopback only, socket in the cluster's directory; durability is not under test (fsync off).
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $WORK/pg -c fsync=off -c max_connections=100" start >/dev/null \
    || { cat "$WORK/pg/server.log"; fail "the PostgreSQL server did not start"; }
URL="postgres://matfuse@127.0.0.1:$PGPORT/postgres"
say "PostgreSQL on 127.0.0.1:$PGPORT"

if [ "${STORE_TESTS:-1}" = 1 ]; then
    say "store tests against PostgreSQL"
    # --workspace: the units scripts/test.sh's build already holds.
    (cd "$ROOT" && MATFUSE_TEST_DATABASE_URL=$URL cargo test --workspace --profile ci --lib -- server::storage 2>&1 \
        | grep -E '^test .*storage|^test result: .* [1-9][0-9]* passed') || fail "the store tests"
fi

echo '<!doctype html><title>matfuse</title>' >"$WORK/static/index.html"
# Jobs prune the light encoder's vocabulary from this file; no large encoder is needed.
cp "$VOCAB" "$WORK/encoder/vocab.txt"
common=(--matfuse "$MATFUSE" --database-url "$URL" --work "$WORK" --data "$DATA" --models-dir "$ROOT/models/weights")
python3 "$ROOT/scripts/replicas.py" check "${common[@]}"
if [ "${LOAD:-0}" = 1 ]; then
    python3 "$ROOT/scripts/replicas.py" load "${common[@]}" \
        --requests "${REQUESTS:-10000}" --concurrency "${CONCURRENCY:-32}"
fi
say "passed"
