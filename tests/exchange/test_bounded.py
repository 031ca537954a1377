"""A bundle costs bounded memory and time whatever its file holds: zip bombs, nesting bombs,
huge texts and numbers, extra or doubled entries and a header that asks for a costly scrypt
are refused by name, with the reason, before the work they would cause; nothing is written
and no traceback is shown. The bombs run as a real `interviewer merge` under a 1 GB
address-space limit and a timeout."""

import json
import math
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.exchange import crypto, limits
from interviewer.exchange.bundle import write_bundle
from interviewer.exchange.limits import (
    CHUNK,
    DEPTH_LIMIT,
    ENTRY_LIMITS,
    INTEGER_LIMIT,
    STRING_LIMIT,
    OutOfBounds,
    load_json,
)
from interviewer.exchange.merge import merge_bundles
from tests.exchange.hostile import entries_of, refused, rewrite, run_cli, sealed, write_zip
from tests.helpers import database_content

GIB = 1024**3


@pytest.fixture
def central(tmp_path, two_fields):
    """A central database that already holds one merged bundle."""
    path = tmp_path / "central.sqlite"
    write_bundle(two_fields[1], tmp_path / "earlier.bundle", plain=True)
    assert not merge_bundles(path, [tmp_path / "earlier.bundle"]).refused
    return path


@pytest.fixture
def bundle(tmp_path, two_fields):
    """A plain bundle of 12 interviews, as the app writes it."""
    path = tmp_path / "mette.bundle"
    write_bundle(two_fields[0], path, plain=True)
    return path


def no_traceback(result):
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


# ---------------------------------------------------------------- zip bombs


