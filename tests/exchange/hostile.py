"""Bundles made by the app, then edited as an attacker or a clumsy tool would: the zip's
entries rewritten byte for byte, with the checksum (and the signature, where bundles are
signed) recomputed, so that only the edit itself can be what refuses them."""

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import uuid
import warnings
import zipfile
from pathlib import Path

from interviewer.exchange.bundle import BundleRefused, bundle_checksum, read_bundle
from interviewer.exchange.merge import merge_bundles
from interviewer.text_rules import clean_name, interviewer_id
from tests.helpers import database_content

MEMORY_LIMIT = 1024 * 1024 * 1024  # address space of a CLI run: reading a bomb whole exceeds it
TIMEOUT = 60  # a CLI run that reaches a costly scrypt or an unbounded read takes far longer


def entries_of(bundle: Path) -> tuple[dict, bytes]:
    """The manifest (parsed) and data.json (bytes) of a plain bundle."""
    with zipfile.ZipFile(bundle) as archive:
        return json.loads(archive.read("manifest.json")), archive.read("data.json")


def sealed(manifest: dict, payload: bytes) -> dict:
    """The manifest with its checksum for ``payload`` recomputed, and signed again with this
    machine's key when the bundle was signed: what anyone holding a key can do."""
    manifest = dict(manifest)
    if "sender_id" in manifest:  # anyone can work out the id a name has in a study
        # a manifest edited to hold no valid study or name keeps the id it had
        with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
            study, name = uuid.UUID(manifest["study_id"]), clean_name(manifest["interviewer"])
            manifest["sender_id"] = str(interviewer_id(study, name))
    manifest["checksum"] = bundle_checksum(manifest, payload)
    if "signature" in manifest:
        from interviewer.exchange import signing

        manifest["signature"] = signing.this_machines_key().sign(manifest["checksum"])
    return manifest


def write_zip(bundle: Path, entries: list[tuple[str, bytes]]) -> None:
    """A zip of ``entries`` (name, bytes), in that order; a name may come twice."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            with warnings.catch_warnings():  # a name twice: zipfile warns, and writes it
                warnings.simplefilter("ignore", UserWarning)
                archive.writestr(name, content)
    bundle.write_bytes(buffer.getvalue())


def rewrite(
    bundle: Path,
    *,
    manifest=None,
    data=None,
    payload: bytes | None = None,
    manifest_bytes: bytes | None = None,
    seal: bool = True,
) -> None:
    """Rewrites a plain bundle: ``manifest`` and ``data`` edit the parsed JSON in place,
    ``payload`` replaces data.json's bytes, ``manifest_bytes`` the manifest's; the checksum
    is recomputed unless ``seal`` is False."""
    held, raw = entries_of(bundle)
    if data is not None:
        parsed = json.loads(raw)
        data(parsed)
        raw = json.dumps(parsed).encode("ascii")  # escaped: any text survives, half a pair too
    if payload is not None:
        raw = payload
    if manifest is not None:
        manifest(held)
    if seal:
        held = sealed(held, raw)
    manifest_raw = manifest_bytes if manifest_bytes is not None else json.dumps(held).encode()
    write_zip(bundle, [("manifest.json", manifest_raw), ("data.json", raw)])


def refused(central: Path, bundle: Path, reason: str, **secrets) -> str:
    """Merges ``bundle`` alone: it is refused with ``reason`` in its message, and the
    central database is byte for byte as it was."""
    before = database_content(central)
    report = merge_bundles(central, [bundle], **secrets)
    [result] = report.bundles
    assert result.refused is not None, "the bundle was merged"
    assert reason in result.refused, result.refused
    assert database_content(central) == before
    try:
        read_bundle(bundle, **secrets)
    except BundleRefused:
        pass
    else:
        raise AssertionError("read_bundle accepted what merge refused")
    return result.refused


def _bounded():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """The command as a user runs it, under MEMORY_LIMIT and ``timeout`` seconds; the user
    folders are the test's (the same signing key as the bundles it made)."""
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
        timeout=timeout,
        preexec_fn=_bounded,
    )
