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


def env_version() -> int:
    """A number that changes whenever any local extension's code changes.

    Returned as "env_version" from each extension's setup(): Sphinx discards
    its saved environment when it differs, so editing an extension re-reads
    every page instead of serving pages parsed by the old code.
    """
    import hashlib
    digest = hashlib.sha256()
    here = os.path.dirname(os.path.abspath(__file__))
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            with open(os.path.join(here, name), "rb") as f:
                digest.update(f.read())
    return int(digest.hexdigest()[:8], 16)


def extension_metadata() -> dict:
    """What every local extension's setup() returns: safe for parallel reads and writes,
    and re-read in full whenever any local extension changes (env_version)."""
    return {"version": "1", "env_version": env_version(),
            "parallel_read_safe": True, "parallel_write_safe": True}