def zeros_entry(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """An entry of ``size`` zero bytes, deflated (about a thousandth of it), written a
    mebibyte at a time so the test itself stays small."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    chunk = bytes(1024 * 1024)
    with archive.open(info, "w") as stream:
        for _ in range(size // len(chunk)):
            stream.write(chunk)


def declare_size(path: Path, name: str, size: int) -> None:
    """Makes the zip's headers (local and central) claim ``name`` unpacks to ``size``
    bytes, whatever its compressed stream really holds."""
    content = bytearray(path.read_bytes())
    _, _, _, _, _, _, directory, _ = struct.unpack("<4s4H2LH", content[-22:])
    position = directory
    while content[position : position + 4] == b"PK\x01\x02":
        name_length, extra, comment = struct.unpack("<3H", content[position + 28 : position + 34])
        local = struct.unpack("<L", content[position + 42 : position + 46])[0]
        if content[position + 46 : position + 46 + name_length] == name.encode():
            content[position + 24 : position + 28] = struct.pack("<L", size)
            content[local + 22 : local + 26] = struct.pack("<L", size)
        position += 46 + name_length + extra + comment
    path.write_bytes(bytes(content))


@pytest.fixture
def data_bomb(tmp_path, bundle):
    """A 1 MB bundle whose data.json unpacks to 1 GiB, its manifest a real one."""
    manifest, _ = entries_of(bundle)
    path = tmp_path / "bomb.bundle"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        zeros_entry(archive, "data.json", GIB)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def test_a_zip_that_unpacks_to_a_gigabyte_is_refused_at_once(data_bomb, central):
    before = database_content(central)
    result = run_cli("merge", "--db", central, data_bomb)
    assert result.returncode == 1
    assert "bomb.bundle: refused: data.json unpacks to more than 134,217,728 bytes" in (
        result.stdout
    )
    no_traceback(result)
    assert database_content(central) == before


def test_a_zip_bomb_that_hides_its_size_is_read_no_further_than_it_claims(data_bomb, central):
    """The headers say 1,000 bytes; the stream holds a gigabyte: reading stops at what was
    claimed (then the zip's own CRC tells the bytes are not what was written)."""
    declare_size(data_bomb, "data.json", 1000)
    before = database_content(central)
    result = run_cli("merge", "--db", central, data_bomb)
    assert result.returncode == 1
    assert "bomb.bundle: refused: this is not a bundle, or it is damaged" in result.stdout
    no_traceback(result)
    assert database_content(central) == before
    # claiming just under the limit costs at most the limit, not the gigabyte
    declare_size(data_bomb, "data.json", ENTRY_LIMITS["data.json"])
    result = run_cli("merge", "--db", central, data_bomb)
    assert result.returncode == 1 and "bomb.bundle: refused: " in result.stdout
    no_traceback(result)
    assert database_content(central) == before


def test_a_manifest_that_unpacks_beyond_its_limit_is_refused(tmp_path, bundle, central):
    _, payload = entries_of(bundle)
    path = tmp_path / "manifest-bomb.bundle"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        zeros_entry(archive, "manifest.json", 256 * 1024 * 1024)
        archive.writestr("data.json", payload)
    refused(central, path, "manifest.json unpacks to more than 65,536 bytes")


# ---------------------------------------------------------------- nesting, texts, numbers


def test_200000_nested_brackets_are_refused_without_parsing_them(tmp_path, bundle, central):
    rewrite(bundle, payload=b"[" * 200_000 + b"]" * 200_000)
    before = database_content(central)
    result = run_cli("merge", "--db", central, bundle)
    assert result.returncode == 1
    assert f"mette.bundle: refused: data.json nests deeper than {DEPTH_LIMIT} levels" in (
        result.stdout
    )
    no_traceback(result)
    assert database_content(central) == before
    rewrite(bundle, payload=b'{"a":' * 200_000 + b"1" + b"}" * 200_000)
    refused(central, bundle, f"data.json nests deeper than {DEPTH_LIMIT} levels")


def test_a_manifest_nested_deeply_is_refused(bundle, central):
    rewrite(bundle, manifest_bytes=b"[" * 30_000 + b"]" * 30_000)
    refused(central, bundle, f"manifest.json nests deeper than {DEPTH_LIMIT} levels")


def test_brackets_inside_texts_are_no_nesting():
    """Quotes, escaped quotes and backslashes inside strings are counted as text."""
    text = json.dumps({"note": "[[[{{{" * 50 + '\\"]]]"\\', "list": [[["ok"]]]})
    assert load_json(text.encode(), entry="data.json")["list"] == [[["ok"]]]
    deep = json.dumps({"a": "\\" * 7 + '"[[['} | {"b": [[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]})
    with pytest.raises(OutOfBounds, match="nests deeper"):
        load_json(deep.encode(), entry="data.json")


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(st.characters(blacklist_categories=()), max_size=8),  # half pairs too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=20,
)


def out_of_bounds(value) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return abs(value) > INTEGER_LIMIT
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        return any(0xD800 <= ord(char) <= 0xDFFF for char in value)
    if isinstance(value, dict):
        return any(map(out_of_bounds, value)) or any(map(out_of_bounds, value.values()))
    return any(map(out_of_bounds, value))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(value=JSON_VALUES, chunk=st.sampled_from([3, 7, 64, CHUNK]), spaced=st.booleans())
def test_the_quick_scan_misses_no_number_or_text_out_of_bounds(value, chunk, spaced, monkeypatch):
    """Whatever the value, and wherever the scan's chunks cut its text, load_json refuses it
    exactly when an integer, a number or a text in it is out of bounds, and otherwise reads
    what json.loads reads."""
    monkeypatch.setattr(limits, "CHUNK", chunk)
    raw = json.dumps(value, indent=1 if spaced else None).encode("ascii")
    if out_of_bounds(value):
        with pytest.raises(OutOfBounds):
            load_json(raw, entry="data.json")
    else:
        assert load_json(raw, entry="data.json") == json.loads(raw)


def first_note(data):
    """The notes of the bundle's first interview's first answer (a text an interviewer types)."""
    return data["interviews"][0]["document"]["answers"][0]


def test_a_text_longer_than_a_million_characters_is_refused(bundle, central):
    rewrite(bundle, data=lambda d: first_note(d).update(notes="ø" * (STRING_LIMIT + 1)))
    refused(central, bundle, "data.json holds a text longer than 1,000,000 characters")
    rewrite(bundle, manifest=lambda m: m.update(device="x" * 70_000))  # over the entry's limit
    refused(central, bundle, "manifest.json unpacks to more than")


def test_a_text_of_exactly_the_limit_is_read():
    text = json.dumps({"notes": "ø" * STRING_LIMIT}, ensure_ascii=False).encode()
    assert len(load_json(text, entry="data.json")["notes"]) == STRING_LIMIT


@pytest.mark.parametrize(
    "number",
    [2**70, -(2**70), 2**53 + 1, int("9" * 4000)],
    ids=["2**70", "-2**70", "2**53+1", "4000 digits"],
)
def test_an_integer_beyond_2_53_is_refused(bundle, central, number):
    def huge(data):
        challenge = next(c for i in data["interviews"] for c in i["document"]["challenges"])
        challenge["rank"] = number

    rewrite(bundle, data=huge)
    refused(central, bundle, "data.json holds an integer beyond ±9,007,199,254,740,992")


@pytest.mark.parametrize("figure", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_refused(bundle, central, figure):
    _, payload = entries_of(bundle)
    data = json.loads(payload)
    effect = next(e for i in data["interviews"] for e in i["document"]["effects"])
    effect["baseline"] = 12345.5
    payload = json.dumps(data, ensure_ascii=False).encode().replace(b"12345.5", figure.encode())
    rewrite(bundle, payload=payload)
    refused(central, bundle, "data.json holds a number that is not finite")


def test_a_member_named_twice_is_refused(bundle, central):
    """Readers differ on which of the two they keep; the bundle is refused, not guessed."""
    manifest, payload = entries_of(bundle)
    rewrite(bundle, payload=b'{"study": null, ' + payload.lstrip()[1:])
    refused(central, bundle, "data.json names a member of an object twice")
    manifest = sealed(manifest, payload)
    twice = json.dumps(manifest)[:-1] + ', "interviewer": "Someone Else"}'
    write_zip(bundle, [("manifest.json", twice.encode()), ("data.json", payload)])
    refused(central, bundle, "manifest.json names a member of an object twice")


def test_half_a_surrogate_pair_is_refused(bundle, central):
    # no checksum can be computed over it (it cannot be written as UTF-8): it is refused first
    rewrite(bundle, manifest=lambda m: m.update(interviewer="Mette \ud800"), seal=False)
    refused(central, bundle, "manifest.json holds a character that is not valid Unicode")
    rewrite(bundle, manifest=lambda m: m.update(interviewer="Mette"))
    rewrite(bundle, data=lambda d: first_note(d).update(notes="half an emoji: \udc00"))
    refused(central, bundle, "data.json holds a character that is not valid Unicode")


# ---------------------------------------------------------------- entries


def test_two_data_entries_or_an_extra_entry_are_refused(tmp_path, bundle, central):
    manifest, payload = entries_of(bundle)
    altered = payload.replace(b"Head of", b"Chief of", 1)
    other = json.dumps(sealed(manifest, altered)).encode()
    mine = json.dumps(manifest).encode()
    reason = "the bundle must hold manifest.json and data.json, each once, and nothing else"
    for entries in (
        [("manifest.json", other), ("data.json", payload), ("data.json", altered)],
        [("manifest.json", mine), ("data.json", payload), ("data.json", altered)],
        [("manifest.json", mine), ("manifest.json", other), ("data.json", payload)],
        [("manifest.json", mine), ("data.json", payload), ("notes.txt", b"hello")],
        [("manifest.json", mine), ("data.json", payload), ("data.json/", b"")],
        [("manifest.json", mine)],
        [("data.json", payload), ("DATA.JSON", payload)],
    ):
        write_zip(bundle, entries)
        refused(central, bundle, reason)


def test_a_zip_listing_many_entries_is_refused_before_it_is_listed(tmp_path, central):
    path = tmp_path / "many.bundle"
    write_zip(path, [(f"{n}.json", b"") for n in range(20_000)])
    refused(central, path, "the bundle must hold manifest.json and data.json, each once")


def test_a_large_table_of_contents_or_a_comment_is_refused(bundle, central):
    manifest, payload = entries_of(bundle)
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        info = zipfile.ZipInfo("data.json")
        info.comment = b"x" * 5000
        archive.writestr(info, payload)
    refused(central, bundle, "the bundle's table of contents is larger than 4,096 bytes")
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        archive.writestr("data.json", payload)
        archive.comment = b"a comment other tools show"
    refused(central, bundle, "this is not a bundle, or it is damaged")


# ---------------------------------------------------------------- the encrypted header

PASSWORD = "kaffe og kage 2017"


@pytest.fixture
def locked(tmp_path, two_fields):
    path = tmp_path / "locked.bundle"
    write_bundle(two_fields[0], path, password=PASSWORD)
    return path


def with_header(path: Path, change) -> None:
    """Rewrites an encrypted bundle's header (JSON) through ``change``; the ciphertext is
    left, so only the header can be what is judged."""
    data = path.read_bytes()
    start = len(crypto.MAGIC) + 4
    length = int.from_bytes(data[len(crypto.MAGIC) : start], "big")
    header = json.loads(data[start : start + length])
    new = change(header)
    raw = new if isinstance(new, bytes) else json.dumps(header).encode()
    path.write_bytes(crypto.MAGIC + len(raw).to_bytes(4, "big") + raw + data[start + length :])


def test_a_header_asking_for_a_costly_scrypt_is_refused_without_running_it(
    tmp_path, locked, central
):
    with_header(locked, lambda h: h.update(p=2000))  # tens of minutes of scrypt, were it run
    (tmp_path / "password.txt").write_text(PASSWORD)
    before = database_content(central)
    result = run_cli(
        "merge", "--db", central, "--password-file", tmp_path / "password.txt", locked, timeout=20
    )
    assert result.returncode == 1
    assert "locked.bundle: refused: the bundle's key settings are not ones this app uses" in (
        result.stdout
    )
    no_traceback(result)
    assert database_content(central) == before


@pytest.mark.parametrize(
    "change",
    [
        {"p": 2000},
        {"r": 2**14},
        {"n": 2**40},
        {"n": 2**16},  # cheaper than the app's: guessing passwords gets cheaper too
        {"p": True},  # True == 1 to Python
        {"n": float(2**17)},
        {"kdf": "pbkdf2"},
    ],
    ids=repr,
)
def test_scrypt_settings_other_than_the_apps_are_refused(locked, central, monkeypatch, change):
    monkeypatch.setattr(crypto, "_scrypt_key", lambda *a, **k: pytest.fail("scrypt was run"))
    with_header(locked, lambda h: h.update(change))
    refused(
        central, locked, "the bundle's key settings are not ones this app uses", password=PASSWORD
    )


DAMAGED = "the encrypted bundle is damaged"


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda h: h.update(nonce=""), "its nonce is not 12 bytes"),
        (lambda h: h.update(nonce=12345), "its nonce is not 12 bytes"),
        (lambda h: h.update(nonce=None), "its nonce is not 12 bytes"),
        (lambda h: h.update(nonce="AAAAAAAAAAAAAAA="), "its nonce is not 12 bytes"),  # 11 bytes
        (lambda h: h.update(nonce="not base64!!"), "its nonce is not 12 bytes"),
        (lambda h: h.update(nonce="A" * 1000), "its nonce is not 12 bytes"),
        (lambda h: h.update(salt=[]), "its salt is not 16 bytes"),
        (lambda h: h.pop("salt"), "its header is incomplete"),
        (lambda h: h.update(extra="x"), "its header is incomplete"),
        (lambda h: h.update(mode=["password"]), "an encryption this app does not know"),
        (lambda h: h.update(mode="rot13"), "an encryption this app does not know"),
        (lambda h: b"[]", "its header cannot be read"),
        (lambda h: b"[" * 2000 + b"]" * 2000, "its header cannot be read"),
        (lambda h: b'{"mode": "password", "mode": "public_key"}', "its header cannot be read"),
        (lambda h: b" " * 5000, "its header cannot be read"),
    ],
    ids=lambda value: "" if callable(value) else value,
)
def test_a_damaged_password_header_is_refused_as_damaged(
    locked, central, monkeypatch, change, reason
):
    monkeypatch.setattr(crypto, "_scrypt_key", lambda *a, **k: pytest.fail("scrypt was run"))
    with_header(locked, change)
    message = refused(central, locked, reason, password=PASSWORD)
    assert message.startswith(DAMAGED) or "does not know" in message


