"""What is wrong, not only how much: the confusion matrix for classes, RMSE and R² for values.

No Qt here: the window's confusion view and `playground train`'s summary share these.

Classes are given as a list of labels, ``classes[k]`` being row and column ``k`` of the matrix.
The network's outputs decide the predicted class:

- one output per point (a 1-D array or one column) and two classes: the binary rule of
  ``losses.accuracy``: an output >= 0 predicts ``classes[1]`` (+1), anything else, NaN
  included, ``classes[0]`` (−1);
- K columns: the column with the largest output predicts ``classes[column]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BINARY_CLASSES = (-1.0, 1.0)  # the labels of the playground's classification problem, in matrix order


def class_labels(problem: str, classes: int) -> tuple[float, ...] | None:
    """The labels of ``problem``'s classes in matrix order: −1, +1 for classification, the class
    indices 0 … ``classes``−1 for multiclass; None for a regression, which has no classes."""
    if problem == "classification":
        return BINARY_CLASSES
    if problem == "multiclass":
        return tuple(float(k) for k in range(classes))
    return None


def predicted_classes(outputs: np.ndarray, classes: Sequence[float]) -> np.ndarray:
    """(n,) the class label each point's output predicts (rule in the module docstring)."""
    outputs = np.asarray(outputs, dtype=np.float64)
    values = np.asarray(classes, dtype=np.float64)
    if outputs.ndim == 1 or outputs.shape[1] == 1:
        if len(values) != 2:
            raise ValueError(f"one output per point decides between 2 classes, not {len(values)}")
        return np.where(outputs.reshape(-1) >= 0, values[1], values[0])
    if outputs.shape[1] != len(values):
        raise ValueError(f"{outputs.shape[1]} outputs per point for {len(values)} classes")
    if not len(outputs):
        return np.empty(0)
    return values[np.argmax(outputs, axis=1)]


def class_indices(labels: np.ndarray, classes: Sequence[float]) -> np.ndarray:
    """(n,) int: the row of ``classes`` holding each label; ValueError for a label not in it."""
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    values = np.asarray(classes, dtype=np.float64)
    match = labels[:, None] == values[None, :]  # (n, K)
    found = match.any(axis=1)
    if not found.all():
        raise ValueError(f"label {labels[~found][0]:g} is not one of the classes {list(classes)}")
    return np.argmax(match, axis=1)


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray, classes: Sequence[float]) -> np.ndarray:
    """(K, K) int64 counts: row = true class, column = predicted class, in the order of ``classes``.

    ``predicted``: the network's outputs for the points ((n,), (n, 1) or (n, K)), turned into
    classes by ``predicted_classes``; ``labels``: (n,) or (n, 1) true labels, each in ``classes``.
    The diagonal is what ``losses.accuracy`` counts as right: trace / n is the accuracy.
    """
    k = len(classes)
    truth = class_indices(labels, classes)
    guess = class_indices(predicted_classes(predicted, classes), classes)
    if len(truth) != len(guess):
        raise ValueError(f"{len(guess)} predictions for {len(truth)} labels")
    return np.bincount(truth * k + guess, minlength=k * k).reshape(k, k).astype(np.int64)


def row_fractions(matrix: np.ndarray) -> np.ndarray:
    """Each count as a share of its row (its true class); NaN in a row with no points."""
    matrix = np.asarray(matrix, dtype=np.float64)
    totals = matrix.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        return np.where(totals > 0, matrix / np.where(totals > 0, totals, 1.0), np.nan)


def rmse(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Root mean square error √(mean (out − target)²), in the units of the targets.

    NaN for an empty set; a NaN or infinite output gives NaN or inf, never a warning.
    """
    out, target = _pair(outputs, targets)
    if not out.size:
        return float("nan")
    with np.errstate(all="ignore"):
        return float(np.sqrt(np.mean((out - target) ** 2)))


def r_squared(outputs: np.ndarray, targets: np.ndarray) -> float:
    """R² = 1 − SS_res / SS_tot: the share of the targets' variance the network explains.

    SS_res = Σ (target − out)², SS_tot = Σ (target − mean target)². 1 is a perfect fit, 0 is no
    better than always answering the mean, below 0 is worse than that. Undefined, so NaN, when
    SS_tot == 0 (every target equal, one point included) and for an empty set; non-finite outputs
    give NaN or −inf. Never warns.
    """
    out, target = _pair(outputs, targets)
    if not out.size:
        return float("nan")
    with np.errstate(all="ignore"):
        ss_tot = float(np.sum((target - target.mean()) ** 2))
        if ss_tot == 0.0:
            return float("nan")
        ss_res = float(np.sum((target - out) ** 2))
        return 1.0 - ss_res / ss_tot


def _pair(outputs: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    out = np.asarray(outputs, dtype=np.float64).reshape(-1)
    target = np.asarray(targets, dtype=np.float64).reshape(-1)
    if out.shape != target.shape:
        raise ValueError(f"{out.size} outputs for {target.size} targets")
    return out, target
