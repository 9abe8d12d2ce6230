"""scripts/train_summarizer.py runs unchanged under torchrun: two CPU processes (gloo), both train."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_torchrun_two_cpu_ranks_both_train(tmp_path: Path) -> None:
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    out = tmp_path / "run"
    cmd = [torchrun, "--standalone", "--nproc_per_node", "2", "scripts/train_summarizer.py",
           "--profile", "smoke", "--no-quantize", "--max-steps", "3", "--output-dir", str(out)]
    proc = subprocess.run(cmd, check=False, cwd=REPO, capture_output=True, text=True, timeout=240,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [r["rank"] for r in ranks] == [0, 1]
    for r in ranks:
        assert r["world_size"] == 2 and r["steps"] == 3
    # DDP all-reduces gradients, so both ranks end with the same adapter weights
    if "adapter_checksum" in ranks[0]:
        assert ranks[0]["adapter_checksum"] == pytest.approx(ranks[1]["adapter_checksum"], rel=1e-6)
    assert (out / "adapter").exists()
