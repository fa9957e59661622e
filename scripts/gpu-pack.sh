#!/usr/bin/env bash
# Prepares, on this machine, what scripts/gpu-train.sh needs on a lent GPU machine (which has no
# Rust toolchain and no network): a release matfuse built with the wgpu backend (the cuda
# feature cannot be built here: cubecl-cuda downloads an LLVM bundle from GitHub while it builds),
# compressed, the data, and the Vulkan loader's Debian package (a bare machine may lack it), in
# .gpu/ (git-ignored through .git/info/exclude). The device tool carries at most 64 MiB with the
# working tree, hence the xz.
# Usage: scripts/gpu-pack.sh   then, on the device tool: carry [".gpu"], run
#   bash scripts/gpu-train.sh .gpu/matfuse.xz .gpu/data $OUT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >> .git/info/exclude
target=${CARGO_TARGET_DIR:-target}/gpu
nice cargo build --release -p backend --features wgpu --target-dir "$target"
mkdir -p .gpu/data
xz -T0 -6 -c "$target/release/matfuse" > .gpu/matfuse.xz
cp ../shared/data/mp2018/mp2018.csv.gz ../shared/data/mp2022_ehull/mp2022_ehull.csv.gz .gpu/data/
cp .matfuse/encoders/all-MiniLM-L6-v2/vocab.txt .gpu/data/
mkdir -p .gpu/gl /tmp/amd64/partial
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
apt-get "${apt[@]}" update -qq
(cd .gpu/gl && apt-get "${apt[@]}" download libvulkan1)
du -sh .gpu/matfuse.xz .gpu/data
echo "tree that travels: $(git ls-files -z | xargs -0 du -cb | tail -n 1 | cut -f1) bytes + .gpu $(du -sb .gpu | cut -f1) bytes (limit 67108864)"
