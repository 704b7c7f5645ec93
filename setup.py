"""Build the checker's optional C helpers; the rest is in pyproject.toml.

* guildhall/checker/_views.c: the narrow and UTF-16 views (no library needed);
* guildhall/checker/_native.c: the per-chunk work (scans with libhs, exact
  anchors, validation, windows, overlaps, findings), linked with the system's
  libhs (Debian: libvectorscan-dev, which `make install` installs).

Both are optional: when one cannot be compiled (no compiler, no libhs headers)
the checker uses its pure-Python path, which gives identical results.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "guildhall.checker._views",
            ["guildhall/checker/_views.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "guildhall.checker._native",
            ["guildhall/checker/_native.c"],
            libraries=["hs"],
            extra_compile_args=["-O3", "-Wall"],
            optional=True,
        ),
    ]
)
