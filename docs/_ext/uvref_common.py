"""Shared helpers of uvref's local Sphinx extensions."""
import os

from sphinx.application import Sphinx


def add_config(app: Sphinx, name: str, default, rebuild: str = "env") -> None:
    """Registers a config value once, whichever extension asks first."""
    if name not in app.config.values:
        app.add_config_value(name, default, rebuild)


def source_root(app: Sphinx) -> str:
    """The repository root (where src/ lives), as an absolute path."""
    return os.path.abspath(app.config.uvref_source_root)


def setup_common(app: Sphinx) -> None:
    add_config(app, "uvref_source_root", os.path.dirname(app.srcdir))
