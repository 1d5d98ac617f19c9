"""Progress reporting, decoupled from the harness so library users get none by default."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """What the harness calls on long work; the CLI passes a rich-backed implementation."""

    def start(self, total: int, description: str) -> None: ...

    def advance(self, description: str) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    """The silent default."""

    def start(self, total: int, description: str) -> None:
        pass

    def advance(self, description: str) -> None:
        pass

    def finish(self) -> None:
        pass


class RichProgress:
    """A progress bar on stderr (rich), shown only when stderr is a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = None

    def start(self, total: int, description: str) -> None:
        if self._task is not None:  # a later step (loading, then evaluating...) reuses the bar
            self._bar.remove_task(self._task)
        self._bar.start()
        self._task = self._bar.add_task(description, total=total)

    def advance(self, description: str) -> None:
        if self._task is not None:
            self._bar.update(self._task, advance=1, description=description)

    def finish(self) -> None:
        self._bar.stop()
