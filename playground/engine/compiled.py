"""The compiled kernel (kernel.c) through ctypes: whole epochs in one call that releases the GIL.

``pip install`` compiles kernel.c into ``playground/engine/_kernel*.so`` (an optional setuptools
extension: without a compiler the install still succeeds) and the executable build ships it. It
is a plain C library, not a Python module, so it is loaded with ctypes, whose calls release the
GIL: the window's thread runs while a chunk of epochs trains. Without the library, or with
``PLAYGROUND_ENGINE=numpy`` in the environment, the NumPy engine (kernel.py) runs instead, with
the same results (the tests compare the two).
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import os
from pathlib import Path

import numpy as np

ENGINE_VARIABLE = "PLAYGROUND_ENGINE"  # "numpy" forces the NumPy engine
COMPILED, NUMPY = "compiled C", "NumPy"
LIBRARY_STEM = "_kernel"

# Codes shared with kernel.c's enums.
ACTIVATION_CODES = {
    "relu": 0, "tanh": 1, "sigmoid": 2, "linear": 3, "leaky_relu": 4, "elu": 5, "swish": 6, "sine": 7,
    "gaussian": 8, "softmax": 9,
}
PROBLEM_CODES = {"classification": 0, "regression": 1, "multiclass": 2}
OPTIMIZER_CODES = {"sgd": 0, "momentum": 1, "adam": 2}
REGULARIZATION_CODES = {"none": 0, "l1": 1, "l2": 2}
MAX_LAYERS = 66  # kernel.c's MAX_LAYERS (weight layers)

_double_p = ctypes.POINTER(ctypes.c_double)
_int64_p = ctypes.POINTER(ctypes.c_int64)


class Run(ctypes.Structure):
    """kernel.c's Run, field for field."""

    _fields_ = [
        ("n_layers", ctypes.c_int64), ("sizes", _int64_p),
        ("hidden_activation", ctypes.c_int64), ("output_activation", ctypes.c_int64),
        ("problem", ctypes.c_int64), ("optimizer", ctypes.c_int64), ("regularization", ctypes.c_int64),
        ("learning_rate", ctypes.c_double), ("regularization_rate", ctypes.c_double),
        ("batch_size", ctypes.c_int64), ("n_params", ctypes.c_int64),
        ("params", _double_p), ("alive", _double_p), ("weight_mask", _double_p),
        ("velocity", _double_p), ("second_moment", _double_p), ("adam_steps", _int64_p),
        ("pending", _double_p), ("pending_count", _int64_p),
        ("grad_sum", _double_p), ("grad_count", _int64_p),
        ("inputs", _double_p), ("targets", _double_p),
        ("n_train", ctypes.c_int64), ("n_all", ctypes.c_int64),
        ("scratch", _double_p), ("chunk", ctypes.c_int64), ("measure_all", ctypes.c_int64),
    ]


def library_path() -> Path | None:
    """The built library beside this module (any of this Python's extension suffixes), or None."""
    here = Path(__file__).resolve().parent
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = here / f"{LIBRARY_STEM}{suffix}"
        if path.is_file():
            return path
    return None


def _load() -> ctypes.CDLL | None:
    if os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "numpy":
        return None
    path = library_path()
    if path is None:
        return None
    try:
        library = ctypes.CDLL(str(path))
    except OSError:  # built for another machine, or damaged: the NumPy engine runs
        return None
    library.kernel_train_epochs.argtypes = [ctypes.POINTER(Run), ctypes.c_int64, _double_p]
    library.kernel_train_epochs.restype = ctypes.c_int64
    library.kernel_scratch_size.argtypes = [ctypes.c_int64, _int64_p, ctypes.c_int64, ctypes.c_int64]
    library.kernel_scratch_size.restype = ctypes.c_int64
    library.kernel_uses_avx2.restype = ctypes.c_int64
    return library


LIBRARY = _load()


def engine_name() -> str:
    """Which engine trains: "compiled C" or "NumPy"."""
    return COMPILED if LIBRARY is not None else NUMPY


def engine_description() -> str:
    """The engine, as `--version`, Help › About and `playground train` name it."""
    if LIBRARY is None:
        forced = os.environ.get(ENGINE_VARIABLE, "").strip().lower() == "numpy"
        return f"NumPy ({'PLAYGROUND_ENGINE=numpy' if forced else 'no compiled kernel built'})"
    return f"compiled C kernel, {'AVX2' if LIBRARY.kernel_uses_avx2() else 'SSE'}"


