"""Where a database file lives, as far as SQLite cares: whether its folder can be written
(read-only media), and whether the place is one where SQLite's WAL mode is unsafe (a network
file system, a folder a sync client copies while it is open).

SQLite's locking and its shared-memory ``-shm`` file only work on a local disk
(https://www.sqlite.org/wal.html, "WAL does not work over a network filesystem";
https://www.sqlite.org/useovernet.html); a sync client (OneDrive, Dropbox, …) uploads the
database and its ``-wal`` apart, and may put an older copy back. So such a place gets a
warning, never a refusal: the person may know better (a synced folder set to "keep on this
device only", say).
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath

from interviewer.file_safety import shown_path
from interviewer.i18n import tr

# The environment variable that silences the shared-location warning of the command line
# (the app also has a setting for it).
ALLOW_SHARED_ENV_VAR = "INTERVIEWER_ALLOW_SHARED_FOLDER"

# File system types (as /proc/self/mountinfo names them, and as the warning shows them) that
# reach another machine, or a host's folder from a virtual machine: SQLite's locks and shared
# memory are not reliable there.
NETWORK_FILE_SYSTEMS = {
    *("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "afs", "ncpfs", "coda", "davfs"),
    *("ceph", "glusterfs", "lustre", "gpfs", "vboxsf", "prl_fs", "vmhgfs"),
    *("fuse.sshfs", "fuse.davfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse"),
    *("fuse.glusterfs", "fuse.cephfs", "fuse.gvfsd-fuse", "fuse.kio-fuse"),
    *("fuse.vmhgfs-fuse", "fuse.google-drive-ocamlfuse", "fuse.onedriver"),
}

# Folder names the sync clients make, as they name them (exact name, case ignored).
SYNCED_FOLDER_NAMES = {
    "onedrive": "OneDrive",
    "dropbox": "Dropbox",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "box": "Box",
    "box sync": "Box",
    "pclouddrive": "pCloud",
    "pcloud drive": "pCloud",
    "mega": "MEGA",
    "megasync": "MEGA",
    "sync": "Sync",  # Sync.com's folder, and Syncthing's default one
    "seafile": "Seafile",
    "seadrive": "Seafile",
    "yandex.disk": "Yandex Disk",
    "tresorit": "Tresorit",
    "resilio sync": "Resilio Sync",
    "proton drive": "Proton Drive",
}
# ... and the names that start with the service's name: "OneDrive - Aarhus Kommune" (work or
# school), "Dropbox (Personal)", and macOS's ~/Library/CloudStorage/"GoogleDrive-me@x.dk",
# "OneDrive-Personal", "Box-Box".
SYNCED_FOLDER_PREFIXES = {
    "onedrive - ": "OneDrive",
    "onedrive-": "OneDrive",
    "dropbox (": "Dropbox",
    "dropbox-": "Dropbox",
    "googledrive-": "Google Drive",
    "box-": "Box",
    "proton drive - ": "Proton Drive",
}


@dataclass(frozen=True)
class Mount:
    """One line of /proc/self/mountinfo: where a file system is mounted, and its type."""

    mount_point: str
    fs_type: str
    device: str = ""  # "major:minor" of the file system, e.g. "8:1"


def _unescape(field: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes (\040 …)
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and all(c in "01234567" for c in code):
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts listed in ``text`` (the format of /proc/self/mountinfo, proc(5)); lines
    that do not follow it are skipped."""
    mounts = []
    for line in text.splitlines():
        fields = line.split(" ")
        try:
            separator = fields.index("-", 6)
            mounts.append(Mount(_unescape(fields[4]), fields[separator + 1], fields[2]))
        except (ValueError, IndexError):
            continue
    return mounts


def _existing(path: Path) -> Path:
    """``path`` resolved, or its nearest folder that exists (a database not made yet)."""
    path = Path(os.path.abspath(path))
    for candidate in (path, *path.parents):
        try:
            if candidate.exists():
                return candidate.resolve()
        except OSError:
            continue
    return path


