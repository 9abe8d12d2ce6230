"""One execution per notebook serves both checks: the recorded results (tests/test_nb0*) and here
the regression check of deterministic outputs (cells tagged nbval-check-output) against the
committed notebook, sanitized with tests/nbval_sanitize.cfg. Runs after the results tests, so the
session's cached execution is reused (file order)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbtools import CHECK_TAG, checked_output_diffs, course_notebooks


@pytest.mark.notebook
@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.stem)
def test_checked_outputs_match_committed(path: Path, run_notebook, run_dir: Path) -> None:
    run_notebook(path.stem)
    problems = checked_output_diffs(path, run_dir / path.name)
    assert not problems, "deterministic outputs changed:\n\n" + "\n\n".join(problems)


def test_the_check_catches_a_changed_output(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)", metadata={"tags": [CHECK_TAG]}, outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="took 3.2 s at 0x7f00ab\n42\n")]),
                nbformat.v4.new_code_cell("print(2)", outputs=[
                    nbformat.v4.new_output("stream", name="stdout", text="unchecked\n")])]
    committed, executed = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(nb, committed)
    nb.cells[0].outputs[0].text = "took 9.9 s at 0x7f11cd\n42\n"  # timings and addresses are sanitized
    nb.cells[1].outputs[0].text = "anything\n"  # not a checked cell
    nbformat.write(nb, executed)
    assert checked_output_diffs(committed, executed) == []
    nb.cells[0].outputs[0].text = "took 9.9 s at 0x7f11cd\n43\n"
    nbformat.write(nb, executed)
    assert len(checked_output_diffs(committed, executed)) == 1


def test_the_check_ignores_how_the_kernel_chunked_a_stream(tmp_path: Path) -> None:
    """CI once failed because one print arrived as two stdout chunks (and stderr can land between
    them); a reader sees the same text, so the check must too. It still sees a changed word."""
    def stream(name: str, text: str) -> nbformat.NotebookNode:
        return nbformat.v4.new_output("stream", name=name, text=text)

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print(1)", metadata={"tags": [CHECK_TAG]}, outputs=[
        stream("stderr", "kept 150 rows\n"), stream("stdout", "150 dialogues\n   words  ROUGE-L\n")])]
    committed, executed = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    nbformat.write(nb, committed)
    nb.cells[0].outputs = [stream("stdout", "150 dialogues\n"), stream("stderr", "kept 150 rows\n"),
                           stream("stdout", "   words  ROUGE-L\n")]
    nbformat.write(nb, executed)
    assert checked_output_diffs(committed, executed) == []
    nb.cells[0].outputs[2] = stream("stdout", "   words  ROUGE-1\n")
    nbformat.write(nb, executed)
    assert len(checked_output_diffs(committed, executed)) == 1


def test_each_kernel_gets_its_own_sockets() -> None:
    """Two pytest workers start kernels in the same folder at the same moment: with jupyter_client's default
    IPC path ("kernel-ipc" in the working directory) they took the same sockets and a notebook run died."""
    from nbtools import _local_kernel_manager

    manager = _local_kernel_manager()
    a, b = manager(), manager()
    assert a.transport == b.transport == "ipc"
    assert a.ip != b.ip and Path(a.ip).is_absolute() and Path(a.ip).parent != Path.cwd()
