"""Numbers written for a learner: the inspector, its cards and `playground explain` share them."""

from __future__ import annotations

import math

SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number(value: float, digits: int = 4) -> str:
    """``digits`` significant digits, a real minus sign, 2.87×10⁻⁹; NaN and ±∞ by name."""
    value = float(value)
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPTS)}"
    return text.replace("-", "−")


def factor(value: float, digits: int = 4) -> str:
    """``number``, in parentheses when negative: for products, 4.011 × (−0.2426)."""
    text = number(value, digits)
    return f"({text})" if text.startswith("−") else text
