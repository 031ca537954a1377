"""Places where SQLite is unsafe: a network file system (from the mount table) or a folder a
sync client keeps in sync (by the names those clients give their folders). Such a place is
warned about once, with what to do, when a writing command or the app opens the database;
never refused; a setting silences it."""

import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from interviewer.storage.location import (
    ALLOW_SHARED_ENV_VAR,
    file_system_type,
    parse_mountinfo,
    shared_location,
    synced_service,
)

MOUNTINFO = r"""22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
61 27 0:52 / /home/anne/Work\040Share rw,relatime shared:40 - cifs //fs01/research rw,vers=3.1.1
62 27 0:53 / /mnt/nfs rw,relatime - nfs4 fs02:/export rw,vers=4.2
63 62 254:1 / /mnt/nfs/local-cache rw,relatime - ext4 /dev/vdb rw
64 27 0:54 / /home/anne/remote rw,nosuid,nodev - fuse.sshfs anne@host:/srv rw,user_id=1000
65 27 0:55 / /mnt/c rw,noatime - 9p drvfs rw,aname=drvfs
66 27 0:56 / /run/user/1000/gvfs rw,nosuid - fuse.gvfsd-fuse gvfsd-fuse rw
this line is not one of the kernel's
"""


def test_the_mount_table_is_read_as_the_kernel_writes_it():
    mounts = parse_mountinfo(MOUNTINFO)
    assert ("/home/anne/Work Share", "cifs") in {(m.mount_point, m.fs_type) for m in mounts}
    assert len(mounts) == 8  # the line that is not the kernel's is skipped


@pytest.mark.parametrize(
    ("path", "fs_type"),
    [
        ("/home/anne/study.sqlite", "ext4"),
        ("/home/anne/Work Share/interviews/study.sqlite", "cifs"),
        ("/home/anne/Work Shared/study.sqlite", "ext4"),  # a name that only starts the same
        ("/mnt/nfs/study.sqlite", "nfs4"),
        ("/mnt/nfs/local-cache/study.sqlite", "ext4"),  # the innermost mount counts
        ("/home/anne/remote/a/b.sqlite", "fuse.sshfs"),
        ("/mnt/c/Users/anne/study.sqlite", "9p"),
        ("/run/user/1000/gvfs/smb-share:server=fs01/study.sqlite", "fuse.gvfsd-fuse"),
    ],
)
def test_the_file_system_of_a_path_is_its_innermost_mount(path, fs_type):
    assert file_system_type(PurePosixPath(path), MOUNTINFO) == fs_type


@pytest.mark.parametrize(
    "path",
    [
        "/home/anne/Work Share/interviews/study.sqlite",
        "/mnt/nfs/study.sqlite",
        "/home/anne/remote/b.sqlite",
        "/mnt/c/Users/anne/study.sqlite",
    ],
)
def test_a_network_file_system_is_a_shared_location(path):
    place = shared_location(Path(path), MOUNTINFO)
    assert place is not None and place.network is not None
    assert "network drive" in place.warning()
    assert "send bundles" in place.warning()


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/home/anne/OneDrive/Interviews/study.sqlite", "OneDrive"),
        ("C:/Users/anne/OneDrive - Aarhus Kommune/study.sqlite", "OneDrive"),
        ("/Users/anne/Library/CloudStorage/OneDrive-Personal/study.sqlite", "OneDrive"),
        ("/home/anne/Dropbox/study.sqlite", "Dropbox"),
        ("/home/anne/Dropbox (Personal)/x/study.sqlite", "Dropbox"),
        ("/Users/anne/Library/CloudStorage/GoogleDrive-anne@example.dk/My Drive/s.sqlite",
         "Google Drive"),
        ("G:/My Drive/study.sqlite", "Google Drive"),
        ("/Users/anne/Google Drive/study.sqlite", "Google Drive"),
        ("/Users/anne/Library/Mobile Documents/com~apple~CloudDocs/study.sqlite", "iCloud Drive"),
        ("C:/Users/anne/iCloudDrive/study.sqlite", "iCloud Drive"),
        ("/home/anne/Nextcloud/study.sqlite", "Nextcloud"),
        ("/home/anne/ownCloud/study.sqlite", "ownCloud"),
        ("/Users/anne/Box/study.sqlite", "Box"),
        ("/home/anne/pCloudDrive/study.sqlite", "pCloud"),
        ("/home/anne/MEGA/study.sqlite", "MEGA"),
        ("/home/anne/Sync/study.sqlite", "Sync"),
        ("/home/anne/Seafile/My Library/study.sqlite", "Seafile"),
    ],
)  # fmt: skip
def test_the_folders_sync_clients_make_are_known_by_name(path, service):
    assert synced_service(PurePosixPath(path)) == service


@pytest.mark.parametrize(
    "path",
    [
        "/home/anne/study.sqlite",
        "/home/anne/Documents/Interviews/study.sqlite",
        "/home/anne/OneDrive.sqlite",  # the file itself, not a folder it is in
        "/home/anne/Dropboxes/study.sqlite",
        "/home/anne/Library/study.sqlite",
        "/srv/sync-tools/study.sqlite",
    ],
)
def test_ordinary_folders_are_not_synced_ones(path):
    assert synced_service(PurePosixPath(path)) is None
    assert shared_location(Path(path), MOUNTINFO) is None


def test_a_synced_folder_is_warned_about_with_what_to_do():
    place = shared_location(Path("/home/anne/Dropbox/study.sqlite"), MOUNTINFO)
    warning = place.warning()
    assert warning.startswith("/home/anne/Dropbox/study.sqlite is in a folder that Dropbox")
    assert "this computer's own disk" in warning and "send bundles" in warning


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def test_a_writing_command_warns_once_and_still_works_in_a_synced_folder(tmp_path):
    db = tmp_path / "OneDrive - Aarhus Kommune" / "study.sqlite"
    db.parent.mkdir()
    result = run("demo", "--db", db, "--interviews", 2, env={ALLOW_SHARED_ENV_VAR: ""})
    assert result.returncode == 0, result.stderr
    assert "added 2 demo interviews" in result.stdout
    assert result.stderr.count("interviewer: warning:") == 1
    assert "keeps in sync" in result.stderr and ALLOW_SHARED_ENV_VAR in result.stderr
    checked = run("check", "--db", db, env={ALLOW_SHARED_ENV_VAR: ""})  # reads: no warning
    assert checked.returncode == 0 and checked.stderr == ""


def test_the_environment_variable_silences_the_warning(tmp_path):
    db = tmp_path / "Dropbox" / "study.sqlite"
    db.parent.mkdir()
    result = run("demo", "--db", db, "--interviews", 1, env={ALLOW_SHARED_ENV_VAR: "1"})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