def test_a_damaged_public_key_header_is_refused_as_damaged(tmp_path, two_fields, central):
    public, private = crypto.new_key_pair(tmp_path / "keys", "centre passphrase")
    key = crypto.load_private_key(private.read_bytes(), "centre passphrase")
    path = tmp_path / "sealed.bundle"
    for change, reason in [
        (lambda h: h.update(ephemeral=""), "its ephemeral is not 32 bytes"),
        (lambda h: h.update(ephemeral=7), "its ephemeral is not 32 bytes"),
        (lambda h: h.update(ephemeral="AAAA" * 10), "its ephemeral is not 32 bytes"),
        (lambda h: h.update(ephemeral="A" * 43 + "="), "its header is incomplete"),  # low order
        (lambda h: h.update(nonce=""), "its nonce is not 12 bytes"),
        (lambda h: h.update(n=2**17), "its header is incomplete"),
    ]:
        write_bundle(two_fields[0], path, public_key_pem=public.read_bytes())
        with_header(path, change)
        refused(central, path, reason, private_key=key)


def test_a_header_longer_than_any_the_app_writes_is_not_read(locked, central):
    data = locked.read_bytes()
    start = len(crypto.MAGIC)
    locked.write_bytes(data[:start] + (2**31).to_bytes(4, "big") + data[start + 4 :])
    refused(central, locked, "its header cannot be read", password=PASSWORD)


