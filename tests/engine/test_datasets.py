from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

from playground.engine.datasets import (
    CLASSIFICATION_DATASETS,
    DATASET_POINTS,
    REGRESSION_DATASETS,
    DataError,
    generate,
    load_csv,
    save_csv,
    shuffle_split,
)

ALL_DATASETS = CLASSIFICATION_DATASETS + REGRESSION_DATASETS


def rng(seed: int = 7) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------- generators


def test_dataset_names() -> None:
    assert CLASSIFICATION_DATASETS == ("circle", "xor", "gauss", "spiral")
    assert REGRESSION_DATASETS == ("plane", "multigauss")


@pytest.mark.parametrize("name", ALL_DATASETS)
@pytest.mark.parametrize("noise", [0, 25, 50])
def test_shape_and_count(name: str, noise: float) -> None:
    points = generate(name, noise, rng())
    n = 500 if name in CLASSIFICATION_DATASETS else 1200
    assert DATASET_POINTS[name] == n
    assert points.shape == (n, 3)
    assert points.dtype == np.float64
    assert np.isfinite(points).all()


@pytest.mark.parametrize("name", CLASSIFICATION_DATASETS)
@pytest.mark.parametrize("noise", [0, 50])
def test_classification_labels_are_plus_or_minus_one(name: str, noise: float) -> None:
    labels = generate(name, noise, rng())[:, 2]
    assert set(np.unique(labels)) == {-1.0, 1.0}


@pytest.mark.parametrize("name", ["circle", "gauss", "spiral"])
def test_balanced_250_250_at_noise_0(name: str) -> None:
    labels = generate(name, 0, rng())[:, 2]
    assert (labels == 1).sum() == 250
    assert (labels == -1).sum() == 250


def test_xor_is_roughly_balanced() -> None:
    for seed in range(5):
        positives = (generate("xor", 0, rng(seed))[:, 2] == 1).sum()
        assert 200 <= positives <= 300


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_points_lie_within_about_6(name: str) -> None:
    # gauss at high noise has variance 4 around (±2, ±2); its tails leave [-6, 6] as in the original.
    noises = [0] if name == "gauss" else [0, 50]
    for noise in noises:
        xy = generate(name, noise, rng())[:, :2]
        assert np.abs(xy).max() <= 6.0


def test_circle_radii_and_labels_at_noise_0() -> None:
    points = generate("circle", 0, rng())
    r = np.hypot(points[:, 0], points[:, 1])
    assert (r[:250] < 2.5).all() and (points[:250, 2] == 1).all()
    assert ((r[250:] >= 3.5) & (r[250:] <= 5)).all() and (points[250:, 2] == -1).all()


@pytest.mark.parametrize("name", ["circle", "xor", "plane", "multigauss"])
def test_noise_changes_labels_but_not_points(name: str) -> None:
    calm = generate(name, 0, rng(11))
    noisy = generate(name, 50, rng(11))
    np.testing.assert_array_equal(calm[:, :2], noisy[:, :2])
    assert (calm[:, 2] != noisy[:, 2]).sum() > 20


def test_circle_noise_labels_follow_the_noisy_point() -> None:
    # At noise 50 some inner points are labelled -1 and some outer ones +1.
    labels = generate("circle", 50, rng())[:, 2]
    assert (labels[:250] == -1).any()
    assert (labels[250:] == 1).any()


def test_xor_points_are_padded_away_from_the_axes_and_labelled_by_quadrant() -> None:
    points = generate("xor", 0, rng())
    x, y, label = points.T
    assert (np.abs(x) >= 0.3).all() and (np.abs(y) >= 0.3).all()
    assert (np.abs(points[:, :2]) <= 5.3).all()
    np.testing.assert_array_equal(label, np.where(x * y >= 0, 1.0, -1.0))


def test_gauss_blobs_and_their_spread_grows_with_noise() -> None:
    spreads = []
    for noise in (0, 25, 50):
        points = generate("gauss", noise, rng())
        pos, neg = points[:250], points[250:]
        assert (pos[:, 2] == 1).all() and (neg[:, 2] == -1).all()
        np.testing.assert_allclose(pos[:, :2].mean(axis=0), [2, 2], atol=0.5)  # 4 standard errors at std 2
        np.testing.assert_allclose(neg[:, :2].mean(axis=0), [-2, -2], atol=0.5)  # 4 standard errors at std 2
        spreads.append(np.concatenate([pos[:, :2] - 2, neg[:, :2] + 2]).var())
    # Variance 0.5 at noise 0, 0.5 + 3.5·0.5 = 2.25 at noise 25, 4 at noise 50.
    assert spreads[0] < spreads[1] < spreads[2]
    np.testing.assert_allclose(spreads, [0.5, 2.25, 4.0], rtol=0.15)


