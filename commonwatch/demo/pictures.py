"""Photos for the demo's posts, drawn on the spot: a street of houses by day or dusk, and
what the post is about in front of it (a cat, a car, a van, a branch, seedlings).

Nothing is downloaded: the pictures are drawings, and their descriptions say so. Seeded,
so the same seed draws the same picture. They go through the real media pipeline (EXIF
stripped, re-encoded, a thumbnail made) as a resident's upload does.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 720
HORIZON = 430
KERB = 560

SKIES = {  # (top, horizon) colours
    "day": ((92, 150, 214), (200, 225, 245)),
    "dusk": ((28, 36, 78), (236, 146, 92)),
}
WALLS = ((226, 208, 172), (196, 214, 226), (232, 196, 188), (210, 224, 196), (238, 232, 214))
ROOFS = ((112, 64, 56), (72, 80, 96), (96, 72, 60))


def street_picture(seed: int, subject: str) -> bytes:
    """A JPEG of a street with `subject` (a key of SUBJECTS) in front of it."""
    rng = random.Random(seed)
    time_of_day = rng.choice(("day", "day", "dusk"))
    image = Image.new("RGB", (WIDTH, HEIGHT))
    draw = ImageDraw.Draw(image)
    _sky(draw, *SKIES[time_of_day])
    _houses(draw, rng, lit=time_of_day == "dusk")
    _street(draw)
    SUBJECTS[subject](draw, rng)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _sky(draw, top, bottom) -> None:
    for y in range(HORIZON):
        t = y / HORIZON
        draw.line(
            [(0, y), (WIDTH, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )


def _houses(draw, rng, *, lit: bool) -> None:
    x = rng.randrange(-60, 0)
    while x < WIDTH:
        width, height = rng.randrange(170, 250), rng.randrange(120, 190)
        top = HORIZON - height
        draw.rectangle([x, top, x + width, HORIZON], fill=rng.choice(WALLS))
        draw.polygon([(x - 14, top), (x + width // 2, top - 70), (x + width + 14, top)],
                     fill=rng.choice(ROOFS))  # fmt: skip
        window = (250, 214, 120) if lit else (150, 178, 200)
        for wx in (x + 24, x + width - 64):
            draw.rectangle([wx, top + 30, wx + 40, top + 70], fill=window, outline=(90, 90, 90))
        door = x + width // 2 - 18
        draw.rectangle([door, HORIZON - 70, door + 36, HORIZON], fill=(96, 64, 48))
        x += width + rng.randrange(40, 90)
        if rng.random() < 0.5 and x < WIDTH:
            _tree(draw, x - 20, rng)


def _tree(draw, x: int, rng) -> None:
    draw.rectangle([x - 8, HORIZON - 90, x + 8, HORIZON], fill=(98, 70, 46))
    green = (58 + rng.randrange(40), 120 + rng.randrange(40), 62)
    for dx, dy, r in ((-30, -120, 42), (26, -126, 40), (0, -160, 46)):
        draw.ellipse([x + dx - r, HORIZON + dy - r, x + dx + r, HORIZON + dy + r], fill=green)


def _street(draw) -> None:
    draw.rectangle([0, HORIZON, WIDTH, KERB], fill=(196, 194, 188))  # sidewalk
    draw.rectangle([0, KERB, WIDTH, HEIGHT], fill=(86, 88, 92))  # road
    for x in range(20, WIDTH, 140):
        draw.rectangle([x, 636, x + 70, 646], fill=(236, 222, 150))


def _cat(draw, rng) -> None:
    x, y = rng.randrange(260, 700), 520
    grey = (128, 128, 132)
    draw.ellipse([x - 60, y - 90, x + 60, y + 20], fill=grey)  # body
    draw.arc([x + 30, y - 60, x + 130, y + 30], 200, 340, fill=grey, width=16)  # tail
    draw.ellipse([x - 45, y - 160, x + 45, y - 70], fill=grey)  # head
    for side in (-1, 1):
        draw.polygon([(x + side * 40, y - 135), (x + side * 36, y - 185), (x + side * 10, y - 155)],
                     fill=grey)  # fmt: skip
        draw.ellipse([x + side * 18 - 8, y - 128, x + side * 18 + 8, y - 112], fill=(120, 180, 80))
    draw.rectangle([x - 34, y - 78, x + 34, y - 68], fill=(40, 150, 70))  # green collar


def _car(draw, rng, *, van: bool = False, cracked: bool = False) -> None:
    x, y = rng.randrange(120, 420), 640
    colour = rng.choice(((178, 40, 44), (40, 84, 150), (230, 230, 226), (60, 60, 64)))
    length, height = (420, 190) if van else (380, 110)
    draw.rounded_rectangle([x, y - height - 40, x + length, y], radius=24, fill=colour)
    if not van:
        cabin = [(x + 80, y - 150), (x + 110, y - 220), (x + 270, y - 220), (x + 310, y - 150)]
        draw.polygon(cabin, fill=colour)
    glass = (
        [x + 120, y - 205, x + 200, y - 150] if not van else [x + 300, y - 220, x + 400, y - 150]
    )
    draw.rectangle(glass, fill=(170, 200, 220))
    if cracked:
        cx, cy = (glass[0] + glass[2]) // 2, (glass[1] + glass[3]) // 2
        for dx, dy in ((-40, -30), (38, -24), (-30, 26), (36, 28), (0, -28)):
            draw.line([(cx, cy), (cx + dx, cy + dy)], fill=(250, 250, 250), width=3)
    for wx in (x + 80, x + length - 80):
        draw.ellipse([wx - 38, y - 38, wx + 38, y + 38], fill=(28, 28, 30))


def _branch(draw, rng) -> None:
    x = rng.randrange(120, 420)
    draw.line([(x, 470), (x + 420, 540)], fill=(92, 64, 40), width=22)
    for bx, by in ((x + 120, 478), (x + 260, 510), (x + 380, 530)):
        draw.line([(bx, by), (bx + 60, by - 70)], fill=(92, 64, 40), width=10)
        draw.ellipse([bx + 20, by - 120, bx + 110, by - 40], fill=(74, 132, 66))


def _streetlight(draw, rng) -> None:
    x = rng.randrange(200, 760)
    draw.rectangle([x - 8, 200, x + 8, 560], fill=(70, 74, 80))
    draw.rectangle([x - 8, 200, x + 90, 214], fill=(70, 74, 80))
    draw.ellipse([x + 60, 208, x + 120, 238], fill=(48, 50, 54))  # the lamp, dark


def _seedlings(draw, rng) -> None:
    x = rng.randrange(160, 520)
    draw.rectangle([x, 440, x + 320, 460], fill=(150, 110, 70))  # a table
    for leg in (x + 20, x + 290):
        draw.rectangle([leg, 460, leg + 10, 560], fill=(120, 86, 56))
    for i in range(6):
        px = x + 20 + i * 50
        draw.rectangle([px, 400, px + 34, 440], fill=(170, 92, 60))
        draw.ellipse([px - 4, 366, px + 38, 406], fill=(70, 150, 70))


def _package(draw, rng) -> None:
    x = rng.randrange(220, 640)
    draw.rectangle([x, 470, x + 110, 550], fill=(190, 150, 100), outline=(120, 90, 60), width=3)
    draw.rectangle([x + 48, 470, x + 62, 550], fill=(220, 200, 160))


SUBJECTS = {
    "cat": _cat,
    "car": _car,
    "cracked car": lambda draw, rng: _car(draw, rng, cracked=True),
    "van": lambda draw, rng: _car(draw, rng, van=True),
    "branch": _branch,
    "streetlight": _streetlight,
    "seedlings": _seedlings,
    "package": _package,
}