def pointer(array: np.ndarray, kind: type = ctypes.c_double):
    """A C pointer to a contiguous array's data (the caller keeps the array alive)."""
    if not array.flags.c_contiguous:
        raise ValueError("the compiled kernel needs contiguous arrays")
    return array.ctypes.data_as(ctypes.POINTER(kind))


def scratch_size(layer_sizes: np.ndarray, chunk: int, n_params: int) -> int:
    return int(LIBRARY.kernel_scratch_size(len(layer_sizes) - 1, pointer(layer_sizes, ctypes.c_int64), chunk, n_params))


def train_epochs(run: Run, epochs: int, rows: np.ndarray) -> int:
    """Run ``epochs`` epochs (fewer if one diverges) writing (epochs, 4) history rows; returns how
    many ran. The GIL is released for the whole call."""
    return int(LIBRARY.kernel_train_epochs(ctypes.byref(run), epochs, pointer(rows)))


EVALUATION_CHUNK = 256  # points per forward pass when the kernel measures the losses


class CompiledRun:
    """One trainer's Run: pointers into the trainer's own arrays (updated in place by the kernel),
    kept alive here, with the few Python-held counters copied in before a call and out after it.
    Rebuilt by the trainer whenever an array it points to is replaced (new data, batch size,
    optimizer or settings)."""

    def __init__(self, network, config, batch_size: int, arrays: dict[str, np.ndarray], n_train: int) -> None:
        """``arrays``: alive, pending, grad_sum, velocity, second_moment (the optimizer's, or
        None), features (n_all, k) and targets (n_all, n_outputs), training points first."""
        self.sizes = np.array(network.layer_sizes, dtype=np.int64)
        self.counters = np.zeros(3, dtype=np.int64)  # pending count, last update's count, adam's t
        self.mask = network.weight_mask.astype(np.float64)
        self.inputs = np.ascontiguousarray(arrays["features"].T)  # (k, n_all)
        self.targets = np.ascontiguousarray(arrays["targets"].T)  # (n_outputs, n_all)
        unused = np.zeros(1)
        self.arrays = {**arrays, "unused": unused}  # every array the Run points into stays alive
        chunk = max(batch_size, EVALUATION_CHUNK)
        self.scratch = np.zeros(scratch_size(self.sizes, chunk, network.size))
        self.run = Run(
            n_layers=network.n_layers, sizes=pointer(self.sizes, ctypes.c_int64),
            hidden_activation=ACTIVATION_CODES[network.activation.name],
            output_activation=ACTIVATION_CODES[network.output_activation.name],
            problem=PROBLEM_CODES[config.problem], optimizer=OPTIMIZER_CODES[config.optimizer],
            regularization=REGULARIZATION_CODES[config.regularization],
            learning_rate=config.learning_rate, regularization_rate=config.regularization_rate,
            batch_size=batch_size, n_params=network.size,
            params=pointer(network.params), alive=pointer(arrays["alive"]), weight_mask=pointer(self.mask),
            velocity=pointer(arrays["velocity"] if arrays["velocity"] is not None else unused),
            second_moment=pointer(arrays["second_moment"] if arrays["second_moment"] is not None else unused),
            adam_steps=pointer(self.counters[2:], ctypes.c_int64),
            pending=pointer(arrays["pending"]), pending_count=pointer(self.counters[0:], ctypes.c_int64),
            grad_sum=pointer(arrays["grad_sum"]), grad_count=pointer(self.counters[1:], ctypes.c_int64),
            inputs=pointer(self.inputs), targets=pointer(self.targets),
            n_train=n_train, n_all=self.inputs.shape[1],
            scratch=pointer(self.scratch), chunk=chunk, measure_all=1,
        )
        self.network = network  # params must stay this array: the Run points into it

    def train(
        self, epochs: int, counters: tuple[int, int, int], measure: bool = True
    ) -> tuple[np.ndarray, tuple[int, int, int]]:
        """(done, 4) history rows of up to ``epochs`` epochs, and the counters after them.
        ``measure=False``: only the last epoch is measured (the others' rows are NaN)."""
        self.counters[:] = counters
        self.run.measure_all = int(measure)
        rows = np.empty((epochs, 4))
        done = train_epochs(self.run, epochs, rows)
        if done < 0:
            raise RuntimeError("the compiled kernel refused this network")
        pending, last, steps = (int(c) for c in self.counters)
        return rows[:done], (pending, last, steps)
