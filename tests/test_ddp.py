"""scripts/train_summarizer.py runs unchanged under torchrun: two CPU processes (gloo), both train."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import REPO_ROOT as REPO

# The command notebook 04 (section 4.10) prints; this test runs exactly it.
DDP_EXAMPLE = ("torchrun --standalone --nproc_per_node 2 scripts/train_summarizer.py --profile smoke "
               "--no_quantize --max_steps 3 --output_dir runs/ddp")


def test_notebook_shows_the_tested_command() -> None:
    text = (REPO / "notebooks" / "04_qlora_phi2_dialogue_summarization.ipynb").read_text()
    assert DDP_EXAMPLE in "".join("".join(c["source"]) for c in json.loads(text)["cells"])


@pytest.mark.slow
def test_torchrun_two_cpu_ranks_both_train(tmp_path: Path) -> None:
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    out = tmp_path / "run"
    args = DDP_EXAMPLE.split()[1:]
    cmd = [torchrun, *args[:-1], str(out)]  # the example's output folder, moved under tmp_path
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
