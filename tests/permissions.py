"""Running a command as a normal user would, where file permissions matter.

Root ignores permissions, and the tests may run as root (CI, a container). Then the command
runs under `setpriv` with the capabilities that let root pass permission checks taken out of
its bounding set (capabilities(7): CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER), so a
read-only file or folder refuses it as it refuses anyone. Where that is not possible, the test
is skipped with the reason printed.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

DROPPED = "-dac_override,-dac_read_search,-fowner"


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot drop to a user")
    return [setpriv, f"--bounding-set={DROPPED}"]


def _permissions_hold(prefix: list[str]) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder, "locked")
        locked.mkdir(mode=0o555)
        try:
            done = subprocess.run(
                [*prefix, "sh", "-c", f"touch '{locked}/x'"], capture_output=True, check=False
            )
        finally:
            locked.chmod(0o755)
        return done.returncode != 0


def as_normal_user(argv: list[str]) -> list[str]:
    """``argv`` to run so that permissions hold for it; skips the test when they cannot."""
    prefix = _prefix()
    if not _permissions_hold(prefix):
        pytest.skip("file permissions do not hold even for a normal user here (skipped)")
    return [*prefix, *argv]


def run_as_normal_user(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run(as_normal_user(argv), text output captured, no check), ``kwargs`` added."""
    options = {"capture_output": True, "text": True, "check": False} | kwargs
    return subprocess.run(as_normal_user(argv), **options)
