"""What every browser test asks of a page people use: it fits the phone, keyboard focus shows, axe-core is content.

axe-core is vendored from the npm registry (`vendor/axe-core`) and evaluated through the DevTools protocol, so the
site's Content Security Policy stays on while it runs.
"""

from functools import cache
from pathlib import Path

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def _axe_source() -> str:
    return (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()


def axe_violations(page, *, impacts: tuple[str, ...] = BLOCKING_IMPACTS) -> list[dict]:
    """The page's axe-core violations of these impacts, each as `{id, impact, help, targets}`."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def assert_usable(page, *, where: str = "") -> None:
    """The page fits the window's width and axe-core finds nothing serious or critical."""
    label = where or page.url
    overflow = horizontal_overflow(page)
    assert overflow <= 0, f"{label} is {overflow}px wider than the window"
    violations = axe_violations(page)
    assert not violations, f"{label}: {violations}"


def focus_is_visible(page) -> bool:
    """Tab once and ask whether the focused element draws an outline or a box shadow."""
    page.keyboard.press("Tab")
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
        }"""
    )
