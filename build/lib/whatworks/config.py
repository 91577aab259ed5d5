"""Find the evidence settings (evidence folder, texts folder) in mkdocs.yml, for the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEFAULT_EVIDENCE_DIR = "evidence"


class _TolerantLoader(yaml.SafeLoader):
    """mkdocs.yml may hold !!python/name and !ENV tags; they are read as nothing, never run."""


def _ignore(_loader: yaml.SafeLoader, _suffix: str, _node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("!", _ignore)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)


def plugin_settings(mkdocs_yml: Path) -> dict[str, Any]:
    """The whatworks plugin's options in mkdocs.yml, or {} when there is none."""
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_TolerantLoader)  # noqa: S506  # noqa: S506 - a SafeLoader
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    plugins = config.get("plugins") if isinstance(config, dict) else None
    for entry in plugins if isinstance(plugins, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("whatworks"), dict):
            return dict(entry["whatworks"])
    if isinstance(plugins, dict) and isinstance(plugins.get("whatworks"), dict):
        return dict(plugins["whatworks"])
    return {}


def texts_dir_from(mkdocs_yml: Path) -> Path | None:
    value = plugin_settings(mkdocs_yml).get("texts_dir")
    return (mkdocs_yml.parent / value) if isinstance(value, str) and value else None