def test_spiral_at_noise_0_follows_the_formula_exactly() -> None:
    points = generate("spiral", 0, rng())
    for arm, (delta, label) in enumerate([(0.0, 1.0), (math.pi, -1.0)]):
        for i in (0, 1, 17, 125, 249):
            r = 5 * i / 250
            t = 1.75 * 2 * math.pi * i / 250 + delta
            x, y, lab = points[arm * 250 + i]
            assert lab == label
            assert x == pytest.approx(r * math.sin(t), abs=1e-13)
            assert y == pytest.approx(r * math.cos(t), abs=1e-13)


def test_spiral_noise_moves_each_coordinate_by_at_most_half() -> None:
    calm = generate("spiral", 0, rng(3))
    noisy = generate("spiral", 50, rng(3))
    shift = noisy[:, :2] - calm[:, :2]
    assert np.abs(shift).max() <= 0.5
    assert np.abs(shift).max() > 0.4
    np.testing.assert_array_equal(calm[:, 2], noisy[:, 2])


def test_plane_label_is_x_plus_y_over_10_at_noise_0() -> None:
    x, y, label = generate("plane", 0, rng()).T
    np.testing.assert_array_equal(label, (x + y) / 10)


def test_plane_noise_offsets_the_label_by_at_most_the_noisy_shift() -> None:
    x, y, label = generate("plane", 50, rng()).T
    # Offsets U(-6, 6)·0.5 on x and y: the label moves by at most (3 + 3)/10.
    offset = label - (x + y) / 10
    assert np.abs(offset).max() <= 0.6 + 1e-12
    assert np.abs(offset).max() > 0.4


def test_multigauss_label_at_noise_0() -> None:
    points = generate("multigauss", 0, rng())
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]
    for x, y, label in points[:100]:
        values = [s * max(0.0, 1 - math.hypot(x - cx, y - cy) / 2) for cx, cy, s in centres]
        assert label == pytest.approx(max(values, key=abs), abs=1e-12)
    assert (np.abs(points[:, 2]) <= 1).all()
    assert (points[:, 2] > 0.5).any() and (points[:, 2] < -0.5).any()
    assert (points[:, 2] == 0).any()  # far from every centre


@pytest.mark.parametrize("name", ALL_DATASETS)
def test_same_seed_same_data_different_seed_different_data(name: str) -> None:
    np.testing.assert_array_equal(generate(name, 20, rng(5)), generate(name, 20, rng(5)))
    assert not np.array_equal(generate(name, 20, rng(5)), generate(name, 20, rng(6)))


def test_unknown_dataset_and_bad_noise_are_refused() -> None:
    with pytest.raises(ValueError, match="'moons'.*circle"):
        generate("moons", 0, rng())
    for noise in (-1, 51, float("nan")):
        with pytest.raises(ValueError, match="0 to 50"):
            generate("circle", noise, rng())


# ---------------------------------------------------------------- shuffle_split


@pytest.mark.parametrize(
    ("n", "ratio", "n_train"),
    [(500, 10, 50), (500, 50, 250), (500, 90, 450), (7, 50, 3), (7, 10, 0), (7, 90, 6),
     (1201, 50, 600), (3, 90, 2)],
)
def test_split_sizes(n: int, ratio: float, n_train: int) -> None:
    points = np.arange(n * 3, dtype=np.float64).reshape(n, 3)
    train, test = shuffle_split(points, ratio, rng())
    assert len(train) == n_train == math.floor(n * ratio / 100)
    assert len(test) == n - n_train


def test_split_is_a_permutation_of_the_input_and_returns_copies() -> None:
    points = generate("spiral", 10, rng())
    before = points.copy()
    train, test = shuffle_split(points, 50, rng(1))
    joined = np.concatenate([train, test])
    assert not np.array_equal(joined, points)  # shuffled
    order = lambda a: a[np.lexsort(a.T[::-1])]  # noqa: E731
    np.testing.assert_array_equal(order(joined), order(points))
    train[:] = 0
    test[:] = 0
    np.testing.assert_array_equal(points, before)


def test_split_matches_one_permutation_from_the_generator() -> None:
    points = np.arange(30, dtype=np.float64).reshape(10, 3)
    train, test = shuffle_split(points, 30, rng(4))
    perm = rng(4).permutation(10)
    np.testing.assert_array_equal(np.concatenate([train, test]), points[perm])


def test_split_ratio_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="0 to 100"):
        shuffle_split(np.zeros((4, 3)), 120, rng())


# ---------------------------------------------------------------- CSV


