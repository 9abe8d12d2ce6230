"""Run every course notebook in order with papermill (`make course`, `make notebooks`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nbtools import REPO_ROOT, clean_notebook, course_notebooks, execute, summarize, sync_setup_cell


def main() -> None:
    """Execute the notebooks into outputs/ (or in place, cleaned, for committing)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", default="auto", choices=["auto", "gpu", "smoke"])
    parser.add_argument("--in-place", action="store_true",
                        help="overwrite the committed notebooks with the executed ones, cleaned")
    parser.add_argument("--only", nargs="*", default=None, help="notebook name prefixes, e.g. 01 04")
    args = parser.parse_args()
    if args.in_place:  # committed outputs come from the profile `make test` checks: smoke, picked by "auto"
        import torch

        if args.profile == "gpu" or torch.cuda.is_available():
            parser.error("--in-place commits smoke-profile outputs: run it on a machine without CUDA "
                         "(or with CUDA_VISIBLE_DEVICES=''), profile auto or smoke")
        args.profile = "auto"  # resolves to smoke here; nothing is injected into the committed notebooks
    out_dir = REPO_ROOT / "outputs"
    out_dir.mkdir(exist_ok=True)
    for path in course_notebooks():
        if args.only and not any(path.name.startswith(p) for p in args.only):
            continue
        sync_setup_cell(path)
        target = path if args.in_place else out_dir / path.name
        print(f"running {path.name} (profile {args.profile}) ...", flush=True)
        seconds = execute(path, target, profile=args.profile, output_dir=out_dir, progress=True)  # a per-cell bar
        clean_notebook(target)
        print(f"  done in {seconds:.0f} s -> {target.relative_to(REPO_ROOT)}", flush=True)
    print("\nRecorded results:\n" + summarize(out_dir))


if __name__ == "__main__":
    main()
