"""Make the course's two small synthetic data sets, deterministically.

    python data/make_data.py             # (re)writes data/dialogsum/ and data/sentiment/
    python data/make_data.py --out DIR   # writes DIR/dialogsum/ and DIR/sentiment/ instead

Standard library only (and helpers/text.py, which is too). Every sentence comes from templates and
phrase banks written for this course (no text copied from any corpus): data/make_dialogsum.py and
data/make_sentiment.py. Each set has its own `random.Random` seeded from SEED, so changing one
generator leaves the other set byte-identical, and every machine writes the same files.
See data/README.md for the datasheet.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the two generators sit beside this script
from make_dialogsum import make_dialogsum
from make_sentiment import make_sentiment

SEED = 20240611

# --------------------------------------------------------------------------------------------
def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="folder that receives dialogsum/ and sentiment/ (default: data/)")
    args = parser.parse_args(argv)
    sets = {"dialogsum": make_dialogsum(random.Random(SEED)),
            "sentiment": make_sentiment(random.Random(SEED + 1))}
    for name, splits in sets.items():
        for split, rows in splits.items():
            path = args.out / name / f"{split}.jsonl"
            write_jsonl(path, rows)
            print(f"wrote {len(rows):5d} rows to {path}")


if __name__ == "__main__":
    main()
