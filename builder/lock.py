"""The timeline lock: one run at a time writes a timeline folder.

An exclusive lock file (``.timeline.lock``, holding the run's process id) in the
timeline folder; a stale one, whose process is gone, is taken over. The store
(``store.py``) takes it for the whole of a run.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

LOCK_FILE = ".timeline.lock"


class Lock:
    """An exclusive lock file in the timeline folder; a stale one (its process
    gone) is taken over."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.path = self.root / LOCK_FILE

    def __enter__(self):
        self.root.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            if self._create():
                return self
            pid = self._holder()
            if pid and _alive(pid):
                raise RuntimeError(f"{self.root}: another run (process {pid}) is updating this timeline; "
                                   f"wait for it to finish (or delete {self.path} if that process is gone)")
            self._take_over_stale(pid)
        raise RuntimeError(f"{self.root}: could not take the lock {self.path}; delete it if no run is going on")

    def _create(self) -> bool:
        """Create the lock file with our pid already in it (link is atomic), so no
        other run ever sees an empty lock file and takes it for a stale one."""
        fd, tmp = tempfile.mkstemp(prefix=f"{LOCK_FILE}.", suffix=".tmp", dir=self.root)
        try:
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()}\n")
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                return False
            except OSError:  # no hard links on this file system
                try:
                    fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
                except FileExistsError:
                    return False
                with os.fdopen(fd, "w") as f:
                    f.write(f"{os.getpid()}\n")
            return True
        finally:
            os.unlink(tmp)

    def _holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def _take_over_stale(self, pid: int | None) -> None:
        # Move it aside first: of two runs finding the same stale lock, only one
        # rename succeeds, and a fresh lock that appeared meanwhile is put back.
        aside = self.path.with_name(f"{LOCK_FILE}.stale.{os.getpid()}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return
        try:
            moved = int(aside.read_text().strip() or 0) or None
        except (OSError, ValueError):
            moved = None
        if moved != pid and moved and _alive(moved):
            try:
                os.link(aside, self.path)
            except FileExistsError:
                pass
        aside.unlink(missing_ok=True)

    def __exit__(self, *exc):
        if self._holder() == os.getpid():
            self.path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
