"""What the three workbooks the generator writes (templates, dogrulama.xlsx, birlesik.xlsx)
share in look: the base font, the palette and the title format."""
from __future__ import annotations

from typing import Any

BASE = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
NAVY = "#1F3864"  # titles and header fills
GREY_TEXT = "#595959"  # help and note lines
LINK = "#0563C1"
RED = "#C00000"


class Formats:
    """Formats of one xlsxwriter workbook; subclasses add their own with :meth:`fmt`."""

    def __init__(self, wb: Any):
        self._wb = wb
        self.title = self.fmt(bold=True, font_size=14, font_color=NAVY)

    def fmt(self, **kw: Any) -> Any:
        """A format on the base font."""
        return self._wb.add_format({**BASE, **kw})
