"""Every neuron evaluated over a grid of the input plane, for the heatmap and thumbnails.

The grid is res × res points over [−extent, extent]², endpoints included as the playground's
(x = linspace(−6, 6, 100)). Map ``m[i, j]`` is the value at x = xs[j], y = ys[i], with ys
ascending, so row 0 is the bottom edge of the plane. The work is float32 (it is for display)
in the transposed layout (neurons × points), one matrix product and one activation call per
layer for all of its neurons at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from playground.engine.features import feature_matrix
from playground.engine.network import Network

GRID_EXTENT = 6.0
GRID_RESOLUTION = 100


def grid_axis(resolution: int = GRID_RESOLUTION, extent: float = GRID_EXTENT) -> np.ndarray:
    return np.linspace(-extent, extent, resolution)  # (res,)


class GridEvaluator:
    """Caches the (fixed) feature maps of one feature set; evaluates any network on them."""

    def __init__(self, features: Sequence[str], resolution: int = GRID_RESOLUTION, extent: float = GRID_EXTENT):
        self.features = tuple(features)
        self.resolution = resolution
        self.extent = extent
        axis = grid_axis(resolution, extent)
        gx, gy = np.meshgrid(axis, axis)  # (res, res) each; gy varies along rows
        points = np.column_stack([gx.ravel(), gy.ravel()])  # (res², 2)
        self.feature_maps = feature_matrix(points, self.features).T.astype(np.float32)  # (k, res²)

    def evaluate(self, network: Network) -> np.ndarray:
        """(n_nodes, res, res) float32, a fresh array: features, hidden neurons, output(s) (for
        multiclass the K softmax probabilities, which sum to 1 at every grid point)."""
        if network.layer_sizes[0] != len(self.features):
            raise ValueError(f"network takes {network.layer_sizes[0]} inputs, grid has {len(self.features)} features")
        n_points = self.resolution**2
        maps = np.empty((sum(network.layer_sizes), n_points), dtype=np.float32)  # (n_nodes, res²)
        maps[: len(self.features)] = self.feature_maps
        with np.errstate(all="ignore"):  # a diverged network gives NaN maps, drawn grey
            self._fill(network, maps)
        return maps.reshape(-1, self.resolution, self.resolution)

    @staticmethod
    def _fill(network: Network, maps: np.ndarray) -> None:
        start = 0
        for layer, (n_in, n_out) in enumerate(network.shapes):
            below, rows = maps[start : start + n_in], maps[start + n_in : start + n_in + n_out]
            block = network.blocks[layer].astype(np.float32)  # (n_out, n_in + 1)
            np.dot(block[:, :-1], below, out=rows)
            rows += block[:, -1:]
            activation = network.layer_activation(layer)
            if activation.name == "softmax":  # normalises over the K output neurons: axis 0 here
                rows[...] = activation.value(rows.T).T
            else:
                activation.write(rows, rows)
            start += n_in


def node_ranges(layer_sizes: Sequence[int]) -> list[range]:
    """Which rows of :meth:`GridEvaluator.evaluate`'s result belong to each layer."""
    ranges, start = [], 0
    for size in layer_sizes:
        ranges.append(range(start, start + size))
        start += size
    return ranges
