"""Progress display for long runs (rich), and a silent reporter for tests."""
from __future__ import annotations

from typing import Optional, Protocol


class Reporter(Protocol):
    def start(self, label: str, total: int) -> None: ...
    def advance(self, item: str = "") -> None: ...
    def finish(self) -> None: ...


class NullReporter:
    def start(self, label: str, total: int) -> None:
        pass

    def advance(self, item: str = "") -> None:
        pass

    def finish(self) -> None:
        pass


class RichReporter:
    """One progress bar per stage, with elapsed time, on stderr."""

    def __init__(self, console=None):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = console or Console(stderr=True)
        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("[dim]{task.fields[item]}"), TimeElapsedColumn(),
            console=self.console, transient=False,
        )
        self._task: Optional[int] = None

    def start(self, label: str, total: int) -> None:
        if not self._progress.live.is_started:
            self._progress.start()
        self._task = self._progress.add_task(label, total=max(total, 1), item="")

    def advance(self, item: str = "") -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, item=item)

    def finish(self) -> None:
        if self._task is not None:
            task = self._progress.tasks[self._task]
            self._progress.update(self._task, completed=task.total, item="")
            self._task = None

    def close(self) -> None:
        if self._progress.live.is_started:
            self._progress.stop()
