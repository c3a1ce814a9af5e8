"""PNG charts for the monthly report, drawn with Pillow (no browser, no network).

One PNG serves both the Word document and the PDF. Labels are Chinese, so the text is
drawn with the Noto Sans CJK SC face from Debian's ``fonts-noto-cjk`` (found through
fontconfig or the usual paths); without a CJK font the labels would come out as boxes, so
that is logged loudly. Images are drawn at about 250 dpi for a 16 cm wide column.
"""

from __future__ import annotations

import io
import logging
import math
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from kechuang.kpi.progress import Status, fmt

log = logging.getLogger(__name__)

FAMILY = "Noto Sans CJK SC"
# (file, face family) tried in order when fontconfig does not answer
FONT_FILES = {
    "regular": [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ],
    "bold": [
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf",
    ],
}

WIDTH = 1600  # px: 16 cm at ~254 dpi
BG = (255, 255, 255)
INK = (33, 37, 41)
MARKER = "marker"  # a legend entry drawn as the bars' tick mark, not a colour swatch
MUTED = (108, 117, 125)
GRID = (222, 226, 230)
# Bootstrap's colours, as the dashboard uses them (Status.colour)
COLOURS = {
    "success": (25, 135, 84), "primary": (13, 110, 253), "warning": (255, 193, 7),
    "danger": (220, 53, 69), "secondary": (108, 117, 125), "light": (173, 181, 189),
    "info": (13, 202, 240),
}


def status_colour(status: Status) -> tuple[int, int, int]:
    return COLOURS[status.colour]


# -- fonts -------------------------------------------------------------------------------
def _fc_match(pattern: str) -> tuple[str, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", pattern],
                             capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, rest = out.partition("\t")
    index, _, family = rest.partition("\t")
    if "CJK" not in family and "WenQuanYi" not in family:
        return None  # fontconfig fell back to a Latin-only face
    return path, int(index or 0)


def _face_index(path: str) -> int:
    """The SC face of a collection (.ttc holds JP, KR, SC, TC, HK); 0 for single fonts."""
    for index in range(10):
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            break
        if face.getname()[0] == FAMILY:
            return index
    return 0


@cache
def font_file(weight: str = "regular") -> tuple[str, int] | None:
    """(path, face index) of the CJK font, or None when no CJK font is installed."""
    for path in FONT_FILES[weight]:
        if os.path.exists(path):
            return path, _face_index(path)
    found = _fc_match(f"{FAMILY}:weight={'bold' if weight == 'bold' else 'regular'}")
    if found:
        return found
    if weight == "bold":
        return font_file("regular")
    log.error("No CJK font found: chart labels will not show Chinese. "
              "Install Debian's fonts-noto-cjk.")
    return None


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = font_file("bold" if bold else "regular")
    if found is None:
        return ImageFont.load_default(size)
    path, index = found
    return ImageFont.truetype(path, size, index=index)


# -- helpers -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # None: drawn as "未分解" / no bar
    colour: tuple[int, int, int] = COLOURS["primary"]
    text: str = ""  # shown at the bar's end; default: the value
    marker: Decimal | None = None  # a tick on the bar (e.g. expected progress)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal]  # cumulative, one per month from January
    colour: tuple[int, int, int]
    dashed: bool = False


def _text_w(draw: ImageDraw.ImageDraw, text: str, f) -> float:
    return draw.textlength(text, font=f)


def _clip(draw: ImageDraw.ImageDraw, text: str, f, width: float) -> str:
    if _text_w(draw, text, f) <= width:
        return text
    while text and _text_w(draw, text + "…", f) > width:
        text = text[:-1]
    return text + "…"


def _png(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True, dpi=(254, 254))
    return out.getvalue()


def _axis(value: float, ticks: int = 4) -> tuple[float, float]:
    """(axis maximum, step): a round step (1, 2, 2.5, 5 × 10ⁿ) and ``ticks`` steps or fewer."""
    if value <= 0:
        return 1.0, 0.25
    raw = value / ticks
    exp = 10 ** math.floor(math.log10(raw))
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= raw)
    return step * math.ceil(value / step - 1e-9), step


def _title(draw: ImageDraw.ImageDraw, title: str, subtitle: str = "") -> int:
    draw.text((40, 28), title, font=font(40, bold=True), fill=INK)
    y = 28 + 56
    if subtitle:
        draw.text((40, y), subtitle, font=font(26), fill=MUTED)
        y += 40
    return y + 16


def _dashed_line(draw, start, end, fill, width=3, dash=14, gap=10) -> None:
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    if length == 0:
        return
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    pos = 0.0
    while pos < length:
        seg = min(dash, length - pos)
        draw.line([(x0 + dx * pos, y0 + dy * pos), (x0 + dx * (pos + seg), y0 + dy * (pos + seg))],
                  fill=fill, width=width)
        pos += dash + gap


