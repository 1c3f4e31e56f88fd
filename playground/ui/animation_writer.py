"""Frames (H, W, 3) uint8 → an animated GIF (Pillow) or an MP4 (an ``ffmpeg`` found on PATH).

Qt-free, so it is tested and usable on its own. A writer takes frames one at a time (``add``),
so a long animation never holds every full-colour frame: the GIF writer keeps each frame as
its own 256-colour palette image (a third of the bytes), the MP4 writer pipes it to ffmpeg at
once. ``finish`` writes the file atomically (engine/files.py: a temporary file beside the
target, renamed over it), so a failure or a cancel leaves no partial file and an old file whole.
The last frame is held for HOLD_LAST_SECONDS, so a looping animation shows where training got.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

import numpy as np

from playground.engine.files import atomic_write_bytes

GIF, MP4 = "gif", "mp4"
FORMATS = (GIF, MP4)
HOLD_LAST_SECONDS = 1.5  # the last frame stays this long (or one frame's time, if longer)
MIN_FPS, MAX_FPS = 1, 50  # a GIF's frame time is counted in hundredths: 50 fps = 2 of them
FFMPEG_TIMEOUT_SECONDS = 120  # for ffmpeg to finish encoding once every frame was sent


def ffmpeg_path() -> str | None:
    """The ffmpeg executable on PATH, or None (then MP4 is not offered)."""
    return shutil.which("ffmpeg")


def frame_milliseconds(n_frames: int, fps: int) -> list[int]:
    """Each frame's display time: 1000/fps (rounded to the GIF's hundredths), the last held longer."""
    step = max(20, int(round(100 / fps)) * 10)
    return [step] * (n_frames - 1) + [max(step, int(HOLD_LAST_SECONDS * 1000))] if n_frames else []


def _checked(frame: np.ndarray, shape: tuple[int, ...] | None) -> np.ndarray:
    frame = np.asarray(frame)
    if frame.dtype != np.uint8 or frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"a frame must be (height, width, 3) uint8; got {frame.shape} {frame.dtype}")
    if shape is not None and frame.shape != shape:
        raise ValueError(f"every frame must be {shape[1]} × {shape[0]} pixels; got {frame.shape[1]} × {frame.shape[0]}")
    return np.ascontiguousarray(frame)


class GifWriter:
    """An animated GIF that loops forever; each frame gets its own 256 colours, dithered."""

    def __init__(self, path: str | os.PathLike[str], fps: int) -> None:
        from PIL import Image  # loaded when a GIF is made, not when the window opens (13 ms)

        self._image = Image
        self.path, self.fps = os.fspath(path), int(fps)
        self._frames: list = []  # PIL.Image.Image in mode P
        self._shape: tuple[int, ...] | None = None

    def add(self, frame: np.ndarray) -> None:
        frame = _checked(frame, self._shape)
        self._shape = frame.shape
        # Each frame gets its own 256 colours (Pillow's fast octree), then Floyd–Steinberg
        # dithering onto them. Measured on 60 frames of the circle at 960 px: undithered, 7 ms a
        # frame and 1.2 MB, but the maps' smooth ramps band into contour lines that look like
        # level sets the network does not have; dithered, 19 ms and 3.1 MB, and the maps look as
        # in the window. Median cut and max coverage band as much and take 35–40 ms.
        image_module = self._image
        image = image_module.fromarray(frame, "RGB")
        palette = image.quantize(256, method=image_module.Quantize.FASTOCTREE, dither=image_module.Dither.NONE)
        image = image.quantize(palette=palette, dither=image_module.Dither.FLOYDSTEINBERG)
        self._frames.append(image)

    def finish(self) -> int:
        """Write the file; its size in bytes. ValueError without frames, OSError if it cannot be written."""
        if not self._frames:
            raise ValueError("an animation needs at least one frame")
        first, *rest = self._frames
        buffer = io.BytesIO()
        first.save(buffer, "GIF", save_all=True, append_images=rest, loop=0,
                   duration=frame_milliseconds(len(self._frames), self.fps), optimize=False, disposal=1)
        atomic_write_bytes(self.path, buffer.getvalue())
        self._frames = []
        return len(buffer.getvalue())

    def abort(self) -> None:
        self._frames = []


class Mp4Writer:
    """H.264 in MP4 (yuv420p: every player takes it), encoded by ffmpeg as the frames arrive."""

    def __init__(self, path: str | os.PathLike[str], fps: int, ffmpeg: str | None = None) -> None:
        self.path, self.fps = os.fspath(path), int(fps)
        self._ffmpeg = ffmpeg or ffmpeg_path()
        if self._ffmpeg is None:
            raise OSError("MP4 needs the program ffmpeg, which is not on PATH; allowed without it: GIF")
        self._folder = tempfile.mkdtemp(prefix="playground-mp4-")  # ffmpeg's output; copied atomically at the end
        self._output = os.path.join(self._folder, "animation.mp4")
        self._process: subprocess.Popen | None = None
        self._shape: tuple[int, ...] | None = None
        self._last: np.ndarray | None = None

    def _start(self, height: int, width: int) -> subprocess.Popen:
        command = [
            self._ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(self.fps), "-i", "-",
            "-an", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", self._output,
        ]
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def add(self, frame: np.ndarray) -> None:
        frame = _even(_checked(frame, None))
        if self._shape is not None and frame.shape != self._shape:
            _checked(frame, self._shape)  # raises: frames must all be the same size
        if self._process is None:
            self._shape = frame.shape
            self._process = self._start(frame.shape[0], frame.shape[1])
        self._send(frame)
        self._last = frame

    def _send(self, frame: np.ndarray) -> None:
        try:
            self._process.stdin.write(frame.tobytes())
        except (BrokenPipeError, OSError):
            raise OSError(f"ffmpeg stopped: {self._error_text()}") from None

    def _error_text(self) -> str:
        process = self._process
        process.kill()
        _, err = process.communicate()
        lines = err.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {process.returncode}"

    def finish(self) -> int:
        """Encode, then write the file atomically; its size in bytes. OSError says why it could not."""
        if self._process is None or self._last is None:
            raise ValueError("an animation needs at least one frame")
        try:
            for _ in range(max(0, int(round(HOLD_LAST_SECONDS * self.fps)) - 1)):  # hold the last frame
                self._send(self._last)
            try:
                _, err = self._process.communicate(timeout=FFMPEG_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                raise OSError(f"ffmpeg did not finish within {FFMPEG_TIMEOUT_SECONDS} s") from None
            if self._process.returncode != 0:
                lines = err.decode("utf-8", "replace").strip().splitlines()
                raise OSError(f"ffmpeg failed: {lines[-1] if lines else f'exit status {self._process.returncode}'}")
            with open(self._output, "rb") as stream:
                data = stream.read()
            atomic_write_bytes(self.path, data)
            return len(data)
        finally:
            self.abort()

    def abort(self) -> None:
        """Stop ffmpeg (if running) and remove its output; safe to call twice."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        shutil.rmtree(self._folder, ignore_errors=True)


def _even(frame: np.ndarray) -> np.ndarray:
    """yuv420p halves the colour resolution: both sides must be even (an odd last row or column is cut)."""
    height, width = frame.shape[0] & ~1, frame.shape[1] & ~1
    return frame if frame.shape[:2] == (height, width) else np.ascontiguousarray(frame[:height, :width])


def writer_for(kind: str, path: str | os.PathLike[str], fps: int) -> GifWriter | Mp4Writer:
    """The writer of ``kind`` (GIF or MP4); ValueError names what is allowed."""
    if kind not in FORMATS:
        raise ValueError(f"animation format {kind!r} is not allowed; allowed: {', '.join(FORMATS)}")
    if not MIN_FPS <= int(fps) <= MAX_FPS:
        raise ValueError(f"{fps} frames per second is not allowed; allowed: {MIN_FPS} to {MAX_FPS}")
    return GifWriter(path, fps) if kind == GIF else Mp4Writer(path, fps)
