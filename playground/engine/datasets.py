"""The playground's datasets, its shuffle-and-split, and the user's own points as CSV.

Every set is an (n, 3) float64 array of rows x, y, label. The generators follow TensorFlow
Playground's dataset.ts (all points in about [-6, 6]²): `noise` is the 0–50 control and the generators
use noise/100. Each generator draws the same random numbers whatever the noise, so for one
seed the noise only moves what it is meant to move (a label, or the points of gauss/spiral).
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from playground.engine.files import FileFormatError, atomic_write_text, read_text
from playground.engine.size_limits import MAX_POINTS

Array = np.ndarray

# The problems, each with the label the window shows; a problem's first dataset is its default.
PROBLEM_LABELS: dict[str, str] = {
    "classification": "Classification", "regression": "Regression", "multiclass": "Multi-class",
}
PROBLEM_NAMES: tuple[str, ...] = tuple(PROBLEM_LABELS)
MAX_NOISE = 50.0
MIN_CLASSES, MAX_CLASSES = 2, 8  # multiclass labels are the class indices 0 … K−1
MULTICLASS_POINTS = 500  # every multiclass set, whatever K: classes as equal in size as they can be
CSV_COLUMNS: tuple[str, ...] = ("x", "y", "label")

# multigauss centres: rows of cx, cy, sign.
_GAUSSIANS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=np.float64,
)


class DataError(ValueError):
    """The user's points cannot be used; the message is one line naming what and where."""


def _rows(xy: Array, label: Array) -> Array:
    # (n, 2) points and (n,) labels → (n, 3) rows of x, y, label.
    return np.column_stack([xy, label])


def _distance(a: Array, b: Array) -> Array:
    # √(dx² + dy²) over the last axis (size 2), broadcasting a against b, as dataset.ts.
    d = a - b
    return np.sqrt(d[..., 0] * d[..., 0] + d[..., 1] * d[..., 1])


