"""Abuse controls of the public pages: a rate limit per client address and a server-made challenge.

Neither needs a third-party service. The challenge is an arithmetic question drawn as an image; its answer
stays in the cache (never in the page) under a random nonce, and each challenge can be answered once.
"""

import base64
import io
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from regulator.env import parse_rate

CHALLENGE_SALT = "complaints.challenge"
CHALLENGE_SECONDS = 3600


def filing_rate() -> str:
    return settings.COMPLAINTS_FILING_RATE  # environment variables, read in regulator/settings.py


def lookup_rate() -> str:
    return settings.COMPLAINTS_LOOKUP_RATE


def search_rate() -> str:
    return settings.COMPLAINTS_SEARCH_RATE


def client_address(request) -> str:
    """REMOTE_ADDR: a proxy in front must set it from the client (X-Forwarded-For is not trusted here)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow(bucket: str, address: str, rate: str) -> bool:
    """Count one request of ``address`` in ``bucket``; False once the rate is exceeded in this window."""
    limit, seconds = parse_rate(rate)
    key = f"complaints:rate:{bucket}:{address}"
    cache.add(key, 0, timeout=seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        used = 1
    return used <= limit


def new_challenge() -> dict:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(16)
    cache.set(f"complaints:challenge:{nonce}", a + b, timeout=CHALLENGE_SECONDS)
    return {"token": signing.dumps(nonce, salt=CHALLENGE_SALT), "image": _draw(f"{a} + {b} = ?")}


def check_challenge(token: str, answer) -> bool:
    """True once for the right answer to a live challenge; a used or expired one is refused."""
    try:
        nonce = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_SECONDS)
    except signing.BadSignature:
        return False
    key = f"complaints:challenge:{nonce}"
    expected = cache.get(key)
    cache.delete(key)
    try:
        return expected is not None and int(answer) == expected
    except (TypeError, ValueError):
        return False


def solve(token: str) -> int | None:
    """For tests and the benchmark only: the answer a person would read off the image."""
    nonce = signing.loads(token, salt=CHALLENGE_SALT)
    return cache.get(f"complaints:challenge:{nonce}")


def _draw(text: str) -> str:
    image = Image.new("RGB", (170, 54), "#f3f5f8")
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        points = [(secrets.randbelow(170), secrets.randbelow(54)) for _ in range(2)]
        draw.line(points, fill="#b9c2ce", width=1)
    draw.text((14, 10), text, fill="#1b4f8f", font=ImageFont.load_default(size=28))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
