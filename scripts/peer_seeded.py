#!/usr/bin/env python3
"""Runs a peer reference script from ../shared/tools/peer with another seed: the scripts call
torch.manual_seed(0) once, before building the model and the shuffled loader; this replaces that
seed and runs the script unchanged. Used for the reference CGCNN's seed spread (RESULTS §5).

usage: peer-venv/bin/python scripts/peer_seeded.py SEED PEER_SCRIPT [ITS ARGUMENTS ...]
  e.g. peer-venv/bin/python scripts/peer_seeded.py 1 ../shared/tools/peer/cgcnn_onecycle.py \
         CGCNN_WORKTREE ../shared/data ../runs/cgcnn-ref formation_energy_per_atom 30"""
import runpy, sys

import torch

if len(sys.argv) < 3:
    sys.exit(__doc__)
seed, script = int(sys.argv[1]), sys.argv[2]
real_manual_seed = torch.manual_seed
torch.manual_seed = lambda _fixed: real_manual_seed(seed)
print(f"peer_seeded: {script} with torch.manual_seed({seed})", flush=True)
sys.argv = sys.argv[2:]
runpy.run_path(script, run_name="__main__")
