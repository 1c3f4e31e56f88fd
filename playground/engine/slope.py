"""The loss along one parameter: the curve whose slope backprop computes, for the slope view.

For a shot (one sample or its mini-batch) and a parameter p (a flat index into Network.params),
everything else frozen, E(p) is the mean over the shot's samples of ½(out − t)² (multiclass:
−ln p_label under softmax), and the training set's E(p) the same mean over every training row
(the loss chart's "train" number). Both come from ``ShotLoss`` (gradient_check.py), i.e. from
``Network.forward`` itself:

    tangent     E(p) + slope · (v − p)            slope = backprop's ∂E/∂p for the shot
    the step    p → new_value                     the optimizer's own step (ShotStep.params_after)
    landing     E(new_value)                      on the true curve, this parameter moved alone
    prediction  E(p) + slope · (new_value − p)    where the tangent says the step lands
    secant      (E(p + h) − E(p − h)) / 2h        tends to the slope as h → 0

A large learning rate overshoots: the landing is far above the prediction.

Speed (measured here): for the default network (2 features, hidden 4-2, 500 points) 201 values
take about 6 ms over the 250 training rows and 3.5 ms for the shot's own curve (one forward pass
per value), so ``slope_data`` takes about 10 ms (11 ms with 450 training rows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from playground.engine.gradient_check import ShotLoss
from playground.engine.shot import Shot, network_of
from playground.engine.trainer_state import TrainerState

DEFAULT_POINTS = 201
MIN_HALF_WIDTH = 1.0  # the range spans at least p ± 1: enough to see a weight's curve bend
STEP_MARGIN = 1.5  # the range reaches 1.5 × the step beyond p, so the landing is well inside


@dataclass(frozen=True, eq=False)
class SlopeData:
    index: int  # flat parameter index
    value: float  # the parameter now
    values: np.ndarray  # (n,) the range of values plotted, around `value` (values[n // 2] == value)
    sample_loss: np.ndarray  # (n,) E of the shot's samples (mean ½(out − t)² or −ln p_label) at each value, all else frozen
    train_loss: np.ndarray  # (n,) mean E over the whole training set at each value
    loss_now: float  # E(value) for the shot's samples
    slope: float  # the analytic ∂E/∂p of the shot (backprop's number, shot.flat_gradient()[index])
    new_value: float  # the parameter after the optimizer's step (includes regularization)
    loss_at_new: float  # E(new_value) on the true curve (this parameter moved alone)
    predicted_at_new: float  # loss_now + slope · (new_value − value): where the tangent says it lands
    samples: int = 1  # how many samples the shot fired: 1 "this sample", more "this mini-batch"
    # E of the shot's samples at any value of this parameter (the same ShotLoss the curve came
    # from), for the secant and for a dragged marker's readout; None in hand-made data.
    shot_loss: ShotLoss | None = field(default=None, repr=False)

    @property
    def step(self) -> float:
        """new_value − value: what the optimizer does to this parameter."""
        return self.new_value - self.value

    def loss_at(self, value: float) -> float:
        """E of the shot's samples with this parameter at ``value`` (all else frozen)."""
        return self._loss().at(self.index, float(value))[0]

    def secant(self, h: float) -> tuple[float, float, float]:
        """(E(p − h), E(p + h), the secant's slope) for the shot's samples: as ``secant``."""
        return _secant(self._loss(), self.index, self.value, h)

    def _loss(self) -> ShotLoss:
        if self.shot_loss is None:
            raise ValueError("this slope data carries no loss function; make it with slope_data")
        return self.shot_loss


def half_width(value: float, new_value: float) -> float:
    """How far either side of ``value`` the curve is drawn.

    max(1, 1.5·|step|, |value|): at least ±1 so the curve's bend shows at the playground's weight
    scale; 1.5 × the optimizer's step so its landing point is always inside with room to spare;
    and |value| so a large weight's range reaches 0 (the network without this weight). A
    non-finite value or step (a diverged run) is left out of the rule.
    """
    candidates = [MIN_HALF_WIDTH]
    if math.isfinite(new_value - value):
        candidates.append(STEP_MARGIN * abs(new_value - value))
    if math.isfinite(value):
        candidates.append(abs(value))
    return max(candidates)


def value_range(value: float, new_value: float, points: int = DEFAULT_POINTS) -> np.ndarray:
    """(points,) evenly spaced values around ``value``; an odd count puts ``value`` itself exactly
    in the middle (the curve passes through the current point)."""
    if points < 3:
        raise ValueError(f"a slope curve needs at least 3 points; got {points}")
    half = half_width(value, new_value)
    values = np.linspace(value - half, value + half, points)
    if points % 2:
        values[points // 2] = value
    return values


def slope_data(state: TrainerState, shot: Shot, index: int, points: int = DEFAULT_POINTS) -> SlopeData:
    """E along parameter ``index`` for the shot's samples and for the training set."""
    _check_index(state, index)
    _check_same_network(state, shot)
    value = float(state.params[index])
    new_value = float(shot.step.params_after[index])
    slope = float(shot.flat_gradient()[index])
    values = value_range(value, new_value, points)
    sample = _shot_loss(state, shot)
    train = ShotLoss(network_of(state), state.config.features, state.data.train)
    loss_now = sample.at(index, value)[0]
    with np.errstate(all="ignore"):  # a diverged network: inf and NaN, not warnings
        predicted = loss_now + slope * (new_value - value)
    return SlopeData(
        index=index,
        value=value,
        values=values,
        sample_loss=sample.along(index, values),
        train_loss=train.along(index, values),
        loss_now=loss_now,
        slope=slope,
        new_value=new_value,
        loss_at_new=sample.at(index, new_value)[0],
        predicted_at_new=float(predicted),
        samples=shot.m,
        shot_loss=sample,
    )


def secant(state: TrainerState, shot: Shot, index: int, h: float) -> tuple[float, float, float]:
    """(E(p − h), E(p + h), (E(p + h) − E(p − h)) / 2h) for the shot's samples."""
    _check_index(state, index)
    _check_same_network(state, shot)
    return _secant(_shot_loss(state, shot), index, float(state.params[index]), h)


def _secant(loss: ShotLoss, index: int, value: float, h: float) -> tuple[float, float, float]:
    if not (math.isfinite(h) and h > 0):
        raise ValueError(f"h = {h!r} is not allowed; allowed: a number > 0")
    minus, plus = loss.at(index, value - h)[0], loss.at(index, value + h)[0]
    with np.errstate(all="ignore"):
        return minus, plus, float((plus - minus) / (2.0 * h))


def _shot_loss(state: TrainerState, shot: Shot) -> ShotLoss:
    return ShotLoss(network_of(state), state.config.features, shot.points)


def _check_index(state: TrainerState, index: int) -> None:
    if not 0 <= index < state.n_params:
        raise ValueError(f"parameter {index} does not exist; allowed: 0 … {state.n_params - 1}")


def _check_same_network(state: TrainerState, shot: Shot) -> None:
    """The shot must have been fired with this state's parameters, or its slope is another curve's."""
    if not np.array_equal(shot.step.params_before, state.params, equal_nan=True):
        raise ValueError("this shot was fired with other weights than this trainer state's; explain it again")
