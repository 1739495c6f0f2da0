"""The PDFs' font: Noto Sans (the ``fontpkg-noto-sans`` package, SIL Open Font License), which
covers Latin, Greek and Cyrillic, so every name in those scripts prints as it is written.

The package ships a variable font (axes weight and width). fpdf2 can make a static instance of
it per document, but that takes fontTools some 10 seconds a face, most of it spent on the
OpenType layout tables (GSUB, GPOS, GDEF), which fpdf2 uses only for text shaping, off here.
So each face (regular, bold) is made once per process without those tables (about a second)
into a temporary folder that lives as long as the process; each PDF then adds the two static
files (milliseconds) and fpdf2 embeds only the glyphs the PDF uses.

A character the font lacks (Chinese, Japanese, emoji, ...) prints as U+FFFD, the replacement
character (a white-space one as a space): never an error, never a silent gap.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import fontpkg_noto_sans
from fontTools import ttLib
from fontTools.varLib import instancer
from fpdf import FPDF

FAMILY = "NotoSans"
_VARIABLE = fontpkg_noto_sans.ROOT / "files" / "NotoSans[wdth,wght].ttf"
_FACES = {"": 400, "B": 700}  # fpdf2's style letters -> weight
_UNUSED = ("GSUB", "GPOS", "GDEF")  # text shaping only
_REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class _Faces:
    files: dict[str, Path]  # style -> the static font file
    covered: frozenset[int]  # the code points the font has a glyph for


_lock = threading.Lock()
_made: list[_Faces] = []


def _make() -> _Faces:
    folder = Path(tempfile.mkdtemp(prefix="timetrack-fonts-"))
    files = {}
    for style, weight in _FACES.items():
        font = ttLib.TTFont(_VARIABLE)
        for tag in _UNUSED:
            del font[tag]
        instancer.instantiateVariableFont(font, {"wght": weight, "wdth": 100}, inplace=True)
        files[style] = folder / f"{FAMILY}-{weight}.ttf"
        font.save(files[style])
    covered = frozenset(ttLib.TTFont(files[""]).getBestCmap())
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return _Faces(files, covered)


def _faces() -> _Faces:
    """The two faces, made by the first PDF of the process (threads wait for it)."""
    with _lock:
        if not _made:
            _made.append(_make())
        return _made[0]


def use(pdf: FPDF) -> None:
    """Make Noto Sans (regular and bold) available to ``pdf`` as ``FAMILY``."""
    for style, path in _faces().files.items():
        pdf.add_font(FAMILY, style, path)


def printable(text: str) -> str:
    """``text`` with each character the font lacks replaced (see the module's docstring)."""
    if text.isascii() and text.isprintable():  # most cells: no lookup
        return text
    covered = _faces().covered
    return "".join(c if ord(c) in covered else " " if c.isspace() else _REPLACEMENT for c in text)
