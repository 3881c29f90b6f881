"""nianbao-pdf: a nianbao plugin that reads PDF reports (text and ruled tables) with pdfplumber."""

from __future__ import annotations

from .reader import PdfReader, PdfReadError

__version__ = "0.1.0"
__all__ = ["PdfReadError", "PdfReader", "__version__"]
