"""Encrypted bundles, with the cryptography package only: nothing home-made.

An encrypted bundle is a short header and AES-256-GCM ciphertext of the plain bundle. The
header (magic, mode, parameters) is authenticated as associated data, so changing any byte of
the file, header included, makes decryption fail. Two modes:

- password: the key comes from the password through scrypt (n=2**17, r=8, p=1, OWASP's
  recommendation), with a fresh salt and nonce each time; a header naming other settings is
  refused before any work, so a file cannot make a merge run a costly scrypt;
- public key: a fresh X25519 key pair per bundle; its agreement with the study's public key,
  through HKDF-SHA256, gives the key, so only the holder of the study's private key (kept
  under a passphrase) can open it, and the interviewer needs no secret at all.
"""

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from interviewer.errors import InterviewerError
from interviewer.exchange.limits import OutOfBounds, load_json
from interviewer.i18n import tr

MAGIC = b"IVWBUNDLE1\n"
SCRYPT = {"n": 2**17, "r": 8, "p": 1}
HKDF_INFO = b"interviewer bundle v1"
NONCE_SIZE, SALT_SIZE, PUBLIC_KEY_SIZE = 12, 16, 32  # bytes: AES-GCM's nonce, X25519's key
# A header is about 200 bytes; a longer one was not written by this app and is not parsed.
HEADER_LIMIT = 4096
# The fields of each mode's header, exactly: nothing the app does not write is read.
HEADER_FIELDS = {
    "password": {"mode", "kdf", "n", "r", "p", "salt", "nonce"},
    "public_key": {"mode", "ephemeral", "salt", "nonce"},
}


class DecryptionFailed(InterviewerError):
    """Wrong password or key, or the file was changed."""


def is_encrypted(data: bytes) -> bool:
    return data.startswith(MAGIC)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _field(header: dict, name: str, size: int) -> bytes:
    """A header's base64 field as bytes, exactly ``size`` of them; raises DecryptionFailed
    for anything else (a number, an empty text, another length, text that is not base64)."""
    value = header[name]
    try:
        if not isinstance(value, str) or len(value) > 2 * size + 4:
            raise ValueError
        decoded = _unb64(value)
    except (ValueError, UnicodeEncodeError):
        decoded = b""
    if len(decoded) != size:
        raise DecryptionFailed(
            tr(
                "the encrypted bundle is damaged (its {field} is not {size} bytes)",
                field=name,
                size=size,
            )
        )
    return decoded


def _seal(header: dict, key: bytes, plain: bytes) -> bytes:
    nonce = os.urandom(12)
    header = {**header, "nonce": _b64(nonce)}
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    ciphertext = AESGCM(key).encrypt(nonce, plain, MAGIC + header_bytes)
    return MAGIC + len(header_bytes).to_bytes(4, "big") + header_bytes + ciphertext


def _open(data: bytes) -> tuple[dict, bytes, bytes]:
    """The header, the authenticated prefix and the ciphertext of an encrypted file."""
    try:
        length = int.from_bytes(data[len(MAGIC) : len(MAGIC) + 4], "big")
        start = len(MAGIC) + 4
        header_bytes = data[start : start + length]
        if length > HEADER_LIMIT or len(header_bytes) != length:
            raise ValueError
        header = load_json(header_bytes, entry="header")  # bounded, as a bundle's JSON is
        if not isinstance(header, dict):
            raise ValueError
        return header, MAGIC + header_bytes, data[start + length :]
    except (ValueError, OutOfBounds):
        raise DecryptionFailed(
            "the encrypted bundle is damaged (its header cannot be read)"
        ) from None


def _scrypt_key(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(password.encode("utf-8"))


def encrypt_with_password(plain: bytes, password: str) -> bytes:
    if not password:
        raise InterviewerError("a password for the bundle must not be empty")
    salt = os.urandom(16)
    key = _scrypt_key(password, salt, **SCRYPT)
    return _seal({"mode": "password", "kdf": "scrypt", **SCRYPT, "salt": _b64(salt)}, key, plain)


def encrypt_to_public_key(plain: bytes, public_key: X25519PublicKey) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(public_key)
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    salt = os.urandom(16)
    key = HKDF(hashes.SHA256(), 32, salt, HKDF_INFO).derive(shared)
    return _seal(
        {"mode": "public_key", "ephemeral": _b64(ephemeral_public), "salt": _b64(salt)}, key, plain
    )


def decrypt(
    data: bytes, *, password: str | None = None, private_key: X25519PrivateKey | None = None
) -> bytes:
    header, authenticated, ciphertext = _open(data)
    mode = header.get("mode")
    if not isinstance(mode, str) or mode not in HEADER_FIELDS:
        raise DecryptionFailed("the bundle uses an encryption this app does not know")
    if set(header) != HEADER_FIELDS[mode]:
        raise DecryptionFailed("the encrypted bundle is damaged (its header is incomplete)")
    # the cost of scrypt is never taken from the file: only the app's own settings are run
    if mode == "password" and (
        header["kdf"] != "scrypt"
        or any(type(header[name]) is not int or header[name] != SCRYPT[name] for name in SCRYPT)
    ):
        raise DecryptionFailed("the bundle's key settings are not ones this app uses")
    nonce, salt = _field(header, "nonce", NONCE_SIZE), _field(header, "salt", SALT_SIZE)
    try:
        if mode == "password":
            if password is None:
                raise DecryptionFailed("this bundle is locked with a password: give it")
            key = _scrypt_key(password, salt, **SCRYPT)
        else:
            if private_key is None:
                raise DecryptionFailed(
                    "this bundle is encrypted to the study's key: give "
                    "the private key and its passphrase"
                )
            peer = X25519PublicKey.from_public_bytes(_field(header, "ephemeral", PUBLIC_KEY_SIZE))
            key = HKDF(hashes.SHA256(), 32, salt, HKDF_INFO).derive(private_key.exchange(peer))
    except ValueError:  # a public key X25519 refuses (one of low order)
        raise DecryptionFailed(
            "the encrypted bundle is damaged (its header is incomplete)"
        ) from None
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, authenticated)
    except InvalidTag:
        raise DecryptionFailed(
            "wrong password or key, or the file was changed after it was written"
        ) from None


# ---------------------------------------------------------------- study key pair


def new_key_pair(folder: Path, passphrase: str) -> tuple[Path, Path]:
    """Writes study-public.pem and study-private.pem (encrypted with the passphrase)."""
    if len(passphrase) < 8:
        raise InterviewerError("the passphrase must have at least 8 characters")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    private, public = folder / "study-private.pem", folder / "study-public.pem"
    for path in (private, public):
        if os.path.lexists(path):  # a symlink to nothing counts: writing would follow it
            raise InterviewerError(f"{path} exists already; it is not overwritten")
    key = X25519PrivateKey.generate()
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
        )
    )
    os.chmod(private, 0o600)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return public, private


def load_public_key(pem: bytes) -> X25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError:
        raise InterviewerError("this is not a public key file") from None
    if not isinstance(key, X25519PublicKey):
        raise InterviewerError("the public key is not an X25519 key made by 'interviewer keys new'")
    return key


def load_private_key(pem: bytes, passphrase: str) -> X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise InterviewerError("wrong passphrase for the private key, or not a key file") from None
    if not isinstance(key, X25519PrivateKey):
        raise InterviewerError(
            "the private key is not an X25519 key made by 'interviewer keys new'"
        )
    return key
