"""The band palette: a symbol for every band, and readable text on every fill (WCAG 2.2 AA)."""

from kpicore.vocab import BAND_STYLE, Band


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_on_every_band_fill_meets_aa():
    for band in Band:
        style = BAND_STYLE[band]
        assert contrast(style["fill"], style["text"]) >= 4.5, band


def test_every_band_has_its_own_symbol_and_label():
    assert len({BAND_STYLE[b]["symbol"] for b in Band}) == len(Band)
    assert Band.SIGNIFICANTLY_WORSE.label.startswith("Significantly worse than target")