def write(tmp_path: Path, text: str, name: str = "points.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_with_header_whitespace_and_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "X, Y ,Label\n\n 1.5, -2 , 1\n   \n0,3e-1,-1.0\r\n")
    points = load_csv(path, "classification")
    np.testing.assert_array_equal(points, [[1.5, -2, 1], [0, 0.3, -1]])
    assert points.dtype == np.float64


def test_load_without_header(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2,1\n3,4,-1\n5,6,+1\n")
    np.testing.assert_array_equal(
        load_csv(str(path), "classification"), [[1, 2, 1], [3, 4, -1], [5, 6, 1]]
    )


def test_load_regression_labels(tmp_path: Path) -> None:
    path = write(tmp_path, "x,y,label\n1,2,0.25\n-3,4,-17.5\n0,0,0\n")
    np.testing.assert_array_equal(
        load_csv(path, "regression"), [[1, 2, 0.25], [-3, 4, -17.5], [0, 0, 0]]
    )


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfx,y,label\n1,2,1\n3,4,-1\n")
    assert load_csv(path, "classification").shape == (2, 3)


def refusal(path: Path, problem: str = "classification") -> str:
    with pytest.raises(DataError) as info:
        load_csv(path, problem)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message
    return message


def test_missing_file(tmp_path: Path) -> None:
    message = refusal(tmp_path / "nothere.csv")
    assert "no such file" in message


def test_directory_and_bad_bytes(tmp_path: Path) -> None:
    assert "directory" in refusal(tmp_path)
    path = tmp_path / "binary.csv"
    path.write_bytes(b"x,y,label\n1,2,\xff\xfe\n")
    assert "UTF-8" in refusal(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2,1\n3,4,-1\n")
    path.chmod(0)
    assert "ermission" in refusal(path)


def test_empty_file(tmp_path: Path) -> None:
    assert "is empty" in refusal(write(tmp_path, "\n  \n"))


def test_header_only(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "x,y,label\n"))
    assert "header but no points" in message
    assert "at least 2" in message


def test_one_point_is_too_few(tmp_path: Path) -> None:
    assert "at least 2" in refusal(write(tmp_path, "1,2,0.5\n"), "regression")


def test_wrong_header(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "a,b,c\n1,2,1\n3,4,-1\n"))
    assert "line 1" in message and "x,y,label" in message


def test_missing_column(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "x,y,label\n1,2,1\n\n3,4\n"))
    assert "line 4" in message
    assert "2 columns" in message and "exactly 3" in message


def test_extra_column(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "1,2,1\n3,4,-1,9\n"))
    assert "line 2" in message
    assert "4 columns" in message and "exactly 3" in message


def test_non_numeric_cell(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "x,y,label\n1,2,1\n3,abc,-1\n"))
    assert "line 3, column 'y'" in message
    assert "'abc'" in message and "finite numbers" in message


def test_nan_and_inf_cells(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "1,2,1\nnan,4,-1\n"))
    assert "line 2, column 'x'" in message and "'nan'" in message and "finite" in message
    message = refusal(write(tmp_path, "1,2,0.5\n3,4,inf\n"), "regression")
    assert "line 2, column 'label'" in message and "'inf'" in message


@pytest.mark.parametrize("bad", ["0.5", "2", "0"])
def test_wrong_class_label(tmp_path: Path, bad: str) -> None:
    message = refusal(write(tmp_path, f"x,y,label\n1,2,1\n3,4,-1\n5,6,{bad}\n"))
    assert f"line 4, column 'label': '{bad}' is not a class label" in message
    assert "allowed: -1 or 1 for classification" in message


def test_one_class_only(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "1,2,1\n3,4,1\n5,6,1.0\n"))
    assert "label 1" in message and "-1 and 1" in message
    # The same file is fine for regression.
    assert load_csv(tmp_path / "points.csv", "regression").shape == (3, 3)


def test_long_or_odd_cells_are_shown_shortly_on_one_line(tmp_path: Path) -> None:
    message = refusal(write(tmp_path, "1,2,1\n3," + "z" * 500 + ",-1\n"))
    assert len(message) < 300
    message = refusal(write(tmp_path, '1,2,1\n3,"a\nb",-1\n'))
    assert "column 'y'" in message


def test_unknown_problem_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="classification, regression"):
        load_csv(write(tmp_path, "1,2,1\n3,4,-1\n"), "ranking")


def test_save_load_round_trip_is_bit_exact(tmp_path: Path) -> None:
    points = generate("multigauss", 30, rng())
    points[0, :2] = [-0.0, 1e-300]
    points[1, :2] = [0.1 + 0.2, -5e-324]
    path = tmp_path / "saved.csv"
    save_csv(path, points)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "x,y,label"
    loaded = load_csv(path, "regression")
    assert loaded.tobytes() == points.tobytes()
    classes = generate("spiral", 40, rng())
    save_csv(str(path), classes)
    assert load_csv(path, "classification").tobytes() == classes.tobytes()


def test_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = write(tmp_path, "old contents\n", "out.csv")
    save_csv(path, np.array([[1.0, 2.0, 1.0], [3.0, 4.0, -1.0]]))
    assert path.read_text(encoding="utf-8") == "x,y,label\n1.0,2.0,1.0\n3.0,4.0,-1.0\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_save_refuses_bad_points_and_keeps_the_old_file(tmp_path: Path) -> None:
    path = write(tmp_path, "kept\n", "out.csv")
    with pytest.raises(ValueError, match=r"\(n, 3\)"):
        save_csv(path, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        save_csv(path, np.array([[1.0, np.nan, 1.0]]))
    assert path.read_text(encoding="utf-8") == "kept\n"
