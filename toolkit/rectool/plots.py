"""PNG plots of a comparison (matplotlib, Agg backend, imported only when plotting).

- ``metrics_at_k.png``: precision, recall and F1 against k, one line per model, one legend;
- ``per_user.png``: the distribution of per-user precision, recall, F1 and NDCG at the largest
  k, one box per model, the mean marked.

Titles carry the dataset and the protocol (split, seed, relevance, mask), so a PNG read on its
own says what was measured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from rectool.results import Results

CURVE_METRICS = ("precision", "recall", "f1")
DISTRIBUTION_METRICS = ("precision", "recall", "f1", "ndcg")
PRETTY = {"precision": "Precision", "recall": "Recall", "f1": "F1", "ndcg": "NDCG",
          "map": "MAP", "mrr": "MRR", "hit_rate": "Hit rate"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def title_of(results: Results, name: str | None = None) -> str:
    d, p = results.dataset, results.protocol
    head = f"{name} - " if name else ""
    return (f"{head}{d['name']} ({d['users']} users, {d['items']} items, "
            f"{d['interactions']} interactions)\n"
            f"split {p['split']}, seed {p['seed']}, relevance: {p['relevance']}, "
            f"masked: {p['mask']}, {p['users_evaluated']} users evaluated")


def write_plots(results: Results, folder: str | Path, name: str | None = None) -> list[Path]:
    """Write the PNGs into ``folder``; returns their paths (none when nothing can be drawn)."""
    folder = Path(folder)
    written = []
    ok = [m for m in results.models if not m.error]
    if not ok:
        return written
    plt = _pyplot()
    for draw in (_curves, _distributions):
        path = draw(plt, results, ok, folder, title_of(results, name))
        if path is not None:
            written.append(path)
    return written


def _colors(n: int) -> list[Any]:
    import matplotlib

    cmap = matplotlib.colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def _curves(plt: Any, results: Results, models: list[Any], folder: Path, title: str) -> Path | None:
    ks = list(results.protocol["k"])
    metrics = [m for m in CURVE_METRICS if f"{m}@{ks[0]}" in results.metrics]
    if not metrics:
        return None
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 4.4), squeeze=False)
    colors = _colors(len(models))
    markers = "osD^vP*Xh<>"
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, m in enumerate(models):
            ys = [m.values.get(f"{metric}@{k}", np.nan) for k in ks]
            ax.plot(ks, ys, marker=markers[i % len(markers)], color=colors[i], linewidth=2,
                    markersize=6, label=m.model)
        ax.set_title(f"{PRETTY[metric]}@k", fontsize=12)
        ax.set_xlabel("k (length of the recommendation list)", fontsize=10)
        ax.set_ylabel(f"mean {PRETTY[metric].lower()}@k over users", fontsize=10)
        ax.set_xticks(ks)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), fontsize=10,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = folder / "metrics_at_k.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


def _distributions(plt: Any, results: Results, models: list[Any], folder: Path,
                   title: str) -> Path | None:
    k = max(results.protocol["k"])
    labels = [f"{m}@{k}" for m in DISTRIBUTION_METRICS if any(f"{m}@{k}" in r.per_user
                                                              for r in models)]
    if not labels:
        return None
    fig, axes = plt.subplots(1, len(labels), figsize=(3.9 * len(labels), 4.6), squeeze=False)
    colors = _colors(len(models))
    for ax, label in zip(axes[0], labels, strict=True):
        data = [np.asarray(m.per_user.get(label, []), dtype=float) for m in models]
        box = ax.boxplot(data, patch_artist=True, showmeans=True, widths=0.6,
                         medianprops={"color": "black"},
                         meanprops={"marker": "D", "markerfacecolor": "white",
                                    "markeredgecolor": "black", "markersize": 5},
                         flierprops={"marker": ".", "markersize": 3, "alpha": 0.4})
        for patch, color in zip(box["boxes"], colors, strict=True):
            patch.set_facecolor(color)
            patch.set_alpha(0.75)
        ax.set_xticks(range(1, len(models) + 1))
        ax.set_xticklabels([""] * len(models))
        metric = label.split("@")[0]
        ax.set_title(f"per-user {PRETTY.get(metric, metric)}@{k}", fontsize=12)
        ax.set_ylabel(f"{PRETTY.get(metric, metric).lower()}@{k} of one user", fontsize=10)
        ax.set_ylim(-0.03, 1.03)
        ax.grid(True, axis="y", alpha=0.3)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, alpha=0.75, label=m.model) for m, c in zip(models, colors,
                                                                             strict=True)]
    handles.append(Line2D([], [], marker="D", linestyle="", markerfacecolor="white",
                          markeredgecolor="black", label="mean"))
    handles.append(Line2D([], [], color="black", label="median"))
    fig.legend(handles=handles, loc="lower center", ncol=min(len(handles), 8), fontsize=10,
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(title, fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = folder / "per_user.png"
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
    return path


__all__ = ["title_of", "write_plots"]
