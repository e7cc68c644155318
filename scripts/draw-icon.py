#!/usr/bin/env python3
"""Draws Haemong's app icon (a crescent moon over a night sky with a dream cloud) and writes
every size Tauri bundles need into icons/. Run by hand when the icon changes; needs Pillow."""
import math
import os
import random
from PIL import Image, ImageDraw, ImageFilter

S = 1024  # master size; every other size is downsampled from it
OUT = os.path.join(os.path.dirname(__file__), "..", "icons")


def lerp(a, b, t):
    return tuple(int(a[i] + (b[i] - a[i]) * t) for i in range(len(a)))


def master():
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    # Night-sky gradient, deep indigo at the top to violet at the bottom.
    sky = Image.new("RGBA", (S, S))
    px = sky.load()
    top, bottom = (24, 22, 66, 255), (92, 52, 140, 255)
    for y in range(S):
        c = lerp(top, bottom, (y / S) ** 1.2)
        for x in range(S):
            px[x, y] = c
    mask = Image.new("L", (S, S), 0)
    m = int(S * 0.06)
    ImageDraw.Draw(mask).rounded_rectangle((m, m, S - m, S - m), radius=int(S * 0.22), fill=255)
    img.paste(sky, (0, 0), mask)

    d = ImageDraw.Draw(img)
    # Stars: fixed seed so the icon is reproducible.
    rnd = random.Random(7)
    for _ in range(26):
        x, y = rnd.randint(int(S * 0.14), int(S * 0.86)), rnd.randint(int(S * 0.12), int(S * 0.55))
        r = rnd.choice([3, 4, 5, 7])
        d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 246, 214, rnd.randint(150, 255)))
    # A four-pointed sparkle.
    cx, cy, R = int(S * 0.72), int(S * 0.25), int(S * 0.06)
    pts = []
    for i in range(8):
        a = math.pi / 4 * i - math.pi / 2
        rr = R if i % 2 == 0 else R * 0.28
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=(255, 236, 170, 255))

    # Glow behind the moon.
    glow = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    gd = ImageDraw.Draw(glow)
    mx, my, mr = int(S * 0.42), int(S * 0.42), int(S * 0.24)
    gd.ellipse((mx - mr - 60, my - mr - 60, mx + mr + 60, my + mr + 60), fill=(255, 214, 120, 90))
    glow = glow.filter(ImageFilter.GaussianBlur(60))
    img = Image.alpha_composite(img, Image.composite(glow, Image.new("RGBA", (S, S)), mask))
    d = ImageDraw.Draw(img)

    # Crescent: a golden disc with an offset disc cut out of it.
    moon = Image.new("L", (S, S), 0)
    md = ImageDraw.Draw(moon)
    md.ellipse((mx - mr, my - mr, mx + mr, my + mr), fill=255)
    off = int(mr * 0.55)
    md.ellipse((mx - mr + off, my - mr - int(off * 0.45), mx + mr + off, my + mr - int(off * 0.45)), fill=0)
    gold = Image.new("RGBA", (S, S), (255, 210, 110, 255))
    img.paste(gold, (0, 0), moon)

    # A soft dream cloud along the bottom.
    cloud = Image.new("L", (S, S), 0)
    cd = ImageDraw.Draw(cloud)
    base = int(S * 0.76)
    for (x, y, r) in [(0.30, 0.0, 0.11), (0.45, -0.06, 0.14), (0.61, -0.02, 0.12), (0.74, 0.02, 0.09)]:
        cx, cy, rr = int(S * x), base + int(S * y), int(S * r)
        cd.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=255)
    cd.rounded_rectangle((int(S * 0.22), base - int(S * 0.02), int(S * 0.82), base + int(S * 0.1)),
                         radius=int(S * 0.05), fill=255)
    cloud = Image.composite(cloud, Image.new("L", (S, S), 0), mask)
    img.paste(Image.new("RGBA", (S, S), (240, 236, 255, 235)), (0, 0), cloud)
    return img


def main():
    os.makedirs(OUT, exist_ok=True)
    img = master()
    img.save(os.path.join(OUT, "icon.png"))
    for size, name in [(32, "32x32.png"), (64, "64x64.png"), (128, "128x128.png"),
                       (256, "128x128@2x.png"), (512, "512x512.png")]:
        img.resize((size, size), Image.LANCZOS).save(os.path.join(OUT, name))
    for size, name in [(30, "Square30x30Logo.png"), (44, "Square44x44Logo.png"), (71, "Square71x71Logo.png"),
                       (89, "Square89x89Logo.png"), (107, "Square107x107Logo.png"),
                       (142, "Square142x142Logo.png"), (150, "Square150x150Logo.png"),
                       (284, "Square284x284Logo.png"), (310, "Square310x310Logo.png"), (50, "StoreLogo.png")]:
        img.resize((size, size), Image.LANCZOS).save(os.path.join(OUT, name))
    img.save(os.path.join(OUT, "icon.ico"), sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (256, 256)])
    img.save(os.path.join(OUT, "icon.icns"))
    # The tray wants a small, high-contrast glyph.
    img.resize((64, 64), Image.LANCZOS).save(os.path.join(OUT, "tray.png"))


if __name__ == "__main__":
    main()
