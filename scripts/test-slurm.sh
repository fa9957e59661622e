#!/usr/bin/env bash
# The Slurm path of `matfuse screen` on a real Slurm: installs Debian's slurm-wlm and munge,
# configures a single-node cluster on localhost, runs deploy/slurm/screen.sbatch as an array job
# over ROWS structures of mp2018's test split, requeues one task while it is writing (Slurm
# kills it and runs it again), merges in a dependent job (deploy/slurm/merge.sbatch) and
# compares the merged table with one process's, row for row. Needs root on Debian/Ubuntu; not
# part of CI. Everything it writes is under WORK; the daemons are stopped at the end.
#
#   MATFUSE=target/release/matfuse scripts/test-slurm.sh
#
# Environment: MATFUSE (the binary), MODEL (default models/weights/browser), DATA (a table with
# a `split` column, default /work/shared/data/mp2018/mp2018.csv.gz), ROWS (2000), SHARDS (8),
# KILL (the task requeued, 3), WORK (/tmp/matfuse-slurm-test).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MATFUSE=$(realpath "${MATFUSE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/matfuse}")
MODEL=$(realpath "${MODEL:-$ROOT/models/weights/browser}")
DATA=${DATA:-/work/shared/data/mp2018/mp2018.csv.gz}
ROWS=${ROWS:-2000}
SHARDS=${SHARDS:-8}
KILL=${KILL:-3}
WORK=${WORK:-/tmp/matfuse-slurm-test}

say() { printf '[test-slurm %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { say "FAILED: $*"; exit 1; }
[ "$(id -u)" = 0 ] || fail "run as root (it installs packages and starts slurmctld, slurmd, munged)"
[ -x "$MATFUSE" ] || fail "no matfuse binary at $MATFUSE (cargo build --release -p backend, or set MATFUSE)"

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    say "installing slurm-wlm and munge"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slurm-wlm munge >/dev/null
fi
say "$(slurmctld -V), $(munged --version 2>&1 | head -1 | awk '{print $1}')"

rm -rf "$WORK"
mkdir -p "$WORK"/{state,spool,log,inputs,whole,results}
chmod 755 "$WORK"

# munge: a key, and the daemon (as the munge user, as Debian runs it).
if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
mkdir -p /run/munge && chown munge:munge /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- munged
munge -n | unmunge >/dev/null || fail "munge does not work"

# One node: this host, its CPUs, on loopback; no accounting, no cgroups (containers lack them).
NODE=$(hostname -s)
CPUS=$(nproc)
MEMORY=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
mkdir -p /etc/slurm
cat >/etc/slurm/slurm.conf <<CONF
ClusterName=matfuse-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobRequeue=1
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
SchedulerParameters=defer
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEMORY State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF

stop() {
    scontrol shutdown >/dev/null 2>&1 || true
    sleep 1
}
trap stop EXIT
stop
slurmctld -c
slurmd
for _ in $(seq 60); do
    sinfo -h -o %T 2>/dev/null | grep -qx idle && break
    sleep 1
done
sinfo -h -o %T | grep -qx idle || fail "the node did not come up (see $WORK/log)"
say "single-node cluster up: $NODE, $CPUS CPUs"

# Inputs: the first ROWS rows of the test split, as two gzip-compressed tables.
python3 - "$DATA" "$ROWS" "$WORK/inputs" <<'PY'
import csv, gzip, sys
source, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
csv.field_size_limit(1 << 30)
with gzip.open(source, "rt", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    split = header.index("split")
    test = [row for row in reader if row[split] == "test"][:rows]
half = len(test) // 2
for name, part in (("part-a.csv.gz", test[:half]), ("part-b.csv.gz", test[half:])):
    with gzip.open(f"{out}/{name}", "wt", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(part)
print(f"{len(test)} test rows")
PY
INPUT="$WORK/inputs/*.csv.gz"

say "one process: all rows"
start=$(date +%s)
"$MATFUSE" screen --model "$MODEL" --input "$INPUT" --out "$WORK/whole"
"$MATFUSE" screen merge --out "$WORK/whole" --sort-by predicted_band_gap --descending
say "one process took $(($(date +%s) - start)) s"

say "array job: $SHARDS tasks of 1 CPU"
start=$(date +%s)
cd "$WORK"
ARRAY=$(sbatch --parsable --array=0-$((SHARDS - 1)) --cpus-per-task=1 --mem=1G \
    --export=ALL,MATFUSE="$MATFUSE",MODEL="$MODEL",INPUT="$INPUT",OUT="$WORK/results" \
    "$ROOT/deploy/slurm/screen.sbatch")
MERGE=$(sbatch --parsable --dependency=afterok:"$ARRAY" --mem=1G \
    --export=ALL,MATFUSE="$MATFUSE",OUT="$WORK/results",SORT_BY=predicted_band_gap,DESCENDING=1 \
    "$ROOT/deploy/slurm/merge.sbatch")
say "array job $ARRAY, merge job $MERGE (afterok)"

# Requeue task KILL while it is writing its result: Slurm kills it and runs it again.
PARTIAL=$(printf '%s/results/shard-%04d-of-%04d.csv.gz.partial' "$WORK" "$KILL" "$SHARDS")
for _ in $(seq 1200); do
    [ -e "$PARTIAL" ] && break
    sleep 0.5
done
[ -e "$PARTIAL" ] || fail "task $KILL never started writing"
scontrol requeue "${ARRAY}_${KILL}"
# A requeued job waits out a begin-time delay once it is pending again; let it start now.
for _ in $(seq 60); do
    scontrol show job "${ARRAY}_${KILL}" | grep -q 'JobState=PENDING' && break
    sleep 1
done
scontrol update JobId="${ARRAY}_${KILL}" StartTime=now
say "task ${ARRAY}_${KILL} requeued while writing $(basename "$PARTIAL")"

job_state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
while true; do
    state=$(job_state "$MERGE")
    case "$state" in
    COMPLETED) break ;;
    FAILED | CANCELLED | TIMEOUT | OUT_OF_MEMORY | NODE_FAIL) fail "merge job $state: $(cat "$WORK"/merge-*.out)" ;;
    esac
    if squeue -h -j "$MERGE" -o %r 2>/dev/null | grep -q DependencyNeverSatisfied; then
        fail "a task failed: $(tail -n 3 "$WORK"/screen-*.out)"
    fi
    sleep 2
done
say "array job and merge done in $(($(date +%s) - start)) s"
grep -h "rows" "$WORK"/screen-"$ARRAY"_*.out | sort
cat "$WORK"/merge-*.out
scontrol show job "${ARRAY}_${KILL}" | grep -o 'Restarts=[0-9]*'

if cmp <(zcat "$WORK/whole/merged.csv.gz") <(zcat "$WORK/results/merged.csv.gz"); then
    say "PASS: the merged array job equals one process row for row ($(zcat "$WORK/results/merged.csv.gz" | python3 -c 'import csv,sys; csv.field_size_limit(1<<30); print(sum(1 for _ in csv.reader(sys.stdin)) - 1)') rows)"
else
    fail "the merged array job differs from one process"
fi