def _circle(n: int, noise: float, rng: np.random.Generator) -> Array:
    # Half at radius U(0, 2.5), half at U(3.5, 5); label +1 iff the noisy point is within 2.5.
    half = n // 2
    r = np.concatenate([rng.uniform(0.0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
    angle = rng.uniform(0.0, 2.0 * math.pi, n)
    xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # (n, 2)
    offset = rng.uniform(-5.0, 5.0, (n, 2)) * noise  # moves only the point that is labelled
    label = np.where(_distance(xy + offset, np.zeros(2)) < 2.5, 1.0, -1.0)
    return _rows(xy, label)


def _xor(n: int, noise: float, rng: np.random.Generator) -> Array:
    # x, y ~ U(-5, 5), each pushed 0.3 away from its axis; label +1 iff x·y ≥ 0 (noisy point).
    xy = rng.uniform(-5.0, 5.0, (n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)
    noisy = xy + rng.uniform(-5.0, 5.0, (n, 2)) * noise
    label = np.where(noisy[:, 0] * noisy[:, 1] >= 0, 1.0, -1.0)
    return _rows(xy, label)


def _gauss(n: int, noise: float, rng: np.random.Generator) -> Array:
    # Blobs around (2, 2) → +1 and (-2, -2) → -1; variance 0.5 + (4 - 0.5)·noise/0.5.
    half = n // 2
    variance = 0.5 + (4.0 - 0.5) * (noise / 0.5)
    centre = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [half, n - half], axis=0)  # (n, 2)
    xy = centre + math.sqrt(variance) * rng.standard_normal((n, 2))
    label = np.repeat([1.0, -1.0], [half, n - half])
    return _rows(xy, label)


def _spiral(n: int, noise: float, rng: np.random.Generator) -> Array:
    # Per arm i = 0..m-1: r = i/m·5, t = 1.75·i/m·2π + Δ, point (r sin t, r cos t) + U(-1, 1)·noise.
    m = n // 2
    i = np.arange(m, dtype=np.float64)
    r = np.tile(i / m * 5, 2)  # (n,)
    t = np.concatenate([1.75 * i / m * 2 * math.pi + delta for delta in (0.0, math.pi)])
    xy = np.column_stack([r * np.sin(t), r * np.cos(t)])
    xy += rng.uniform(-1.0, 1.0, (2 * m, 2)) * noise
    label = np.repeat([1.0, -1.0], m)  # Δ = 0 → +1, Δ = π → -1
    return _rows(xy, label)


def _class_sizes(n: int, classes: int) -> Array:
    # (K,) how many of n points each class gets: as equal as possible, the first classes one more.
    return np.full(classes, n // classes) + (np.arange(classes) < n % classes)


def _spiral_arms(n: int, noise: float, rng: np.random.Generator, classes: int) -> Array:
    # The spiral's rule with K arms, arm k turned by Δ = 2πk/K and labelled k: per arm of m points,
    # i = 0..m-1, r = i/m·5, t = 1.75·i/m·2π + Δ; plus U(-1, 1)·noise. K = 2 is the binary spiral's shape.
    sizes = _class_sizes(n, classes)
    r, t = [], []
    for k, m in enumerate(sizes):
        i = np.arange(m, dtype=np.float64)
        r.append(i / m * 5)
        t.append(1.75 * i / m * 2 * math.pi + 2 * math.pi * k / classes)
    radius, angle = np.concatenate(r), np.concatenate(t)
    xy = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    xy += rng.uniform(-1.0, 1.0, (n, 2)) * noise
    return _rows(xy, np.repeat(np.arange(classes, dtype=np.float64), sizes))


BLOB_RADIUS = 3.5  # the blobs' centres lie evenly on this circle, class 0 at angle 0


def _blobs(n: int, noise: float, rng: np.random.Generator, classes: int) -> Array:
    # One Gaussian cluster per class around (R cos 2πk/K, R sin 2πk/K), variance as the gauss set's:
    # 0.5 + (4 - 0.5)·noise/0.5, so noise 50 makes neighbouring clusters overlap.
    sizes = _class_sizes(n, classes)
    angle = 2 * math.pi * np.arange(classes) / classes
    centres = BLOB_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])  # (K, 2)
    variance = 0.5 + (4.0 - 0.5) * (noise / 0.5)
    xy = np.repeat(centres, sizes, axis=0) + math.sqrt(variance) * rng.standard_normal((n, 2))
    return _rows(xy, np.repeat(np.arange(classes, dtype=np.float64), sizes))


def _plane(n: int, noise: float, rng: np.random.Generator) -> Array:
    # x, y ~ U(-6, 6); label (x + y)/10 of the point moved by U(-6, 6)·noise.
    xy = rng.uniform(-6.0, 6.0, (n, 2))
    noisy = xy + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    return _rows(xy, (noisy[:, 0] + noisy[:, 1]) / 10)


def _multigauss(n: int, noise: float, rng: np.random.Generator) -> Array:
    # x, y ~ U(-6, 6); centre k gives sign_k·max(0, 1 - d_k/2) at the noisy point;
    # the label is the one of largest magnitude (the first such centre on a tie).
    xy = rng.uniform(-6.0, 6.0, (n, 2))
    noisy = xy + rng.uniform(-6.0, 6.0, (n, 2)) * noise
    d = _distance(noisy[:, None, :], _GAUSSIANS[:, :2])  # (n, 6)
    value = _GAUSSIANS[:, 2] * np.maximum(0.0, 1.0 - d / 2)  # (n, 6)
    label = value[np.arange(n), np.argmax(np.abs(value), axis=1)]
    return _rows(xy, label)


@dataclass(frozen=True)
class Dataset:
    name: str  # the config's name
    label: str  # what the window shows
    problem: str  # classification (labels ±1) or regression (real labels)
    points: int  # how many points the playground generates
    generator: Callable[[int, float, np.random.Generator], Array]  # (n, noise/100, rng) → (n, 3) rows


# In the playground's order: its four classification sets, then its two regression sets.
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("circle", "Circle", "classification", 500, _circle),
        Dataset("xor", "Exclusive or", "classification", 500, _xor),
        Dataset("gauss", "Gaussian", "classification", 500, _gauss),
        Dataset("spiral", "Spiral", "classification", 500, _spiral),
        Dataset("plane", "Plane", "regression", 1200, _plane),
        Dataset("multigauss", "Multi-Gauss", "regression", 1200, _multigauss),
    )
}
CLASSIFICATION_DATASETS: tuple[str, ...] = tuple(d.name for d in DATASETS.values() if d.problem == "classification")
REGRESSION_DATASETS: tuple[str, ...] = tuple(d.name for d in DATASETS.values() if d.problem == "regression")


@dataclass(frozen=True)
class MulticlassDataset:
    name: str
    label: str
    generator: Callable[[int, float, np.random.Generator, int], Array]  # (n, noise/100, rng, K) → rows


# Labels are class indices 0 … K−1, the points of class 0 first; always MULTICLASS_POINTS points.
MULTICLASS: dict[str, MulticlassDataset] = {
    d.name: d for d in (MulticlassDataset("spiral", "Spiral", _spiral_arms), MulticlassDataset("blobs", "Blobs", _blobs))
}
MULTICLASS_DATASETS: tuple[str, ...] = tuple(MULTICLASS)
DATASET_LABELS: dict[str, str] = {
    **{name: d.label for name, d in DATASETS.items()}, **{name: d.label for name, d in MULTICLASS.items()},
}
DATASET_POINTS: dict[str, int] = {
    **{name: d.points for name, d in DATASETS.items()}, **dict.fromkeys(MULTICLASS, MULTICLASS_POINTS),
}
BUILTIN_DATASETS = frozenset(DATASET_LABELS)


