"""Controllers with their worker threads, for tests without a window; shut down after each test."""

from __future__ import annotations

import pytest

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.trainer import Trainer
from playground.worker.controller import TrainingController

WAIT_MS = 20_000


@pytest.fixture
def make_controller(qtbot):
    made = []

    def make(config: Config | None = None) -> TrainingController:
        config = config or Config()
        controller = TrainingController(Trainer(config, make_data(config)))
        made.append(controller)
        qtbot.waitUntil(lambda: controller.snapshot is not None, timeout=WAIT_MS)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.thread_running
