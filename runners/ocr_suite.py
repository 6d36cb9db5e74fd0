"""Generate the ``ocr-multilingual`` suite: document images with their ground truth.

Per language (:mod:`matchgraph.runners.ocr_texts`) six pages: a line, a paragraph, two
columns and a table, clean, plus the line blurred and noised and the paragraph skewed,
down-sampled and JPEG-compressed. 48 images, small enough for CI. Rendering uses Debian's
Noto fonts (``fonts-noto-core``, ``fonts-noto-cjk``; DejaVu as the Latin fallback); the
degradations are seeded, so the same fonts give byte-identical images and the same hash.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from matchgraph.errors import ConfigError
from matchgraph.runners.ocr_texts import LANGUAGE_TEXTS, LanguageTexts

__all__ = ["GENERATOR_VERSION", "ensure_generated", "font_for", "generate"]

GENERATOR_VERSION = "1"
FONT_SIZE = 30
MARGIN = 40
LINE_GAP = 14
_CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2}
_CJK_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",)
_LATIN_FONTS = ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FontT = ImageFont.FreeTypeFont


def font_for(lang: str, size: int = FONT_SIZE) -> FontT:
    """The Noto font that covers ``lang``.

    Raises:
        ConfigError: the Debian font package is not installed (its name is in the message).
    """
    if lang in _CJK_INDEX:
        for path in _CJK_FONTS:
            if Path(path).is_file():
                return ImageFont.truetype(path, size, index=_CJK_INDEX[lang])
        raise ConfigError("rendering Chinese, Japanese and Korean needs Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk)")
    for path in _LATIN_FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    raise ConfigError("rendering needs Debian's fonts-noto-core or fonts-dejavu-core")


def _wrap(text: str, font: FontT, width: int, cjk: bool) -> list[str]:
    units = list(text) if cjk else text.split(" ")
    joiner = "" if cjk else " "
    lines: list[str] = []
    current = ""
    for unit in units:
        trial = unit if not current else current + joiner + unit
        if current and font.getlength(trial) > width:
            lines.append(current)
            current = unit
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def _page(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (width, height), 255)
    return image, ImageDraw.Draw(image)


def _block(draw: ImageDraw.ImageDraw, lines: list[str], font: FontT, x: int, y: int) -> int:
    step = FONT_SIZE + LINE_GAP
    for i, line in enumerate(lines):
        draw.text((x, y + i * step), line, font=font, fill=0)
    return y + len(lines) * step


def render_line(t: LanguageTexts, font: FontT) -> tuple[Image.Image, str]:
    width = int(font.getlength(t.line)) + 2 * MARGIN
    image, draw = _page(width, FONT_SIZE + 2 * MARGIN)
    _block(draw, [t.line], font, MARGIN, MARGIN)
    return image, t.line


def render_paragraph(t: LanguageTexts, font: FontT) -> tuple[Image.Image, str]:
    text = ("" if t.cjk else " ").join(t.paragraph)
    lines = _wrap(text, font, 760, t.cjk)
    image, draw = _page(760 + 2 * MARGIN, len(lines) * (FONT_SIZE + LINE_GAP) + 2 * MARGIN)
    _block(draw, lines, font, MARGIN, MARGIN)
    return image, text


def render_columns(t: LanguageTexts, font: FontT) -> tuple[Image.Image, str]:
    col = 380
    left, right = (_wrap(c, font, col, t.cjk) for c in t.columns)
    rows = max(len(left), len(right))
    image, draw = _page(2 * col + 100 + 2 * MARGIN, rows * (FONT_SIZE + LINE_GAP) + 2 * MARGIN)
    _block(draw, left, font, MARGIN, MARGIN)
    _block(draw, right, font, MARGIN + col + 100, MARGIN)
    return image, " ".join(t.columns)


def render_table(t: LanguageTexts, font: FontT) -> tuple[Image.Image, str]:
    cols = len(t.table[0])
    widths = [max(int(font.getlength(row[c])) for row in t.table) + 40 for c in range(cols)]
    row_h = FONT_SIZE + 30
    image, draw = _page(sum(widths) + 2 * MARGIN, len(t.table) * row_h + 2 * MARGIN)
    y = MARGIN
    for row in t.table:
        x = MARGIN
        for c, cell in enumerate(row):
            draw.rectangle((x, y, x + widths[c], y + row_h), outline=0, width=2)
            draw.text((x + 20, y + 12), cell, font=font, fill=0)
            x += widths[c]
        y += row_h
    return image, " ".join(" ".join(row) for row in t.table)


def _blur_noise(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    blurred = np.asarray(image.filter(ImageFilter.GaussianBlur(1.2)), dtype=np.float64)
    noisy = blurred + rng.normal(0, 18, blurred.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def _skew_lowres_jpeg(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    angle = float(rng.uniform(1.5, 3.0))
    rotated = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    small = rotated.resize((rotated.width * 11 // 20, rotated.height * 11 // 20), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=30)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


Layout = Callable[[LanguageTexts, FontT], tuple[Image.Image, str]]
PAGES: tuple[tuple[str, Layout, str, Callable[[Image.Image, np.random.Generator], Image.Image] | None], ...] = (
    ("line", render_line, "clean", None),
    ("paragraph", render_paragraph, "clean", None),
    ("columns", render_columns, "clean", None),
    ("table", render_table, "clean", None),
    ("line", render_line, "blur-noise", _blur_noise),
    ("paragraph", render_paragraph, "skew-lowres-jpeg", _skew_lowres_jpeg),
)


def generate(target: Path) -> None:
    """Write every page as PNG plus ``truth.json`` (text, lang, layout, variant) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    truth: dict[str, dict[str, str]] = {}
    for n, (lang, texts) in enumerate(sorted(LANGUAGE_TEXTS.items())):
        font = font_for(lang)
        for layout, render, variant, degrade in PAGES:
            image, text = render(texts, font)
            if degrade is not None:
                image = degrade(image, np.random.default_rng(1000 * n + len(truth)))
            name = f"{lang}-{layout}-{variant}.png"
            image.save(target / name, format="PNG", optimize=False)
            truth[name] = {"text": text, "lang": lang, "layout": layout, "variant": variant}
    (target / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


def ensure_generated(cache: Path) -> Path:
    """The suite's folder under ``cache``, generated once (atomically: a half-written folder
    is never used)."""
    root = cache / f"ocr-multilingual-v{GENERATOR_VERSION}"
    if (root / "truth.json").is_file():
        return root
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ocr-multilingual-", dir=cache))
    try:
        generate(staging)
        try:
            os.rename(staging, root)
        except OSError:
            if not (root / "truth.json").is_file():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return root
