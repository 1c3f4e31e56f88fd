"""Write the lessons (resources/lessons/*.json) with the project's own engine.

Each lesson is an experiment file at epoch 0: a config, its seeded data and initial weights, and a
description that says what it sets up and what to look for. tests/test_lessons.py trains each one
headlessly and checks that it shows what its description says; change a lesson here, run
`.venv/bin/python tools/make_lessons.py`, then run that test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playground.engine.config import Config
from playground.engine.data import make_data
from playground.engine.experiment import write_experiment
from playground.engine.trainer import Trainer

FOLDER = Path(__file__).resolve().parents[1] / "resources" / "lessons"
ALL_FEATURES = ("x1", "x2", "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2")

# file name (its menu title, see resource_files.lesson_title) → (config, description)
LESSONS: dict[str, tuple[Config, str]] = {
    "01-a-linear-model-cannot-do-XOR": (
        Config(dataset="xor", hidden=(), learning_rate=0.03),
        "No hidden layer: the output is tanh of one weighted sum of x1 and x2, so its boundary is a single "
        "straight line, and XOR needs two. Press Play and watch the test accuracy stay near 50 % however long "
        "it trains. Then add a hidden layer of 4 neurons and Play again: the boundary bends around the four "
        "quadrants and the accuracy passes 90 % within 300 epochs.",
    ),
    "02-too-high-a-learning-rate-diverges": (
        Config(problem="regression", dataset="plane", hidden=(4, 2), learning_rate=3.0),
        "A regression of the plane with the learning rate at 3, a hundred times the default. Press Play: "
        "within a few epochs the loss grows instead of falling and turns to NaN (the picture goes grey), "
        "because every step overshoots the bottom of the valley by more than it gained. Set the learning "
        "rate to 0.03, press Reset and Play: the same network settles within a hundred epochs.",
    ),
    "03-L1-kills-weights": (
        Config(dataset="circle", features=ALL_FEATURES, hidden=(6, 4), learning_rate=0.1,
               regularization="l1", regularization_rate=0.003),
        "All seven features into a 6-4 network, with L1 regularization at 0.003. Press Play and watch the "
        "edges: L1 pulls every weight toward zero at the same pace, so the weights the data does not need "
        "reach zero and die, while the boundary stays a clean circle. After 300 epochs only x1² and x2² are "
        "still connected to the network: L1 has picked the two features a circle needs.",
    ),
    "04-vanishing-gradients-with-sigmoid-in-6-layers": (
        Config(dataset="circle", hidden=(8, 8, 8, 8, 8, 8), activation="sigmoid", learning_rate=0.03),
        "Six hidden layers of 8 sigmoid neurons on the circle. Press Play: the loss stays near 0.5 and the "
        "accuracy near 50 %, because each sigmoid layer multiplies the error sent back by at most 0.25; the "
        "chart 'Gradient size per layer' shows the first layer's gradient about a thousand times smaller "
        "than the last's, and the edges near the inputs stay grey. Switch the activation to tanh and the "
        "same network learns the circle.",
    ),
    "05-features-make-the-spiral-easy": (
        Config(dataset="spiral", features=ALL_FEATURES, hidden=(8, 4), learning_rate=0.03),
        "The spiral with all seven features (x1, x2, their squares, x1·x2, sin x1 and sin x2) into a network "
        "of 8 and 4 neurons. Press Play: within 300 epochs the boundary follows both arms and the test "
        "accuracy passes 90 %, because the sines already wind around the origin. Untick every feature but "
        "x1 and x2 and Play again: the same network is still near 60 % at epoch 300.",
    ),
    "06-momentum-vs-SGD-from-the-same-start": (
        Config(dataset="spiral", hidden=(8, 8), learning_rate=0.01, optimizer="sgd"),
        "Plain SGD at learning rate 0.01 on the spiral, a network of 8 and 8. Press Play and note the test "
        "loss at epoch 200: it has barely left 0.5. Then open this lesson again and choose Momentum in the "
        "Optimizer box before Play: from the same weights and data, the velocity adds up steps that keep "
        "pointing the same way, and by epoch 200 the loss is less than half of SGD's.",
    ),
    "07-four-classes-of-blobs": (
        Config(problem="multiclass", dataset="blobs", classes=4, hidden=(4,), learning_rate=0.03),
        "Four blobs, four classes: the network has one output per class (softmax), and each point of the "
        "plane takes the colour of its most likely class. Press Play: within 200 epochs the plane splits into "
        "four regions and every test point is classified right. The Confusion tab beside the loss shows "
        "which classes were mistaken for which on the way.",
    ),
}


def main() -> int:
    FOLDER.mkdir(exist_ok=True)
    for name, (config, description) in LESSONS.items():
        trainer = Trainer(config, make_data(config))  # epoch 0: the learner presses Play
        path = FOLDER / f"{name}.json"
        write_experiment(trainer.state(), path, description)
        print(f"{path.relative_to(FOLDER.parents[1])}: {len(description)} characters of description")
    return 0


if __name__ == "__main__":
    sys.exit(main())
