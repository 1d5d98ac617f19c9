"""Progress reporting, decoupled from the harness so library users get none by default.

The harness reports its own steps (loading, one step per model and fold) to the ``Progress``
it was given. Long loops inside a model (training epochs) report through ``track``: the
harness makes its progress the active one (``reporting``) while it fits, and ``track`` shows
the loop as a second bar under it; with no active progress ``track`` is a plain loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, TypeVar

T = TypeVar("T")


class Progress(Protocol):
    """What the harness calls on long work; the CLI passes a rich-backed implementation."""

    def start(self, total: int, description: str) -> None: ...

    def advance(self, description: str) -> None: ...

    def finish(self) -> None: ...

    def substep(self, done: int, total: int, description: str) -> None: ...


class NoProgress:
    """The silent default."""

    def start(self, total: int, description: str) -> None:
        pass

    def advance(self, description: str) -> None:
        pass

    def finish(self) -> None:
        pass

    def substep(self, done: int, total: int, description: str) -> None:
        pass


_active: ContextVar[Progress | None] = ContextVar("rectool_progress", default=None)


@contextmanager
def reporting(progress: Progress) -> Iterator[None]:
    """Make ``progress`` the one that ``track`` reports to, for the duration of the block."""
    token = _active.set(progress)
    try:
        yield
    finally:
        _active.reset(token)


def track(items: Iterable[T], total: int, description: str) -> Iterator[T]:
    """Yield ``items``, reporting each one done to the active progress (e.g. training epochs)."""
    progress = _active.get()
    if progress is None:
        yield from items
        return
    progress.substep(0, total, description)
    for done, item in enumerate(items, start=1):
        yield item
        progress.substep(done, total, description)


class RichProgress:
    """A progress bar on stderr (rich), shown only when stderr is a terminal; a second bar
    follows the current model's training epochs."""

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
        self.enabled = console.is_terminal
        self._task = None
        self._sub = None

    def start(self, total: int, description: str) -> None:
        if self._task is not None:  # a later step (loading, then evaluating...) reuses the bar
            self._bar.remove_task(self._task)
        self._drop_sub()
        self._bar.start()
        self._task = self._bar.add_task(description, total=total)

    def advance(self, description: str) -> None:
        self._drop_sub()
        if self._task is not None:
            self._bar.update(self._task, advance=1, description=description)

    def substep(self, done: int, total: int, description: str) -> None:
        if self._sub is None:
            self._sub = self._bar.add_task(f"  {description}", total=total)
        self._bar.update(self._sub, completed=done, total=total, description=f"  {description}")

    def _drop_sub(self) -> None:
        if self._sub is not None:
            self._bar.remove_task(self._sub)
            self._sub = None

    def finish(self) -> None:
        self._drop_sub()
        self._bar.stop()