# ---------------------------------------------------------------- one run, good and bad


def test_a_good_bundle_merges_beside_bad_ones_in_the_same_run(
    tmp_path, two_fields, bundle, central, locked
):
    good = tmp_path / "good.bundle"
    write_bundle(two_fields[0], good, plain=True)
    nested = tmp_path / "nested.bundle"
    nested.write_bytes(bundle.read_bytes())
    rewrite(nested, payload=b"[" * 200_000 + b"]" * 200_000)
    doubled = tmp_path / "doubled.bundle"
    manifest, payload = entries_of(bundle)
    write_zip(
        doubled,
        [("manifest.json", json.dumps(manifest).encode()), ("data.json", payload)] * 2,
    )
    counted = tmp_path / "counted.bundle"
    counted.write_bytes(bundle.read_bytes())
    rewrite(counted, manifest=lambda m: m.update(interviews=999))
    with_header(locked, lambda h: h.update(p=2000))
    (tmp_path / "password.txt").write_text(PASSWORD)
    result = run_cli(
        "merge",
        "--db",
        central,
        "--password-file",
        tmp_path / "password.txt",
        nested,
        locked,
        good,
        doubled,
        counted,
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "good.bundle: 12 added, 0 updated, 0 unchanged, 0 conflicts" in lines, lines
    for name in ("nested", "locked", "doubled", "counted"):
        assert any(line.startswith(f"{name}.bundle: refused: ") for line in lines), lines
    assert lines[-1] == "total: 12 added, 0 updated, 0 unchanged, 0 conflicts, 4 refused"
    no_traceback(result)


# ---------------------------------------------------------------- the same bounds, other inputs


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"[" * 200_000 + b"]" * 200_000, "study.json nests deeper than 16 levels"),
        (b'{"format": "interviewer-study", "format_version": ' + b"9" * 30 + b"}", "integer"),
        (b'{"format": "interviewer-study", "format_version": NaN}', "not finite"),
    ],
    ids=["nested", "huge integer", "NaN"],
)
def test_a_study_file_is_held_to_the_same_bounds(tmp_path, two_fields, content, reason):
    from interviewer.errors import InterviewerError
    from interviewer.exchange.study_file import import_study

    (tmp_path / "study.json").write_bytes(content)
    before = database_content(two_fields[0])
    with pytest.raises(InterviewerError, match=reason):
        import_study(two_fields[0], tmp_path / "study.json")
    assert database_content(two_fields[0]) == before


