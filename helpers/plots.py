"""Plots with titles, axis labels and units, shared by the notebooks."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np


def plot_loss_curves(curves: dict[str, tuple[Sequence[float], Sequence[float]]], title: str,
                     xlabel: str = "training step", ylabel: str = "cross-entropy loss (nats/token)",
                     logy: bool = False):
    """Line plot of named (x, y) loss curves, e.g. {'train': (steps, losses), 'validation': ...}."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, (x, y) in curves.items():
        ax.plot(x, y, marker="o" if len(x) < 30 else None, label=name)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    if logy:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_bars(values: dict[str, float], title: str, ylabel: str, xlabel: str = ""):
    """Bar chart of named values with the value printed on each bar."""
    fig, ax = plt.subplots(figsize=(7, 4))
    bars = ax.bar(list(values), list(values.values()), color="tab:blue")
    ax.bar_label(bars, fmt="%.3g")
    ax.set(title=title, ylabel=ylabel, xlabel=xlabel)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_histograms(series: dict[str, Sequence[float]], title: str, xlabel: str,
                    cutoff: float | None = None, bins: int = 40):
    """Overlaid histograms; an optional vertical line marks a cut-off such as max_length."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in series.items():
        ax.hist(values, bins=bins, alpha=0.6, label=name)
    if cutoff is not None:
        ax.axvline(cutoff, color="black", linestyle="--", label=f"cut-off = {cutoff:g}")
    ax.set(title=title, xlabel=xlabel, ylabel="count")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_confusion(matrix: np.ndarray, labels: Sequence[str], title: str):
    """A confusion matrix heat map with counts in each cell (rows: true, columns: predicted)."""
    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.imshow(matrix, cmap="Blues")
    ax.set(xticks=range(len(labels)), yticks=range(len(labels)), xticklabels=labels,
           yticklabels=labels, xlabel="predicted label", ylabel="true label", title=title)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            color = "white" if matrix[i, j] > matrix.max() / 2 else "black"
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center", color=color)
    fig.tight_layout()
    return fig
