"""The optional compiled kernel (playground/engine/kernel.c); everything else is in pyproject.toml.

It is a plain C library loaded with ctypes (playground/engine/compiled.py), built as a setuptools
extension marked optional: without a compiler the install succeeds and the NumPy engine runs.
-ffp-contract=off keeps products rounded as NumPy rounds them (no fused multiply-add), so the two
engines agree to 1e-12; x86-64-v2 (SSE4.2, 2009 and later) lets the compiler vectorise without
tying the library to the machine that built it.
"""

import platform

from setuptools import Extension, setup

FLAGS = ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math"]
if platform.machine().lower() in ("x86_64", "amd64"):
    FLAGS.append("-march=x86-64-v2")

setup(
    ext_modules=[
        Extension(
            "playground.engine._kernel",
            sources=["playground/engine/kernel.c"],
            extra_compile_args=FLAGS,
            libraries=["m"],
            optional=True,
        )
    ]
)
