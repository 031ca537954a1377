"""A name with an invisible character reads as the name without it (breaker10 F13). One
line never holds the characters that only hide (zero-width space, word joiner, byte order
mark, soft hyphen…): the record's rule refuses them, the app's cleaning drops them, so a
bundle naming "Anna\\u200b Kvist" is refused. The default-ignorable characters a script needs
(the zero-width joiner and non-joiner, variation selectors) stay, and the look-alike check
ignores every default-ignorable character: a new key under such a name says whose it looks
like."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer import record_rules as rules
from interviewer.exchange import signing
from interviewer.exchange.bundle import bundle_checksum
from interviewer.text_rules import clean_name, one_line_nfc
from tests.exchange.conftest import field_database
from tests.exchange.test_signatures import (  # noqa: F401
    ANNA,
    bundle_of,
    centre,
    keys,
    open_plain,
    refused,
    write_plain,
)

ONE_LINE = rules.RECORD["interviewer"]["name"]
QUOTE = rules.RECORD["quote"]["text"]

# only hide: no one-line field holds them
HIDING = ["\u00ad", "\u180e", "\u200b", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064", "\ufeff"]
# Default_Ignorable_Code_Point (Unicode's DerivedCoreProperties), every range of it
DEFAULT_IGNORABLE = st.one_of(
    st.sampled_from(HIDING),
    st.sampled_from(["\u034f", "\u061c", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u3164"]),
    st.sampled_from(["\uffa0", "\u200c", "\u200d", "\u200e", "\u200f"]),
    st.integers(0x180B, 0x180F).map(chr),
    st.integers(0x2065, 0x206F).map(chr),
    st.integers(0xFE00, 0xFE0F).map(chr),
    st.integers(0xFFF0, 0xFFF8).map(chr),
    st.integers(0x1BCA0, 0x1BCA3).map(chr),
    st.integers(0x1D173, 0x1D17A).map(chr),
    st.integers(0xE0000, 0xE0FFF).map(chr),
)
word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåéüAEIOUMSKJ", min_size=1, max_size=9)
names = st.lists(word, min_size=1, max_size=3).map(" ".join)


def inserted(name: str, data, characters) -> str:
    """``name`` with one to three of ``characters`` put in at places Hypothesis draws."""
    for _ in range(data.draw(st.integers(1, 3))):
        spot = data.draw(st.integers(0, len(name)))
        name = name[:spot] + data.draw(characters) + name[spot:]
    return name


@settings(max_examples=300, deadline=None)
@given(name=names, data=st.data())
def test_a_name_with_default_ignorable_characters_looks_like_the_name(name, data):
    fake = inserted(name, data, DEFAULT_IGNORABLE)
    assert signing.names_look_alike(fake, name)
    assert signing.names_look_alike(name, fake)
    assert signing.names_look_alike(fake.upper(), name)
    assert not signing.names_look_alike(fake + "q", name)


@settings(max_examples=300, deadline=None)
@given(name=names, data=st.data())
def test_one_line_refuses_the_characters_that_only_hide_and_the_cleaning_drops_them(name, data):
    typed = inserted(name, data, st.sampled_from(HIDING))
    assert rules.value_problem(ONE_LINE, typed) == (
        "holds an invisible character in a one-line field"
    )
    assert clean_name(typed) == clean_name(name)  # the same person, the same id
    assert one_line_nfc(typed) == one_line_nfc(name)
    assert rules.value_problem(ONE_LINE, one_line_nfc(typed)) is None
    assert rules.value_problem(QUOTE, typed) is None  # a quote pasted from a page keeps them


def test_the_joiners_and_variation_selectors_a_script_needs_stay_on_one_line():
    for text in ("می\u200cخواهم", "क्\u200dष", "Søren 👍\ufe0f", "👩\u200d💻 Ea"):
        assert rules.value_problem(ONE_LINE, text) is None
        assert clean_name(text) == text


def test_a_bundle_naming_its_sender_with_a_zero_width_space_is_refused(
    tmp_path,
    centre,  # noqa: F811
):
    stranger = signing.SigningKey.generate()
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    bundle = bundle_of(anna, tmp_path / "z.bundle", stranger, ANNA)
    manifest, payload = open_plain(bundle, centre)
    fake = ANNA.replace(" ", "\u200b ")
    study_id = uuid.UUID(manifest["study_id"])
    manifest.update(interviewer=fake, **signing.sender_fields(stranger, study_id, fake))
    manifest["checksum"] = bundle_checksum(manifest, payload)
    manifest["signature"] = stranger.sign(manifest["checksum"])
    write_plain(bundle, manifest, payload)
    refused(centre, bundle, "the manifest's “interviewer” is not one line")
    with centre.session() as session:
        assert all(s.status != "held" for s in signing.list_senders(session=session))


def test_a_new_key_under_the_name_with_a_joiner_says_whose_name_it_looks_like(
    tmp_path,
    centre,  # noqa: F811
    qtbot,
):
    fake = ANNA.replace("n", "n\u200d", 1)  # kept on a line, drawn as nothing
    stranger = signing.SigningKey.generate()
    anna = field_database(tmp_path, centre.study_file, "anna", seed=1)
    [result] = centre.merge(bundle_of(anna, tmp_path / "j.bundle", stranger, fake)).bundles
    assert result.held == stranger.fingerprint and result.looks_like == ANNA
    with centre.session() as session:
        [held] = [s for s in signing.list_senders(session=session) if s.status == "held"]
    assert f"looks like that of the known interviewer {ANNA}" in held.text("en")
    from interviewer.ui.exchange_dialogs import NewSenderDialog

    dialog = NewSenderDialog(result)
    qtbot.addWidget(dialog)
    assert ANNA in dialog.look_alike.text()
