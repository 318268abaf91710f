"""The report's plots (matplotlib, Agg), returned as PNG bytes or base64 text."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def to_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def b64(png: bytes) -> str:
    return base64.b64encode(png).decode("ascii")


def decrees_bar(per_place: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(per_place) + 1)))
    if per_place.empty:
        ax.text(0.5, 0.5, "no decrees", ha="center")
        return fig
    labels = [
        f"{r.kecamatan} ({r.kabupaten_kota}, {'' if pd.isna(r.tahun) else int(r.tahun)})"
        for r in per_place.itertuples()
    ]
    ax.barh(labels, per_place["decrees"], color="#4a7ab0")
    ax.invert_yaxis()
    ax.set_xlabel("decrees")
    ax.set_title("Decrees per kecamatan (kabupaten/kota, year)")
    return fig


def theme_heatmap(matrix: pd.DataFrame):
    rows, cols = matrix.shape if not matrix.empty else (1, 1)
    fig, ax = plt.subplots(figsize=(max(5, 0.7 * cols + 4), max(3, 0.32 * rows + 1.5)))
    if matrix.empty:
        ax.text(0.5, 0.5, "no indicators", ha="center")
        return fig
    im = ax.imshow(matrix.values, aspect="auto", cmap="YlOrRd")
    ax.set_xticks(range(cols), matrix.columns, rotation=45, ha="right")
    ax.set_yticks(range(rows), matrix.index)
    for i in range(rows):
        for j in range(cols):
            v = matrix.values[i, j]
            if v:
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, label="indicators")
    ax.set_title("Indicator themes × kecamatan")
    return fig


def barh(df: pd.DataFrame, label: str, value: str, title: str, color: str = "#5a9"):
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.3 * len(df) + 1)))
    if df.empty:
        ax.text(0.5, 0.5, "nothing to show", ha="center")
        return fig
    ax.barh([str(x)[:60] for x in df[label]], df[value], color=color)
    ax.invert_yaxis()
    ax.set_xlabel(value)
    ax.set_title(title)
    return fig


def confidence_hist(values: pd.DataFrame, threshold: float):
    fig, ax = plt.subplots(figsize=(7, 3))
    if values.empty:
        ax.text(0.5, 0.5, "no confidences", ha="center")
        return fig
    ax.hist(values["confidence"].astype(float), bins=20, range=(0, 1), color="#888")
    ax.axvline(threshold, color="#c33", linestyle="--", label=f"uncertain below {threshold}")
    ax.set_xlabel("row confidence")
    ax.set_ylabel("rows")
    ax.legend()
    ax.set_title("Confidence of indicator rows")
    return fig
