"""nianbao-odt: a nianbao plugin that reads OpenDocument text (.odt) reports, with lxml and nianbao's zip limits."""

from __future__ import annotations

from .reader import OdtReader

__version__ = "0.1.0"
__all__ = ["OdtReader", "__version__"]
