"""The optional compiled kernel (playground/engine/kernel.c); everything else is in pyproject.toml.

It is a plain C library loaded with ctypes (playground/engine/compiled.py), built as a setuptools
extension marked optional: without a compiler the install succeeds and the NumPy engine runs.
-ffp-contract=off keeps products rounded as NumPy rounds them (no fused multiply-add), so the two
engines agree to 1e-12; x86-64-v2 (SSE4.2, 2009 and later) lets the compiler vectorise without
tying the library to the machine that built it (kernel.c adds an AVX2 clone of its entry point,
chosen at load time). -fno-math-errno and -fno-trapping-math change no result; they let the
compiler vectorise the loops that compare and select.
"""

import platform

from setuptools import Extension, setup

FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]
if platform.machine().lower() in ("x86_64", "amd64"):
    FLAGS.append("-march=x86-64-v2")
# Python's own flags add -g; the library ships inside the executable, so its debug sections go.
LINK_FLAGS = ["-Wl,--strip-debug"] if platform.system() == "Linux" else []

setup(
    ext_modules=[
        Extension(
            "playground.engine._kernel",
            sources=["playground/engine/kernel.c"],
            extra_compile_args=FLAGS,
            extra_link_args=LINK_FLAGS,
            libraries=["m"],
            optional=True,
        )
    ]
)
