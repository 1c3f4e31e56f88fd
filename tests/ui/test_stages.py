"""The inspector's stages as data and words: what each stage lights, marks and says, from a Shot."""

from __future__ import annotations

import numpy as np
import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.explain_multiclass import softmax_terms
from playground.engine.number_text import number as fmt
from playground.engine.shot import explain_samples
from playground.engine.trainer import Trainer
from playground.ui import stage_text
from playground.ui.stage_text import shot_name, stage_html
from playground.ui.stages import Stage, last_index_of, stage_view, stages


def shot_of(**changes):
    config = Config(dataset="xor", hidden=(3, 2), batch_size=4, **changes)
    trainer = Trainer(config, make_data(config))
    trainer.train(2)
    state = trainer.bare_state()
    return state, explain_samples(state, [5])


def test_the_timeline_fires_forwards_and_blames_backwards():
    names = [(s.name, s.layer) for s in stages(3)]
    assert names == [("aim", None), ("fire", 0), ("fire", 1), ("fire", 2), ("miss", None),
                     ("blame", 2), ("blame", 1), ("blame", 0), ("correct", None), ("fire_again", None)]
    assert last_index_of("fire", 3) == 3 and last_index_of("blame", 3) == 7
    with pytest.raises(ValueError, match="allowed: aim"):
        last_index_of("reload", 3)


def test_fire_lights_layers_left_to_right_with_z_and_a():
    state, shot = shot_of()
    view = stage_view(shot, Stage("fire", 1))
    assert view.lit == {0, 1, 2}
    assert view.nodes[(2, 1)].text == f"z {fmt(shot.z[1][0, 1])}\na {fmt(shot.a[2][0, 1])}"
    assert (3, 0) not in view.nodes  # the output has not fired yet
    layer_of_edge = np.concatenate([np.full(w.size, l) for l, w in enumerate(shot.weights)])
    np.testing.assert_array_equal(view.edge_lit, layer_of_edge <= 1)


def test_blame_marks_delta_rings_by_sign_and_size_and_colours_edges_by_gradient():
    state, shot = shot_of()
    view = stage_view(shot, Stage("blame", 1))
    assert view.lit == {1, 2, 3}
    widths = {key: mark.ring_width for key, mark in view.nodes.items()}
    deltas = {(l + 1, j): abs(shot.bias_gradients[l][j]) for l in (1, 2) for j in range(len(shot.bias_gradients[l]))}
    largest = max(deltas, key=deltas.get)
    assert widths[largest] == max(widths.values())  # the largest |δ| has the widest ring
    gradients = np.concatenate([g.ravel() for g in shot.weight_gradients])
    reached = view.edge_lit
    scale = np.abs(gradients).max()
    np.testing.assert_allclose(view.edge_values[reached], gradients[reached] / scale)
    assert not view.edge_values[~reached].any()
    assert view.legend[1] == scale


def test_miss_and_fire_again_say_the_loss_with_its_numbers():
    state, shot = shot_of()
    miss = stage_html(shot, Stage("miss"), state.config)
    out, label = shot.outputs[0], shot.labels[0]
    assert f"½({fmt(out)} − {fmt(label)})²" in miss and fmt(shot.loss) in miss
    again = stage_html(shot, Stage("fire_again"), state.config)
    assert f"E {fmt(shot.loss)} → {fmt(shot.step.loss_after)}" in again


@pytest.mark.parametrize(("optimizer", "words"), [("sgd", "p ← p − η·∂E/∂p"), ("momentum", "velocity"), ("adam", "m̂")])
def test_correct_names_the_optimizer_rule_and_the_largest_steps(optimizer, words):
    state, shot = shot_of(optimizer=optimizer, regularization="l1", regularization_rate=0.01)
    text = stage_html(shot, Stage("correct"), state.config)
    assert words in text and "L1" in text and "dies" in text
    change = shot.step.change
    k = int(np.argmax(np.abs(change)))
    assert f"{fmt(shot.step.params_before[k])} → {fmt(shot.step.params_after[k])}" in text
    if optimizer != "sgd":  # the optimizer's memory of that parameter is shown beside its step
        key = "velocity" if optimizer == "momentum" else "m"
        assert f"{key} {fmt(float(shot.step.optimizer_after[key][k]))}" in text


def test_the_batch_shot_is_named_by_its_rows():
    state, _ = shot_of()
    shot = explain_samples(state, [4, 5, 6, 7])
    assert shot_name(shot, 1).startswith("the mini-batch #4–#7 (4 samples; neurons show sample #5")


@pytest.mark.parametrize(("broken", "value"), [(slice(0, 5), np.nan), (slice(None), np.nan), (slice(None), 1e300)])
def test_a_diverged_shot_is_drawn_and_said_without_warnings(broken, value):
    import dataclasses

    from playground.engine.chain_rule import chain_rule, chain_rule_markdown
    from playground.ui.inspector_cards import neuron_html

    state, _ = shot_of()
    params = state.params.copy()
    params[broken] = value
    params[5] = np.inf
    with np.errstate(all="ignore"):
        shot = explain_samples(dataclasses.replace(state, params=params), [5])
    with np.errstate(all="ignore"):  # as the inspector draws (Inspector._show_stage, _show_selection)
        for stage in stages(shot.n_layers):  # the suite turns warnings into errors
            view = stage_view(shot, stage)
            assert view.edge_values is None or view.edge_values.shape == (sum(w.size for w in shot.weights),)
            stage_html(shot, stage, state.config)
        for layer in range(shot.n_layers):
            chain_rule_markdown(chain_rule(shot, layer, 0, 0), "w", "n")
            neuron_html(shot, layer + 1, 0, 0, lambda l, j: "n")
    if np.isnan(value):
        assert "NaN" in stage_html(shot, Stage("miss"), state.config)