def test_a_study_file_whose_version_is_true_is_not_version_1(tmp_path, study_file):
    from interviewer.errors import InterviewerError
    from interviewer.exchange.study_file import import_study

    content = json.loads(study_file.read_text("utf-8"))
    content["format_version"] = True
    (tmp_path / "true.json").write_text(json.dumps(content))
    with pytest.raises(InterviewerError, match="not an Interviewer study file"):
        import_study(tmp_path / "new.sqlite", tmp_path / "true.json")


@pytest.mark.parametrize(
    "guide", ["a = " + "[" * 100_000 + "]" * 100_000, "a = " + "{b=" * 50_000 + "1" + "}" * 50_000]
)
def test_a_guide_nested_deeply_is_refused_not_a_crash(guide):
    """A bundle or study file carries its guide as TOML text; tomllib recurses per level."""
    from interviewer.errors import ResourceFileError
    from interviewer.guide import parse_guide

    with pytest.raises(ResourceFileError, match="nested too deeply"):
        parse_guide(guide, name="the bundle's guide")


def test_the_sender_hears_of_a_text_the_centre_would_refuse(tmp_path, two_fields):
    """The app lets an interviewer paste any length of text; a bundle holding one over the
    cap is not written (and says why) rather than refused later at the centre."""
    import sqlite3

    from interviewer.errors import InterviewerError

    connection = sqlite3.connect(two_fields[0])
    with connection:
        connection.execute(
            "UPDATE answer SET notes = ? WHERE rowid = (SELECT min(rowid) FROM answer)",
            ("ø" * (STRING_LIMIT + 1),),
        )
    connection.close()
    out = tmp_path / "too-long.bundle"
    with pytest.raises(InterviewerError) as refusal:
        write_bundle(two_fields[0], out, plain=True)
    assert str(refusal.value) == (
        f"{out}: not written, as the centre would refuse it: "
        "data.json holds a text longer than 1,000,000 characters"
    )
    assert not out.exists()
