"""Huge but finite values (a weight typed as 1e37) draw and trace without a NumPy warning.

The suite turns every warning into an error (pyproject's filterwarnings), so an overflow in a
colour pass or in the traced sample's loss fails here.
"""

from __future__ import annotations

import math

import pytest

from playground.ui.network_view import NetworkView
from playground.ui.output_panel import OutputPanel
from tests.ui.snapshot_factory import make_snapshot, make_trace, make_trainer


@pytest.mark.parametrize("value", [1e37, -3e38, 1e300])
def test_huge_weights_draw_and_trace_without_warnings(qtbot, value):
    # A linear regression network passes the huge value straight to the output map.
    trainer = make_trainer(epochs=3, hidden=(4, 2), problem="regression", dataset="plane", activation="linear")
    trainer.set_parameter(0, 0, 0, value)  # the weight from x1 to the first hidden neuron
    trainer.set_parameter(1, 4, 0, value)  # a bias of the second hidden layer
    trace = make_trace(trainer, 2.0, 1.0, 1.0)
    assert math.isinf(trace.loss) or trace.loss > 1e30
    snap = make_snapshot(trainer, trace)
    view, panel = NetworkView(), OutputPanel()
    qtbot.addWidget(view)
    qtbot.addWidget(panel)
    view.show_snapshot(snap)
    panel.show_snapshot(snap)
    panel.show_node_map(snap.node_maps[3], 1e-30, "hidden layer 1, neuron 2")  # a tiny scale divides
    view.grab()
    panel.grab()