# -- charts ------------------------------------------------------------------------------
def hbar_chart(bars: Sequence[Bar], *, title: str, subtitle: str = "", unit: str = "",
               reference: Decimal | None = None, reference_label: str = "",
               cap: Decimal | None = None, legend: Sequence[tuple[str, tuple]] = ()) -> bytes:
    """Horizontal bars, one row per item, labels on the left, values at the bar ends.

    ``reference`` draws a dashed vertical line (e.g. 100 % of target); ``cap`` limits the
    axis so one runaway value does not flatten the rest (its bar is drawn to the edge and
    its text still shows the real value).
    """
    row_h, label_w, right_pad = 58, 520, 150
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    top_probe = 28 + 56 + (40 if subtitle else 0) + 16
    legend_h = 56 if legend else 0
    height = top_probe + legend_h + row_h * max(1, len(bars)) + 70
    img = Image.new("RGB", (WIDTH, height), BG)
    draw = ImageDraw.Draw(img)
    top = _title(draw, title, subtitle)
    label_font, value_font, axis_font = font(28), font(26), font(24)
    if legend:
        x = 40
        for name, colour in legend:
            if colour == MARKER:
                draw.line([(x + 14, top + 4), (x + 14, top + 40)], fill=INK, width=4)
            else:
                draw.rectangle([x, top + 8, x + 28, top + 36], fill=colour)
            draw.text((x + 38, top + 4), name, font=axis_font, fill=INK)
            x += 38 + _text_w(probe, name, axis_font) + 40
        top += legend_h
    x0, x1 = 40 + label_w, WIDTH - right_pad
    values = [float(b.value) for b in bars if b.value is not None]
    values += [float(b.marker) for b in bars if b.marker is not None]
    if reference is not None:
        values.append(float(reference))
    vmax = max(values, default=0.0)
    if cap is not None:
        vmax = min(vmax, float(cap))
    vmax, step = _axis(vmax)
    scale = (x1 - x0) / vmax
    bottom = top + row_h * max(1, len(bars))
    # grid and axis labels
    for i in range(round(vmax / step) + 1):
        v = step * i
        x = x0 + v * scale
        draw.line([(x, top), (x, bottom)], fill=GRID, width=2)
        text = fmt(Decimal(str(round(v, 2)))) + unit
        draw.text((x - _text_w(draw, text, axis_font) / 2, bottom + 10), text, font=axis_font,
                  fill=MUTED)
    if not bars:
        draw.text((x0 + 20, top + 10), "（无数据）", font=label_font, fill=MUTED)
    for n, bar in enumerate(bars):
        y = top + n * row_h
        label = _clip(draw, bar.label, label_font, label_w - 20)
        draw.text((x0 - 16 - _text_w(draw, label, label_font), y + 12), label, font=label_font,
                  fill=INK)
        end = x0
        if bar.value is not None and bar.value > 0:
            end = x0 + min(float(bar.value), vmax) * scale
            draw.rectangle([x0, y + 10, end, y + row_h - 10], fill=bar.colour)
        if bar.marker is not None:
            mx = x0 + min(float(bar.marker), vmax) * scale
            draw.line([(mx, y + 4), (mx, y + row_h - 4)], fill=INK, width=4)
        text = bar.text or (fmt(bar.value) + unit if bar.value is not None else "—")
        draw.text((end + 10, y + 14), text, font=value_font, fill=INK)
    draw.line([(x0, top), (x0, bottom)], fill=INK, width=2)
    if reference is not None and float(reference) <= vmax:
        rx = x0 + float(reference) * scale
        _dashed_line(draw, (rx, top - 6), (rx, bottom), fill=COLOURS["danger"], width=3)
        if reference_label:
            draw.text((rx - _text_w(draw, reference_label, axis_font) / 2, top - 36),
                      reference_label, font=axis_font, fill=COLOURS["danger"])
    return _png(img)


def line_chart(series: Sequence[Series], *, title: str, subtitle: str = "", unit: str = "",
               target: Decimal | None = None) -> bytes:
    """Cumulative values by month (January … December), one line per series."""
    height = 760
    img = Image.new("RGB", (WIDTH, height), BG)
    draw = ImageDraw.Draw(img)
    top = _title(draw, title, subtitle)
    axis_font, legend_font = font(24), font(26)
    # legend
    x = 40
    for s in series:
        draw.line([(x, top + 20), (x + 50, top + 20)], fill=s.colour, width=6)
        draw.text((x + 60, top + 4), s.name, font=legend_font, fill=INK)
        x += 60 + _text_w(draw, s.name, legend_font) + 48
    if target is not None:
        _dashed_line(draw, (x, top + 20), (x + 50, top + 20), fill=COLOURS["danger"], width=4)
        label = f"全年目标 {fmt(target)}{unit}"
        draw.text((x + 60, top + 4), label, font=legend_font, fill=INK)
    top += 64
    left, right, bottom = 170, WIDTH - 60, height - 70
    values = [float(v) for s in series for v in s.values]
    if target is not None:
        values.append(float(target))
    vmax, step = _axis(max(values, default=0.0))
    def ypos(v: float) -> float:
        return bottom - (bottom - top) * v / vmax

    def xpos(month: int) -> float:
        return left + (right - left) * (month - 1) / 11

    for i in range(round(vmax / step) + 1):
        v = step * i
        y = ypos(v)
        draw.line([(left, y), (right, y)], fill=GRID, width=2)
        text = fmt(Decimal(str(round(v, 2)))) + unit
        draw.text((left - 14 - _text_w(draw, text, axis_font), y - 16), text, font=axis_font,
                  fill=MUTED)
    for month in range(1, 13):
        text = f"{month}月"
        draw.text((xpos(month) - _text_w(draw, text, axis_font) / 2, bottom + 12), text,
                  font=axis_font, fill=MUTED)
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=2)
    if target is not None:
        _dashed_line(draw, (left, ypos(float(target))), (right, ypos(float(target))),
                     fill=COLOURS["danger"], width=3)
    for s in series:
        points = [(xpos(m + 1), ypos(float(v))) for m, v in enumerate(s.values)]
        if len(points) > 1:
            if s.dashed:
                for a, b in zip(points, points[1:], strict=False):
                    _dashed_line(draw, a, b, fill=s.colour, width=5, dash=12, gap=8)
            else:
                draw.line(points, fill=s.colour, width=6, joint="curve")
        for px, py in points:
            draw.ellipse([px - 7, py - 7, px + 7, py + 7], fill=s.colour)
    return _png(img)
