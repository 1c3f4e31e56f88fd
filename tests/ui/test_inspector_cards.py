"""The inspector's cards on their own: every number read from the Shot, nothing recomputed."""

from __future__ import annotations

import numpy as np

from playground.engine.chain_rule import chain_rule
from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.network import Network
from playground.engine.number_text import number as fmt
from playground.engine.shot import explain_samples, parameter_index
from playground.engine.trainer import Trainer
from playground.ui.inspector_cards import ChainRuleCard, neuron_html


def name_of(layer: int, j: int) -> str:
    return f"neuron {j + 1} of layer {layer}"


def shot_of(steps: int = 3, **changes):
    config = Config(dataset="xor", hidden=(3, 2), batch_size=4, **changes)
    trainer = Trainer(config, make_data(config))
    trainer.train(steps)
    return explain_samples(trainer.bare_state(), [2])


def test_a_neuron_card_shows_the_optimizers_memory_for_each_parameter():
    for optimizer, words in (("momentum", "velocity"), ("adam", "m ")):
        shot = shot_of(optimizer=optimizer)
        html = neuron_html(shot, 1, 0, 0, name_of)
        bias = parameter_index(shot.layer_sizes, 0, shot.layer_sizes[0], 0)
        assert words in html
        state = shot.step.optimizer_after
        key = "velocity" if optimizer == "momentum" else "m"
        assert fmt(float(state[key][bias])) in html


def test_a_dead_weight_says_the_optimizer_leaves_it(qapp):
    shot = shot_of(steps=200, regularization="l1", regularization_rate=0.03, learning_rate=0.3)
    dead = np.flatnonzero(shot.dead)
    assert dead.size, "L1 killed no weight: choose a stronger rate"
    index = int(dead[0])
    views = Network(shot.layer_sizes, "linear", "linear").views(np.arange(shot.step.params_before.size))
    layer, row, neuron = next(
        (l, i, j) for l, w in enumerate(views.weights) for i, j in zip(*np.nonzero(w == index))
    )
    card = ChainRuleCard()
    rule = chain_rule(shot, layer, int(row), int(neuron))
    card.show_rule(rule, shot, name_of, "that weight", ("x1", "x2"))
    assert "dead" in card.note.text() and shot.step.change[index] == 0.0