@pytest.mark.parametrize(("name", "expected"), [
    ("swish", "(−0.3)·σ(−0.3)"), ("gaussian", "e^(−(−0.3)²)"), ("leaky_relu", "(−0.3) if (−0.3) > 0 else 0.01·(−0.3)"),
    ("sigmoid", "1 / (1 + e^(−(−0.3)))"), ("tanh", "tanh(−0.3)"), ("elu", "(−0.3) if (−0.3) > 0 else e^(−0.3) − 1"),
])
def test_fire_fills_every_z_of_the_formula(name, expected):
    from playground.engine.activations import get_activation

    assert get_activation(name).formula_at(-0.3) == expected
    state, shot = shot_of(activation=name)
    z = float(shot.z[0][0, 0])
    assert get_activation(name).formula_at(z) in stage_html(shot, Stage("fire", 0), state.config).replace("&gt;", ">")


# ---------------------------------------------------------------- K classes

def multiclass_shot(rows=(5,)):
    config = Config(problem="multiclass", classes=3, dataset="blobs", hidden=(4,), batch_size=4, noise=30, seed=2)
    trainer = Trainer(config, make_data(config))
    trainer.train(1)
    state = trainer.bare_state()
    return state, explain_samples(state, list(rows))


def test_multiclass_stage_texts_hold_the_real_probabilities():
    state, shot = multiclass_shot()
    p, c = shot.outputs[0], int(shot.labels[0])
    fire = stage_html(shot, Stage("fire", 1), state.config)
    for k in range(3):  # softmax with its numbers: p_k = e^(z_k) / Σ_j e^(z_j)
        assert f"class {k}: z = " in fire
        assert f"p = {softmax_terms(shot.z[1][0], k)} = <b>{fmt(p[k])}</b>" in fire
    miss = stage_html(shot, Stage("miss"), state.config)
    assert "(" + ", ".join(fmt(v) for v in p) + ")" in miss
    assert f"E = −ln p<sub>{c}</sub> = −ln {fmt(p[c])}" in miss and fmt(shot.losses[0]) in miss
    blame = stage_html(shot, Stage("blame", 1), state.config)
    assert "p<sub>k</sub> − y<sub>k</sub>" in blame and "f′" not in blame.split("<br>")[1]
    hidden = stage_html(shot, Stage("blame", 0), state.config)
    assert "k runs over the classes" in hidden
    again = stage_html(shot, Stage("fire_again", None), state.config)
    assert f"E {fmt(shot.loss)} → {fmt(shot.step.loss_after)}" in again
    assert f"border of class {c}" in again
    assert shot_name(shot).endswith(f", class {c}")


def test_multiclass_stage_views_mark_p_y_delta_and_p_after_on_every_class():
    state, shot = multiclass_shot()
    p, c = shot.outputs[0], int(shot.labels[0])
    fire = stage_view(shot, Stage("fire", 1))
    assert fire.nodes[(2, 1)].text == f"z {fmt(shot.z[1][0, 1])}\np {fmt(p[1])}"
    miss = stage_view(shot, Stage("miss"))
    assert [miss.nodes[(2, k)].text.split("\n")[0] for k in range(3)] == [
        f"p {fmt(p[k])}  y {1 if k == c else 0}" for k in range(3)]
    blame = stage_view(shot, Stage("blame", 1))
    assert [blame.nodes[(2, k)].text for k in range(3)] == [f"δ {fmt(shot.delta[1][0, k])}" for k in range(3)]
    assert blame.lit == {1, 2}  # the output layer and the neurons feeding it
    again = stage_view(shot, Stage("fire_again"))
    after = shot.step.outputs_after[0]
    assert again.nodes[(2, c)].text.startswith(f"p {fmt(p[c])} → {fmt(after[c])}")
    assert "\nE " in again.nodes[(2, c)].text and "\nE " not in again.nodes[(2, (c + 1) % 3)].text


def test_a_multiclass_mini_batch_shows_the_mean_loss_and_mean_deltas():
    state, shot = multiclass_shot(rows=(4, 5, 6, 7))
    miss = stage_html(shot, Stage("miss"), state.config, sample=1)
    assert "mean over its 4 samples" in miss and fmt(shot.loss) in miss
    np.testing.assert_allclose(shot.bias_gradients[1], (shot.outputs - shot.targets).mean(axis=0), rtol=0, atol=1e-15)
    blame = stage_html(shot, Stage("blame", 1), state.config, sample=1)
    for k in range(3):
        assert f"class {k}: δ = <b>{fmt(shot.bias_gradients[1][k])}</b>" in blame


def test_multiclass_correct_names_output_parameters_by_class():
    state, shot = multiclass_shot()  # features x1 x2, hidden [4], three classes
    names = [stage_text._parameter_name(shot, k) for k in range(shot.step.params_before.size)]
    assert names[:3] == ["w(1: 1→1)", "w(1: 2→1)", "b(1: 1)"]
    assert names[-5:] == ["w(2: 1→class 2)", "w(2: 2→class 2)", "w(2: 3→class 2)", "w(2: 4→class 2)", "b(2: class 2)"]
    text = stage_html(shot, Stage("correct"), state.config)
    largest = int(np.argmax(np.abs(shot.step.change)))
    assert names[largest] in text
