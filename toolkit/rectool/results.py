"""Results of a comparison: metric values with provenance, rendered as table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import math
import platform
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np


@dataclass
class ModelResult:
    """One model's numbers (averaged over folds) and its per-user values (concatenated)."""

    model: str
    qualified: str
    params: dict[str, Any]
    fit_seconds: float
    recommend_seconds: float
    values: dict[str, float]
    per_user: dict[str, np.ndarray] = field(default_factory=dict)
    users: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    error: str | None = None  # set when fit/recommend raised: the model is reported as failed

    @staticmethod
    def merge_folds(per_fold: list[list[ModelResult]]) -> list[ModelResult]:
        """Average values and times over folds; keep every fold's per-user values."""
        if len(per_fold) == 1:
            return per_fold[0]
        merged = []
        for runs in zip(*per_fold, strict=True):
            first = runs[0]
            failed = next((r for r in runs if r.error), None)
            if failed is not None:
                merged.append(failed)
                continue
            merged.append(
                ModelResult(
                    model=first.model,
                    qualified=first.qualified,
                    params=first.params,
                    fit_seconds=float(np.mean([r.fit_seconds for r in runs])),
                    recommend_seconds=float(np.mean([r.recommend_seconds for r in runs])),
                    values={m: float(np.nanmean([r.values[m] for r in runs]))
                            for m in first.values},
                    per_user={m: np.concatenate([r.per_user[m] for r in runs])
                              for m in first.per_user},
                    users=np.concatenate([r.users for r in runs]),
                )
            )
        return merged


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("rectool", "numpy", "scipy", "rectools-lightfm", "scikit-surprise", "torch"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            continue
    return out


@dataclass
class Results:
    """What ``compare`` returns; the CLI only renders it."""

    dataset: dict[str, Any]
    protocol: dict[str, Any]
    models: list[ModelResult]
    metrics: list[str]
    cleaning: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=library_versions)
    baseline: str | None = None  # set by compare(baseline=...): adds the significance table

    def baseline_problem(self) -> str:
        """Why the significance table is empty although a baseline was asked for."""
        base = next((m for m in self.models if m.model == self.baseline), None)
        if base is not None and base.error:
            return f"the baseline {self.baseline} failed"
        if all(m.error for m in self.models if m.model != self.baseline):
            return f"every model other than the baseline {self.baseline} failed"
        return f"no model could be paired with the baseline {self.baseline}"

    def significance(self) -> list[dict[str, Any]]:
        """Paired comparisons against ``baseline``, one record per other model and metric."""
        if self.baseline is None:
            return []
        from rectool.significance import compare_to_baseline

        return [p.to_dict() for p in compare_to_baseline(self.models, self.baseline, self.metrics)]

    def value(self, model: str, metric: str) -> float:
        for m in self.models:
            if m.model == model:
                return float("nan") if m.error else m.values[metric]
        raise KeyError(model)

    def records(self) -> list[dict[str, Any]]:
        """One ``{"model", "metric", "value"}`` record per model and metric (NaN -> None)."""
        return [
            {"model": m.model, "metric": metric, "value": _num(m.values.get(metric))}
            for m in self.models
            for metric in self.metrics
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "protocol": self.protocol,
            "results": self.records(),
            "models": [
                {
                    "model": m.model,
                    "plugin": m.qualified.rpartition(":")[0],
                    "params": m.params,
                    "fit_seconds": _num(round(m.fit_seconds, 4)),
                    "recommend_seconds": _num(round(m.recommend_seconds, 4)),
                    "error": m.error,
                }
                for m in self.models
            ],
            "cleaning": self.cleaning,
            "versions": self.versions,
            **({"baseline": self.baseline, "significance": self.significance()}
               if self.baseline is not None else {}),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=_default)

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["model", *self.metrics, "fit_seconds", "recommend_seconds", "error"])
        for m in self.models:
            writer.writerow(
                [m.model, *(_fmt(m.values.get(x), 6) for x in self.metrics),
                 _fmt(m.fit_seconds, 4), _fmt(m.recommend_seconds, 4), m.error or ""]
            )
        sig = self.significance()
        if sig:
            buf.write("\n")
            writer.writerow(list(sig[0]))
            for rec in sig:
                writer.writerow([_fmt(v, 6) if isinstance(v, float) else ("" if v is None else v)
                                 for v in rec.values()])
        return buf.getvalue()

    def _significance_table(self, sig: list[dict[str, Any]]) -> Any:
        from rich.table import Table

        table = Table(pad_edge=False)
        for col in ("model", "metric", "users", "diff", "rel", "95% CI", "p (t)", "p (wilcoxon)"):
            table.add_column(col, justify="left" if col in ("model", "metric") else "right")
        for row in _significance_rows(sig):
            table.add_row(*row)
        return table

    def header_lines(self) -> list[str]:
        d, p = self.dataset, self.protocol
        lines = [
            f"dataset {d['name']}: {d['users']} users, {d['items']} items, "
            f"{d['interactions']} interactions ({d['kind']})"
            + (f", {d['social_links']} social links" if d.get("social_links") else ""),
            f"split {p['split']} ({p['split_description']}), seed {p['seed']}, "
            f"k {','.join(map(str, p['k']))}, relevance: {p['relevance']}, "
            f"masked: {p['mask']}, ranked against {p['candidates']}",
            f"evaluated {p['users_evaluated']} users; skipped "
            f"{p['users_skipped_no_relevant']} with no relevant test items and "
            f"{p['users_skipped_cold']} with no training rows"
            + (f"; {p['users_skipped_no_test_rows']} train-only (no test rows)"
               if p.get("users_skipped_no_test_rows") else ""),
        ]
        counts = {k: v for k, v in self.cleaning.get("counts", {}).items() if v}
        if counts:
            lines.append("cleaning: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                                  for k, v in counts.items()))
        f1 = any(m.startswith("f1@") for m in self.metrics)
        lines.append(("f1 is the mean of per-user F1; " if f1 else "")
                     + "averages run over evaluated users")
        return lines

    def to_table(self) -> str:
        """A plain-text model x metric table with times, headed by the protocol."""
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False, pad_edge=False)
        table.add_column("model", style="bold")
        for metric in self.metrics:
            table.add_column(metric, justify="right")
        table.add_column("fit s", justify="right")
        table.add_column("rec s", justify="right")
        for m in self.models:
            table.add_row(
                f"{m.model} FAILED" if m.error else m.model,
                *(_fmt(m.values.get(x), 4) for x in self.metrics),
                _fmt(m.fit_seconds, 2),
                _fmt(m.recommend_seconds, 2),
            )
        # tables take their natural width (never truncated: long labels and CIs stay whole)
        console = Console(file=io.StringIO(), width=1000, color_system=None)
        for line in self.header_lines():
            console.print(line, highlight=False, soft_wrap=True)
        console.print(table)
        sig = self.significance()
        if sig:
            console.print(f"paired difference vs baseline {self.baseline} (same users; 95% CI "
                          "t-based; p: paired t-test, Wilcoxon)", highlight=False, soft_wrap=True)
            console.print(self._significance_table(sig))
        elif self.baseline is not None:
            console.print(f"no paired differences: {self.baseline_problem()}", highlight=False,
                          soft_wrap=True)
        for m in self.models:
            if m.error:
                console.print(f"{m.model} failed: {m.error}", highlight=False, soft_wrap=True)
        return console.file.getvalue()  # type: ignore[attr-defined]


def _significance_rows(sig: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for r in sig:
        rel = r["relative"]
        rows.append([
            r["model"], r["metric"], str(r["n_users"]), _fmt(r["mean_diff"], 4),
            "-" if rel is None else f"{100 * rel:+.1f}%",
            f"[{_fmt(r['ci_low'], 4)}, {_fmt(r['ci_high'], 4)}]",
            _pfmt(r["p_value"]), _pfmt(r["wilcoxon_p"]),
        ])
    return rows


def _pfmt(value: float | None) -> str:
    return "-" if value is None else (f"{value:.2e}" if value < 1e-3 else f"{value:.4f}")


def _num(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _fmt(value: float | None, digits: int) -> str:
    num = _num(value)
    return "-" if num is None else f"{num:.{digits}f}"


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
