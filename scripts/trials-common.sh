# Sourced by scripts/recipe-trials.sh and scripts/molecule-trials.sh: runs `matfuse train`
# trials side by side, each in its own run directory under $runs (a finished run is reused).
# The caller sets: bin (the matfuse binary), runs, parallel, nice_level, train_args (the
# configuration and budget every trial shares) and trials ("label|--set … settings" entries).
# shellcheck shell=bash

# The run directory of the trial labelled $1.
dir_of() { echo "$runs/$(echo "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9\n' '-')"; }

# Trains one "label|settings" entry, its log beside its run directory.
run_trial() {
  local label=${1%%|*} settings=${1#*|} dir
  dir=$(dir_of "$label")
  # shellcheck disable=SC2086
  nice -n "$nice_level" "$bin" train "${train_args[@]}" $settings --run-dir "$dir" --out "$dir/bundle" --resume \
    > "$dir.log" 2>&1 || { echo "trial '$label' failed: see $dir.log" >&2; return 1; }
}

# Runs every entry of $trials, $parallel at a time, and waits for all.
run_trials() {
  mkdir -p "$runs"
  local pids=() entry pid
  for entry in "${trials[@]}"; do
    while (( $(jobs -rp | wc -l) >= parallel )); do wait -n; done
    run_trial "$entry" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

# One Markdown row per trial (scripts/trial_row.py on its best epoch).
trial_rows() {
  local entry
  for entry in "${trials[@]}"; do
    python3 scripts/trial_row.py "$(dir_of "${entry%%|*}")/checkpoint/state.json" "${entry%%|*}" "${entry#*|}" --timing
  done
}