def datasets_of(problem: str) -> tuple[str, ...]:
    """The built-in datasets of ``problem``, its default first."""
    if problem == "multiclass":
        return MULTICLASS_DATASETS
    return tuple(d.name for d in DATASETS.values() if d.problem == problem)


def default_dataset(problem: str) -> str:
    """The dataset a new experiment of ``problem`` starts with (circle, plane, spiral)."""
    return datasets_of(problem)[0]


def generate(
    name: str, noise: float, rng: np.random.Generator, problem: str | None = None, classes: int = MIN_CLASSES
) -> Array:
    """Return the (n, 3) rows x, y, label of dataset `name` of `problem`, in generation order.

    `noise` is the playground's 0–50 control. Classification sets have 500 points with
    labels ±1 (the +1 points first); regression sets have 1200 points; multiclass sets 500
    points of `classes` classes labelled 0 … K−1 (class 0 first). The same names may mean
    different sets: "spiral" has two arms for classification and K for multiclass. Without a
    problem, a two-class or regression set of that name.
    """
    if problem is None:
        problem = DATASETS[name].problem if name in DATASETS else "classification"
    own = datasets_of(problem) if problem in PROBLEM_NAMES else ()
    if name not in own:
        raise ValueError(f"unknown {problem} dataset {name!r}; allowed: {', '.join(own)}")
    if not 0.0 <= noise <= MAX_NOISE:
        raise ValueError(f"noise {noise!r} is out of range; allowed: 0 to {MAX_NOISE:g}")
    if problem == "multiclass":
        if not MIN_CLASSES <= classes <= MAX_CLASSES:
            raise ValueError(f"classes {classes!r} is out of range; allowed: {MIN_CLASSES} to {MAX_CLASSES}")
        return MULTICLASS[name].generator(MULTICLASS_POINTS, noise / 100.0, rng, classes)
    dataset = DATASETS[name]
    return dataset.generator(dataset.points, noise / 100.0, rng)


def shuffle_split(
    points: Array, train_ratio: float, rng: np.random.Generator
) -> tuple[Array, Array]:
    """Shuffle the rows once; the first floor(N·ratio/100) train, the rest test (copies)."""
    if not 0.0 <= train_ratio <= 100.0:
        raise ValueError(f"train ratio {train_ratio!r} is out of range; allowed: 0 to 100")
    shuffled = points[rng.permutation(len(points))]
    n_train = math.floor(len(points) * train_ratio / 100)
    return shuffled[:n_train].copy(), shuffled[n_train:].copy()


def save_csv(path: str | os.PathLike[str], points: Array) -> None:
    """Write (n, 3) rows x, y, label under a header, each float exactly (repr), atomically."""
    rows = np.asarray(points, dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] != 3:
        raise ValueError(f"points must have shape (n, 3), got {rows.shape}")
    if not np.isfinite(rows).all():
        raise ValueError("points must be finite numbers to be saved")
    lines = [",".join(CSV_COLUMNS)]
    lines += [",".join(repr(float(v)) for v in row) for row in rows]
    atomic_write_text(path, "\n".join(lines) + "\n")


def load_csv(path: str | os.PathLike[str], problem: str) -> Array:
    """Read the user's points: (n, 3) rows x, y, label from a CSV file.

    An optional header row must read x, y, label. Classification labels must be -1 or 1,
    with both present; regression labels any finite number; multiclass labels the class indices
    0 … K−1, K being the number of distinct labels (2 to 8), every class present. At least 2 points.
    Every refusal raises DataError with one line.
    """
    if problem not in PROBLEM_NAMES:
        raise ValueError(f"unknown problem {problem!r}; allowed: {', '.join(PROBLEM_NAMES)}")
    name = Path(path).name
    rows: list[tuple[float, float, float]] = []
    seen_header = False
    for line_no, cells in _csv_rows(path, name):
        if not rows and not seen_header and not all(_is_number(c) for c in cells):
            _check_header(name, line_no, cells)
            seen_header = True
            continue
        rows.append(_parse_row(name, line_no, cells, problem))
        if len(rows) > MAX_POINTS:
            raise DataError(f"{name} has more than {MAX_POINTS:,} points; allowed: at most {MAX_POINTS:,}")
    _check_points(name, rows, seen_header, problem)
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _read_text(path: str | os.PathLike[str]) -> str:
    try:
        return read_text(path, "points file")
    except FileFormatError as exc:
        raise DataError(str(exc)) from None


