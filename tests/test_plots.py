"""helpers.plots: each figure carries the data, labels and annotations it was given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import plot_bars, plot_confusion, plot_histograms, plot_loss_curves


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_loss_curves_plot_each_series_with_labels() -> None:
    fig = plot_loss_curves({"train": ([1, 2, 3], [2.0, 1.5, 1.2]), "validation": ([3], [1.4])}, "loss",
                           logy=True)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"train", "validation"}
    assert lines["train"].get_xdata().tolist() == [1, 2, 3]
    assert lines["train"].get_ydata().tolist() == [2.0, 1.5, 1.2]
    assert lines["train"].get_marker() == "o"  # short curves show their points
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == (
        "loss", "training step", "cross-entropy loss (nats/token)")
    assert ax.get_yscale() == "log"


def test_long_loss_curves_have_no_markers() -> None:
    steps = list(range(30))
    ax = plot_loss_curves({"train": (steps, [1.0] * 30)}, "t").axes[0]
    assert ax.get_lines()[0].get_marker() == "None" and ax.get_yscale() == "linear"


def test_bars_show_each_value_on_its_bar() -> None:
    ax = plot_bars({"base": 0.25, "fine-tuned": 0.4125}, "ROUGE-L", "score", xlabel="model").axes[0]
    assert [p.get_height() for p in ax.patches] == [0.25, 0.4125]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["base", "fine-tuned"]
    assert [t.get_text() for t in ax.texts] == ["0.25", "0.412"]  # %.3g
    assert (ax.get_title(), ax.get_ylabel(), ax.get_xlabel()) == ("ROUGE-L", "score", "model")


def test_histograms_count_every_value_and_mark_the_cutoff() -> None:
    ax = plot_histograms({"a": [1, 2, 2, 3], "b": [5, 6]}, "lengths", "tokens", cutoff=4, bins=3).axes[0]
    counts = [p.get_height() for p in ax.patches]
    assert len(counts) == 6 and sum(counts) == 6  # 3 bins per series, every value counted once
    assert counts[:3] == [1, 2, 1]
    cut = [line for line in ax.get_lines() if line.get_label() == "cut-off = 4"]
    assert len(cut) == 1 and cut[0].get_xdata()[0] == 4
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("tokens", "count")


def test_confusion_writes_counts_in_readable_colours() -> None:
    matrix = np.array([[5, 1], [0, 4]])
    ax = plot_confusion(matrix, ["neg", "pos"], "confusion").axes[0]
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t for t in ax.texts}
    assert {k: t.get_text() for k, t in cells.items()} == {(0, 0): "5", (0, 1): "1", (1, 0): "0", (1, 1): "4"}
    assert cells[0, 0].get_color() == "white" and cells[1, 1].get_color() == "white"  # > max / 2
    assert cells[0, 1].get_color() == "black"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["neg", "pos"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")
