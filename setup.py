"""Build the checker's optional C helper (guildhall/checker/_views.c); the rest is in pyproject.toml.

The extension is optional: when it cannot be compiled the checker uses its
pure-Python path (byteviews.text_views), which gives identical results.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "guildhall.checker._views",
            ["guildhall/checker/_views.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