def file_system_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the file system holding ``path`` (e.g. "ext4", "nfs4", "fuse.sshfs"), from
    ``mountinfo`` (the text of /proc/self/mountinfo; read when None); None where that is not
    known (not Linux)."""
    target = PurePath(path)
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text("utf-8", errors="replace")
        except OSError:
            return None
        target = PurePath(_existing(path))
    best: Mount | None = None
    for mount in parse_mountinfo(mountinfo):
        point = PurePath(mount.mount_point)
        if (target == point or point in target.parents) and (
            best is None or len(point.parts) >= len(PurePath(best.mount_point).parts)
        ):
            best = mount
    return best.fs_type if best else None


def synced_service(path: Path) -> str | None:
    """The sync service whose folder holds ``path`` ("OneDrive", "Dropbox", …), by the folder
    names the sync clients make; None when no folder on the way is one of them."""
    parts = PurePath(path).parts[:-1]  # the folders it is in, not the file's own name
    for index, part in enumerate(parts):
        service = _service_named(part)
        if service is not None:
            return service
        following = parts[index + 1].casefold() if index + 1 < len(parts) else ""
        if part.casefold() == "library" and following == "mobile documents":
            return "iCloud Drive"  # macOS keeps iCloud Drive in ~/Library/Mobile Documents
        if part.casefold() == "library" and following == "cloudstorage" and index + 2 < len(parts):
            # macOS's folder of every File Provider (OneDrive, Dropbox, Box, …)
            provider = parts[index + 2]
            return _service_named(provider) or provider.split("-")[0]
    return None


def _service_named(folder: str) -> str | None:
    name = folder.casefold()
    if name in SYNCED_FOLDER_NAMES:
        return SYNCED_FOLDER_NAMES[name]
    for prefix, service in SYNCED_FOLDER_PREFIXES.items():
        if name.startswith(prefix):
            return service
    return None


def _windows_network_drive(path: Path) -> str | None:
    if sys.platform != "win32":
        return None
    text = str(path)
    if text.startswith(("\\\\", "//")):  # \\server\share
        return "SMB"
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(text))[0]
    if drive and ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == 4:  # DRIVE_REMOTE
        return "SMB"
    return None


@dataclass(frozen=True)
class SharedLocation:
    """A place where SQLite is unsafe: on a network file system, or in a synced folder."""

    path: Path
    network: str | None = None  # the file system's type, e.g. "nfs4"
    service: str | None = None  # the sync service, e.g. "OneDrive"

    def warning(self) -> str:
        """One sentence: what the place is, why it matters, what to do."""
        if self.service is not None:
            return tr(
                "{path} is in a folder that {service} keeps in sync, which can damage a "
                "database while it is open; keep the database on this computer's own disk "
                "(outside {service}) and send bundles to share interviews.",
                path=shown_path(self.path),
                service=self.service,
            )
        return tr(
            "{path} is on a network drive ({kind}), where the database can be damaged or "
            "changes lost; keep the database on this computer's own disk and send bundles to "
            "share interviews.",
            path=shown_path(self.path),
            kind=self.network,
        )


def shared_location(path: Path, mountinfo: str | None = None) -> SharedLocation | None:
    """Whether ``path`` (a database file, made or not yet) is somewhere SQLite is unsafe.

    ``mountinfo`` is the text of /proc/self/mountinfo (read when None, on Linux)."""
    path = Path(path)
    if mountinfo is None:
        resolved = _existing(path)
        fs_type = file_system_type(resolved)
    else:
        resolved = path
        fs_type = file_system_type(path, mountinfo)
    if fs_type in NETWORK_FILE_SYSTEMS:
        return SharedLocation(path, network=fs_type)
    network = _windows_network_drive(resolved)
    if network is not None:
        return SharedLocation(path, network=network)
    service = synced_service(resolved) or synced_service(Path(os.path.abspath(path)))
    if service is not None:
        return SharedLocation(path, service=service)
    return None


def shared_location_allowed() -> bool:
    """The person said the database may stay where it is ($INTERVIEWER_ALLOW_SHARED_FOLDER=1)."""
    return os.environ.get(ALLOW_SHARED_ENV_VAR, "").strip().lower() in {"1", "yes", "true", "on"}


# --------------------------------------------------------------------- read-only media


def folder_writable(path: Path) -> bool:
    """Whether this process may make files beside ``path`` (SQLite's -wal, -shm, journal)."""
    folder = Path(os.path.abspath(path)).parent
    return os.access(folder, os.W_OK | os.X_OK)


def file_writable(path: Path) -> bool:
    """Whether this process may write ``path`` itself and the files beside it."""
    path = Path(path)
    return folder_writable(path) and (not path.exists() or os.access(path, os.W_OK))


# SQLite's -shm of a WAL database is 32 KiB from its first use (https://www.sqlite.org/walformat.html)
SHM_SIZE = 32 * 1024


def _no_room_for_shm(path: Path) -> bool:
    """Whether a reader would have to make (or grow) the -shm beside ``path`` on a disk
    without the room for it: then it fails with SQLITE_IOERR_SHMSIZE, as on a read-only
    folder, though reading needs no room. A -shm of full size (a copy has the file open)
    is used as it is; a short one is a failed earlier try's."""
    shm = Path(f"{path}-shm")
    try:
        if shm.exists() and shm.stat().st_size >= SHM_SIZE:
            return False
        disk = os.statvfs(path.parent)
    except (OSError, AttributeError):  # statvfs: not on Windows, where this check is moot
        return False
    return disk.f_bavail * disk.f_frsize < 2 * SHM_SIZE


def read_only_uri(path: Path) -> str:
    """The SQLite URI that reads ``path`` without writing it, also on read-only media.

    Normally ``mode=ro``: SQLite still makes the ``-shm`` it needs to read a WAL database.
    Where the folder cannot be written and there is no ``-shm`` file, SQLite cannot read a
    WAL database that way (https://www.sqlite.org/wal.html#readonly); then ``immutable=1``,
    which reads the file as it is, with no locks and no journal. That is safe there and only
    there: a writer in WAL mode writes its changes to the ``-wal`` first, and none can be
    made in this folder, so with no ``-wal`` holding changes no writer can be at work. A
    ``-wal`` holding changes is read through its ``-shm`` when there is one (SQLite opens
    that read-only); without one ``immutable`` would ignore those changes, so that case
    raises StorageFailure (WAL_ON_READ_ONLY_MEDIA). A full disk is read the same way when
    the -shm cannot be made there (_no_room_for_shm): no writer can add to the -wal either,
    and one that has the file open has its -shm already, so a read never says "disk full"."""
    path = Path(path).resolve()
    uri = path.as_uri()
    if folder_writable(path) and not _no_room_for_shm(path):
        return f"{uri}?mode=ro"
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        if Path(f"{path}-shm").exists():
            return f"{uri}?mode=ro"  # SQLite reads the -wal through a read-only -shm
        from interviewer.storage.failures import Failure, StorageFailure

        raise StorageFailure(Failure.WAL_ON_READ_ONLY_MEDIA, path)
    return f"{uri}?mode=ro&immutable=1"


# --------------------------------------------------------------------- one file, one name


def second_name(path: Path, mountinfo: str | None = None) -> str | None:
    """Why the database file ``path`` must not be opened by this name, in one clause for
    "<path>: …": the file also has another name, a hard link (``st_nlink`` > 1) or a file
    mounted at a second place (a bind mount of the file itself: ``path`` resolved, or another
    name of the same file, is a mount point in ``mountinfo``, the text of
    /proc/self/mountinfo, read when None on Linux).
    None for a file with one name, or a path with nothing there yet.

    SQLite keeps a database's write-ahead log and its locks in ``<name>-wal``/``<name>-shm``,
    named after the name it was opened by, so two names make two logs and two sets of locks:
    BEGIN IMMEDIATE and the writer lock no longer exclude each other, changes are lost and
    the file can be damaged (https://www.sqlite.org/howtocorrupt.html, 2.5). A folder reached
    by two paths (a bind mount of the folder, a symlink) is fine: there the -wal, the -shm
    and the writer lock are the same files whichever path is used."""
    path = Path(path)
    try:
        found = os.stat(path)
    except OSError:
        return None
    advice = tr(
        "and SQLite keeps each name's locks and unsaved changes apart, so working through "
        "two names loses changes and can damage the file; copy it to a file of its own "
        "(a copy, not a link) and open the copy"
    )
    if found.st_nlink > 1:
        return tr(
            "this database file also has another name (a hard link: {count} names for one "
            "file), {advice}",
            count=found.st_nlink,
            advice=advice,
        )
    if mountinfo is None:
        if not sys.platform.startswith("linux"):
            return None
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text("utf-8", errors="replace")
        except OSError:
            return None
        target = PurePath(_existing(path))
    else:
        target = PurePath(path)
    if any(_same_file(mount, target, found) for mount in parse_mountinfo(mountinfo)):
        return tr(
            "this database file is also mounted at a second place (a bind mount of the file "
            "itself), {advice}; or mount its folder instead of the file",
            advice=advice,
        )
    return None


def _same_file(mount: Mount, target: PurePath, found: os.stat_result) -> bool:
    """Whether ``mount`` puts the file ``target`` (``found`` its stat) at a place of its own:
    ``target`` is the mount point, or the mount point is another name of the same file (the
    bind mount's source side). Only mounts of the file's own file system are looked at, so
    no stat reaches a network mount that may hang."""
    if PurePath(mount.mount_point) == target:
        return True
    if mount.device != f"{os.major(found.st_dev)}:{os.minor(found.st_dev)}":
        return False
    try:
        other = os.stat(mount.mount_point)
    except OSError:
        return False
    return (other.st_dev, other.st_ino) == (found.st_dev, found.st_ino)