def _csv_rows(path: str | os.PathLike[str], name: str) -> list[tuple[int, list[str]]]:
    # Non-blank rows as (line number, stripped cells).
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    result: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            stripped = [c.strip() for c in cells]
            if any(stripped):
                result.append((reader.line_num, stripped))
    except csv.Error as exc:
        raise DataError(f"{name} line {reader.line_num}: not valid CSV ({exc})") from None
    return result


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _show(cell: str) -> str:
    # A cell quoted for a message, shortened if long; repr escapes control characters.
    return repr(cell if len(cell) <= 30 else cell[:27] + "...")


def _check_header(name: str, line_no: int, cells: list[str]) -> None:
    if [c.lower() for c in cells] != list(CSV_COLUMNS):
        found = ",".join(cells)
        raise DataError(
            f"{name} line {line_no}: header {_show(found)} is not allowed; "
            f"allowed: a first row x,y,label or no header"
        )


def _parse_row(
    name: str, line_no: int, cells: list[str], problem: str
) -> tuple[float, float, float]:
    if len(cells) != len(CSV_COLUMNS):
        raise DataError(
            f"{name} line {line_no}: {len(cells)} columns; allowed: exactly 3 (x, y, label)"
        )
    values = []
    for column, cell in zip(CSV_COLUMNS, cells):
        where = f"{name} line {line_no}, column '{column}'"
        if not _is_number(cell):
            raise DataError(f"{where}: {_show(cell)} is not a number; allowed: finite numbers")
        value = float(cell)
        if not math.isfinite(value):
            raise DataError(f"{where}: {_show(cell)} is not finite; allowed: finite numbers")
        values.append(value)
    if problem == "classification" and values[2] not in (-1.0, 1.0):
        raise DataError(
            f"{name} line {line_no}, column 'label': {_show(cells[2])} is not a class label; "
            "allowed: -1 or 1 for classification"
        )
    if problem == "multiclass" and not (values[2].is_integer() and 0 <= values[2] < MAX_CLASSES):
        raise DataError(
            f"{name} line {line_no}, column 'label': {_show(cells[2])} is not a class index; "
            f"allowed: whole numbers 0 to {MAX_CLASSES - 1} for multi-class"
        )
    return values[0], values[1], values[2]


def _check_points(
    name: str, rows: list[tuple[float, float, float]], seen_header: bool, problem: str
) -> None:
    if not rows:
        what = "has a header but no points" if seen_header else "is empty"
        raise DataError(f"{name} {what}; allowed: rows of x,y,label, at least 2 points")
    if len(rows) < 2:
        raise DataError(f"{name} has only 1 point; allowed: at least 2 points")
    labels = {row[2] for row in rows}
    if problem == "classification" and len(labels) < 2:
        raise DataError(
            f"{name}: every point has label {labels.pop():g}; "
            "allowed: both classes -1 and 1 present for classification"
        )
    if problem == "multiclass":
        problem_text = multiclass_labels_problem(labels)
        if problem_text:
            raise DataError(f"{name}: {problem_text}")


def label_problem(label: float, problem: str, classes: int) -> str | None:
    """None if one point's label suits the problem; else "is not …; allowed: …" to follow its name."""
    if not math.isfinite(label):
        return "is not a finite number; allowed: a finite number"
    if problem == "classification" and label not in (-1.0, 1.0):
        return f"{label:g} is not a class; allowed: -1 or 1 (the two classes)"
    if problem == "multiclass" and not (label.is_integer() and 0 <= label < classes):
        return f"{label:g} is not a class; allowed: the class indices 0 to {classes - 1}"
    return None


def first_bad_label(labels: Array, problem: str, classes: int) -> tuple[int, str] | None:
    """(row, what label_problem says) for the first label of (n,) ``labels`` that does not suit the problem."""
    labels = np.asarray(labels, dtype=np.float64)
    bad = ~np.isfinite(labels)
    if problem == "classification":
        bad |= (labels != -1.0) & (labels != 1.0)
    elif problem == "multiclass":
        bad |= (labels != np.round(labels)) | (labels < 0) | (labels >= classes)
    if not bad.any():
        return None
    row = int(np.argmax(bad))
    return row, label_problem(float(labels[row]), problem, classes) or ""


def multiclass_labels_problem(labels: set[float]) -> str | None:
    """None if the distinct labels are exactly 0 … K−1 with 2 ≤ K ≤ 8; else what is wrong and what is allowed."""
    k = len(labels)
    allowed = f"the class indices 0 … K−1, K = the number of distinct labels ({MIN_CLASSES} to {MAX_CLASSES})"
    if k < MIN_CLASSES:
        return f"every point has label {min(labels, default=0):g}; allowed: {allowed}"
    missing = sorted(set(range(k)) - labels)
    if missing:
        shown = ", ".join(f"{v:g}" for v in sorted(labels))
        return f"the labels {shown} are {k} classes but class {missing[0]} has no point; allowed: {allowed}"
    return None
