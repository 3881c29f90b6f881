"""Legacy Word: binary ``.doc`` (Word 97-2003) and WPS Office ``.wps``, through LibreOffice, then the DOCX reader.

Each file is converted by ``soffice --headless --convert-to docx`` in its own process, profile and
temporary folder, with a timeout (``NIANBAO_SOFFICE_TIMEOUT``), and the result read by
:class:`nianbao.plugins.docx.DocxReader`; without LibreOffice a ``.doc`` is a ``read`` dead letter
saying what to install. Why LibreOffice, isolation, and files that are not really binary Word:
docs/architecture.md, "Readers: what becomes what"; the measurement: docs/benchmarks.md, "Legacy Word".
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from functools import cached_property
from pathlib import Path

from nianbao.document import Document
from nianbao.errors import ReadError
from nianbao.hookspecs import hookimpl
from nianbao.readers import Reader
from nianbao.source import SourceInfo

from .docx import OLE2_MAGIC, ZIP_MAGIC, DocxReader
from .html import HtmlReader

#: Where LibreOffice is, if not ``soffice`` or ``libreoffice`` on the PATH.
SOFFICE_ENV = "NIANBAO_SOFFICE"
TIMEOUT_ENV = "NIANBAO_SOFFICE_TIMEOUT"
DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("reading .doc and .wps files needs LibreOffice, which is not installed: "
                "apt-get install libreoffice-writer-nogui (Debian/Ubuntu; brew install --cask libreoffice on macOS), "
                f"or set {SOFFICE_ENV} to the soffice program")
#: LibreOffice's import filter for binary Word (WPS Office's .wps is the same format).
WORD97_FILTER = "MS Word 97"
#: Other OLE2 formats: not Word, never sniffed as such.
OTHER_OLE2 = frozenset({".xls", ".xlt", ".ppt", ".pps", ".pot", ".msg", ".msi", ".vsd", ".pub", ".docx", ".xlsx",
                        ".pptx", ".et", ".dps"})
_PROFILES: dict[tuple[int, int], Path] = {}
_ROOTS: dict[int, Path] = {}
_PROFILES_LOCK = threading.Lock()


class LegacyWordError(ReadError):
    """A .doc or .wps that LibreOffice is missing for, cannot convert, or takes too long over."""


def soffice() -> str | None:
    """The LibreOffice program: ``NIANBAO_SOFFICE``, else ``soffice`` or ``libreoffice`` on the PATH."""
    configured = os.environ.get(SOFFICE_ENV, "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> Path:
    """This thread's own LibreOffice profile folder (made by LibreOffice on first use), under one temporary
    folder per process that is removed when the process exits."""
    pid = os.getpid()
    with _PROFILES_LOCK:
        root = _ROOTS.get(pid)
        if root is None:
            root = _ROOTS[pid] = Path(tempfile.mkdtemp(prefix="nianbao-soffice-"))
            atexit.register(shutil.rmtree, root, True)
        return _PROFILES.setdefault((pid, threading.get_ident()), root / f"profile-{threading.get_ident()}")


class LegacyWordReader(Reader):
    """Binary Word (.doc, .dot) and WPS (.wps) documents, converted to DOCX by LibreOffice and read as DOCX."""

    name = "doc"
    format = "doc"
    priority = 65  # the OLE2 magic is strong evidence: before the DOCX reader, which refuses OLE2 with a hint
    extensions = frozenset({".doc", ".dot", ".wps", ".wpt"})
    mimetypes = frozenset({"application/msword", "application/vnd.ms-word", "application/kswps",
                           "application/wps-office.wps", "application/vnd.ms-works"})

    def __init__(self, *, timeout: float | None = None) -> None:
        """``timeout`` (seconds a conversion may take) defaults to ``NIANBAO_SOFFICE_TIMEOUT``, else 120."""
        self.timeout = timeout or float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)

    def accepts(self, head: bytes, source: SourceInfo) -> bool:
        """By extension or mime type, or an OLE2 file not named as another OLE2 format (.xls, .ppt, …)."""
        if source.extension in self.extensions or source.mimetype in self.mimetypes:
            return True
        return head.startswith(OLE2_MAGIC) and source.extension not in OTHER_OLE2

    @cached_property
    def docx(self) -> DocxReader:
        return DocxReader()

    @cached_property
    def html(self) -> HtmlReader:
        return HtmlReader()

    def read(self, data: bytes, source: SourceInfo) -> Document:
        """Convert with LibreOffice and read the DOCX; a zip or a web page under a .doc name is read as what it is."""
        if data.startswith(ZIP_MAGIC):
            return self.docx.read(data, source)
        if data.lstrip()[:1] == b"<":
            return self.html.read(data, source)
        docx = self.convert(data, source)
        document = self.docx.read(docx, dataclasses.replace(source, extension=".docx"))
        fmt = "wps" if source.extension in {".wps", ".wpt"} else self.format
        return Document(blocks=document.blocks, format=fmt, properties=document.properties, notes=document.notes)

    def convert(self, data: bytes, source: SourceInfo) -> bytes:
        """The DOCX LibreOffice makes of ``data``, in a subprocess with a timeout and this thread's own profile."""
        program = soffice()
        if program is None:
            raise LegacyWordError(INSTALL_HINT)
        suffix = source.extension if source.extension in self.extensions else ".doc"
        with tempfile.TemporaryDirectory(prefix="nianbao-doc-") as work:
            given = Path(work, "input" + suffix)
            given.write_bytes(data)
            profile = _profile()
            command = [program, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                       f"-env:UserInstallation={profile.as_uri()}", "--convert-to", "docx:MS Word 2007 XML",
                       "--outdir", work, str(given)]
            if data.startswith(OLE2_MAGIC):  # binary Word only: no fallback to reading the bytes as plain text
                command.insert(-1, f"--infilter={WORD97_FILTER}")
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                _out, err = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # soffice.bin and its helpers: the group we started
                process.communicate()
                shutil.rmtree(profile, ignore_errors=True)  # a killed instance may leave its profile locked
                raise LegacyWordError(f"LibreOffice took more than {self.timeout:g} s to convert the file and was "
                                      f"stopped (set {TIMEOUT_ENV} to allow longer)") from None
            converted = Path(work, "input.docx")
            if not converted.is_file():
                detail = err.decode("utf-8", "replace").strip().splitlines()
                why = "; ".join(line for line in detail if "javaldx" not in line)[-300:] or "no message"
                raise LegacyWordError(f"LibreOffice could not convert the file (exit status {process.returncode}: "
                                      f"{why}): damaged, password-protected, or not a Word document")
            return converted.read_bytes()


@hookimpl
def register_readers(register):
    """Contribute the legacy Word reader (registered even without LibreOffice: then it says what to install)."""
    register(LegacyWordReader())
