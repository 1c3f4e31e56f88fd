"""Input features: the columns the network sees, computed from a point (x₁, x₂).

The playground offers seven: X₁, X₂, X₁², X₂², X₁X₂, sin(X₁), sin(X₂). A network is fed
the chosen ones, in the order chosen, as the columns of one matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Feature:
    name: str  # the config's name
    label: str  # what the window shows
    column: Callable[[Array, Array], Array]  # (x₁, x₂), two (n,) columns → one (n,) feature column


# In the playground's order (its feature column, top to bottom).
FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("x1", "X₁", lambda x1, x2: x1),
        Feature("x2", "X₂", lambda x1, x2: x2),
        Feature("x1_squared", "X₁²", lambda x1, x2: x1 * x1),
        Feature("x2_squared", "X₂²", lambda x1, x2: x2 * x2),
        Feature("x1_x2", "X₁X₂", lambda x1, x2: x1 * x2),
        Feature("sin_x1", "sin(X₁)", lambda x1, x2: np.sin(x1)),
        Feature("sin_x2", "sin(X₂)", lambda x1, x2: np.sin(x2)),
    )
}
FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)
FEATURE_LABELS: dict[str, str] = {name: f.label for name, f in FEATURES.items()}


def feature_matrix(xy: Array, names: Sequence[str]) -> Array:
    """Return the (n, len(names)) float64 matrix of the named features of the points `xy`.

    `xy` is (n, 2): rows of x₁, x₂. Column j holds feature `names[j]`; a name may repeat.
    Raises ValueError for an unknown name or a badly shaped `xy`.
    """
    if isinstance(names, str):
        raise TypeError("names must be a sequence of feature names, not one string")
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(
            f"unknown feature {unknown[0]!r}; allowed: {', '.join(FEATURE_NAMES)}"
        )
    points = np.asarray(xy, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2), got {points.shape}")
    x1, x2 = points[:, 0], points[:, 1]  # (n,) each
    matrix = np.empty((points.shape[0], len(names)), dtype=np.float64)  # (n, n_features)
    for j, name in enumerate(names):
        matrix[:, j] = FEATURES[name].column(x1, x2)
    return matrix
