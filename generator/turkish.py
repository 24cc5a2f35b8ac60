"""Turkish text and number helpers: casing, collation, number formats."""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

LOCALE = "tr_TR"
_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def upper(text: str) -> str:
    """Turkish upper case: i → İ, ı → I (str.upper() turns i into I)."""
    return text.replace("i", "İ").replace("ı", "I").upper()


def lower(text: str) -> str:
    """Turkish lower case: I → ı, İ → i."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def title(text: str) -> str:
    """Turkish title case, word by word."""
    return " ".join(upper(w[:1]) + lower(w[1:]) for w in text.split(" "))


def sort_key(text: str) -> tuple:
    """Key for Turkish alphabetical order (Ç after C, İ after I, Ş after S ...).

    Letters are ranked by the Turkish alphabet, digits and other characters
    before letters; numbers inside the text compare by value ("D2" < "D10").
    """
    text = text.strip()
    # a leading ordinal ("1. Hukuk Müşavirliği") files under the name, as in
    # the published programs; the number only breaks ties
    ordinal = re.match(r"(\d+)\.\s+(?=\D)", text)
    if ordinal:
        return _sort_key(text[ordinal.end():]) + ((0, int(ordinal.group(1)), ""),)
    return _sort_key(text)


def _sort_key(text: str) -> tuple:
    key: list[tuple] = []
    for part in re.split(r"(\d+)", lower(text)):
        if not part:
            continue
        if part.isdigit():
            key.append((0, int(part), ""))
            continue
        for ch in part:
            if ch in _RANK:
                key.append((2, _RANK[ch], ch))
            else:
                base = unicodedata.normalize("NFD", ch)[0]
                if base in _RANK:
                    key.append((2, _RANK[base], ch))
                else:
                    key.append((1, ord(ch), ch))
    return tuple(key)


def number(value: Optional[float], decimals: Optional[int] = None) -> str:
    """1952400000 → "1.952.400.000"; 0.5 → "0,5". None → ""."""
    if value is None:
        return ""
    from babel.numbers import format_decimal  # imported when a number is first formatted

    if decimals is None:
        if isinstance(value, float) and not value.is_integer():
            return format_decimal(value, format="#,##0.###", locale=LOCALE)
        return format_decimal(int(round(value)), locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(ratio: Optional[float], decimals: int = 2) -> str:
    """0.2793 → "%27,93"."""
    if ratio is None:
        return ""
    from babel.numbers import format_percent

    pattern = "%#,##0" + ("." + "0" * decimals if decimals else "")
    return format_percent(ratio, format=pattern, locale=LOCALE)


def money(value: Optional[int]) -> str:
    """Amount in TL as shown in the tables: 1.952.400.000."""
    return number(value, 0) if value is not None else ""


def normalize(text: str) -> str:
    """Key for matching names: Turkish lower case, single spaces, no dots."""
    text = unicodedata.normalize("NFC", text or "")
    text = re.sub(r"[.\s]+", " ", lower(text)).strip()
    return text


def turkey_time(utc) -> str:
    """A naive UTC datetime as Turkish local time, "10.11.2024 19:05" (TRT, UTC+3 all year since 2016)."""
    import datetime as dt

    try:
        from zoneinfo import ZoneInfo

        zone: dt.tzinfo = ZoneInfo("Europe/Istanbul")
    except Exception:  # noqa: BLE001 - no time zone database: Turkey's fixed offset
        zone = dt.timezone(dt.timedelta(hours=3))
    return utc.replace(tzinfo=dt.timezone.utc).astimezone(zone).strftime("%d.%m.%Y %H:%M")
