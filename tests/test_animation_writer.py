"""The animation writers, without Qt: GIF written and read back, MP4 through ffmpeg (or a stand-in)."""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import pytest
from PIL import Image, ImageSequence

from playground.engine.frame_epochs import frame_epochs
from playground.ui import animation_writer
from playground.ui.animation_writer import GifWriter, Mp4Writer, frame_milliseconds, writer_for


def frames(n: int, height: int = 40, width: int = 60) -> list[np.ndarray]:
    """n different frames: a colour ramp whose split moves across, and a grey bar."""
    out = []
    for k in range(n):
        frame = np.zeros((height, width, 3), np.uint8)
        frame[:, : (k + 1) * width // (n + 1)] = (0xF5, 0x93, 0x22)  # the value scale's orange
        frame[:, (k + 1) * width // (n + 1):] = (0x08, 0x77, 0xBD)  # and blue
        frame[:5] = np.linspace(0, 255, width, dtype=np.uint8)[None, :, None]
        out.append(frame)
    return out


def test_a_gif_reads_back_frame_for_frame(tmp_path):
    path = tmp_path / "run.gif"
    writer = GifWriter(path, fps=10)
    given = frames(5)
    for frame in given:
        writer.add(frame)
    assert writer.finish() == path.stat().st_size
    durations = []
    with Image.open(path) as image:
        assert (image.n_frames, image.size, image.info["loop"]) == (5, (60, 40), 0)  # loops forever
        for k, frame in enumerate(ImageSequence.Iterator(image)):
            durations.append(frame.info["duration"])
            got = np.asarray(frame.convert("RGB")).astype(int)
            assert np.array_equal(got[5:], given[k][5:]), k  # flat colours exactly
            ramp_error = np.abs(got[:5].mean(axis=0) - given[k][:5].mean(axis=0)).mean()
            assert ramp_error <= 2.5, k  # the grey ramp, dithered: each column close on average
    assert durations == [100, 100, 100, 100, 1500]  # the last frame held
    assert os.listdir(tmp_path) == ["run.gif"]  # no temporary file left


def test_frame_times():
    assert frame_milliseconds(3, 10) == [100, 100, 1500]
    assert frame_milliseconds(2, 50) == [20, 1500]
    assert frame_milliseconds(2, 1) == [1000, 1500]
    assert frame_milliseconds(1, 3) == [1500]
    assert frame_milliseconds(0, 10) == []


def test_bad_frames_and_settings_are_refused_in_one_line(tmp_path):
    writer = GifWriter(tmp_path / "a.gif", fps=10)
    with pytest.raises(ValueError, match=r"must be \(height, width, 3\) uint8"):
        writer.add(np.zeros((4, 4), np.uint8))
    writer.add(frames(1)[0])
    with pytest.raises(ValueError, match="every frame must be 60 × 40 pixels; got 30 × 40"):
        writer.add(np.zeros((40, 30, 3), np.uint8))
    with pytest.raises(ValueError, match="at least one frame"):
        GifWriter(tmp_path / "b.gif", fps=10).finish()
    with pytest.raises(ValueError, match="allowed: 1 to 50"):
        writer_for("gif", tmp_path / "c.gif", 0)
    with pytest.raises(ValueError, match="allowed: gif, mp4"):
        writer_for("avi", tmp_path / "c.avi", 10)
    assert os.listdir(tmp_path) == []


def test_an_unwritable_place_raises_and_leaves_nothing(tmp_path):
    (tmp_path / "a file").write_text("x")
    writer = GifWriter(tmp_path / "a file" / "a.gif", fps=10)  # a folder that is a file: refused even to root
    writer.add(frames(1)[0])
    with pytest.raises(NotADirectoryError):
        writer.finish()
    assert os.listdir(tmp_path) == ["a file"]


def test_frame_epochs_spread_evenly_and_end_with_the_last():
    kept = np.array([e for e in range(600)] + [608, 624, 640, 700])
    assert list(frame_epochs(kept, 10, 14, 100)) == [10, 11, 12, 13, 14]
    chosen = frame_epochs(kept, 0, 700, 11)
    assert list(chosen) == [0, 70, 140, 210, 280, 350, 420, 490, 560, 624, 700]  # 630: 624 is nearer
    assert list(frame_epochs(kept, 0, 650, 1)) == [640]
    assert list(frame_epochs(kept, 0, 703, 3, current=703)) == [0, 351, 703]  # the live run ends it (351.5: the earlier on a tie)
    assert len(frame_epochs(kept, 701, 702, 5)) == 0
    with pytest.raises(ValueError, match="allowed: at least 1"):
        frame_epochs(kept, 0, 10, 0)


FAKE_FFMPEG = """#!{python}
import sys
data = sys.stdin.buffer.read()  # every frame, then the output file gets their byte count
open(sys.argv[-1], "w").write(str(len(data)))
"""


def test_mp4_pipes_even_rgb_frames_to_ffmpeg(tmp_path):
    """A stand-in ffmpeg that records what it was sent: the MP4 writer's side of the pipe."""
    fake = tmp_path / "ffmpeg"
    fake.write_text(FAKE_FFMPEG.format(python=sys.executable))
    fake.chmod(0o755)
    path = tmp_path / "out" / "run.mp4"
    path.parent.mkdir()
    writer = Mp4Writer(path, fps=4, ffmpeg=str(fake))
    for frame in frames(3, height=41, width=61):  # odd sides: cut to 40 × 60 for yuv420p
        writer.add(frame)
    writer.finish()
    sent = int(path.read_text())
    assert sent == (3 + 5) * 40 * 60 * 3  # 3 frames + the last held 1.5 s at 4 fps (5 more)
    assert os.listdir(path.parent) == ["run.mp4"]


def test_mp4_without_ffmpeg_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(animation_writer.shutil, "which", lambda name: None)
    with pytest.raises(OSError, match="MP4 needs the program ffmpeg"):
        writer_for("mp4", tmp_path / "a.mp4", 10)


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not on PATH (MP4 export is then not offered)")
def test_a_real_mp4(tmp_path):
    path = tmp_path / "run.mp4"
    writer = Mp4Writer(path, fps=10)
    for frame in frames(8):
        writer.add(frame)
    assert writer.finish() == path.stat().st_size > 0
    assert path.read_bytes()[4:8] == b"ftyp"  # an MP4 (ISO base media) file
