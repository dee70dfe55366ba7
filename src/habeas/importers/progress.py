"""A progress bar on stderr for long inputs, so a million-row import is not a silent wait."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

#: Inputs smaller than this finish before a bar would be worth drawing.
LONG_INPUT_BYTES = 4 * 1024 * 1024

Advance = Callable[[int], None]


@contextmanager
def byte_progress(label: str, total: int, *, enabled: bool = True) -> Iterator[Advance]:
    """Yield ``update(bytes_done)``; draws only on a terminal and for long inputs, so logs
    and ``--json`` output stay clean."""
    console = Console(stderr=True)
    if not enabled or total < LONG_INPUT_BYTES or not console.is_terminal:
        yield _ignore
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                   TimeRemainingColumn(), console=console, transient=True)
    with bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def _ignore(done: int) -> None:
    """The update of a bar that is not drawn."""
