"""Text measurement for laying out the pack: how wide a text is and how many lines it wraps to.

Widths are measured with DejaVu Sans (the PDF's font, and the font LibreOffice substitutes
when the slides' theme font is missing); it is wider than Calibri, so a layout that fits
here also fits in PowerPoint.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
LINE_SPACING = 1.2  # a line's height as a multiple of the font size


@lru_cache(maxsize=16)
def _font(bold: bool, size_tenths: int) -> ImageFont.FreeTypeFont | None:
    path = FONT_DIR / FONTS[bold]
    if not path.exists():
        return None
    # Measured at ten times the size for precision; the result is divided back.
    return ImageFont.truetype(str(path), size_tenths)


@lru_cache(maxsize=8192)
def text_width(text: str, *, size: float, bold: bool = False) -> float:
    """The width of `text` in points at `size` points (about 0.6 em a glyph without the font)."""
    font = _font(bold, round(size * 10))
    if font is None:
        return len(text) * size * (0.66 if bold else 0.6)
    return float(font.getlength(text)) / 10.0


def wrap(text: str, *, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width` points at spaces (a word longer than
    the line is broken inside, as slide programs do); explicit line breaks are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size=size, bold=bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
            while len(line) > 1 and text_width(line, size=size, bold=bold) > width:
                # A word longer than the line is broken where it no longer fits.
                cut = max(
                    1,
                    next(
                        i
                        for i in range(len(line), 0, -1)
                        if text_width(line[:i], size=size, bold=bold) <= width
                    )
                    if text_width(line[:1], size=size, bold=bold) <= width
                    else 1,
                )
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return lines


def text_height(text: str, *, width: float, size: float, bold: bool = False) -> float:
    """The height in points `text` takes when wrapped to `width` points."""
    return len(wrap(text, width=width, size=size, bold=bold)) * size * LINE_SPACING
