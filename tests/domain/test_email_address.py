"""Email address validation and normalisation (reference §3.13, §4, §5.2, §8.4, §13).

Expected messages are copied from the reference, not from the implementation.
"""

from __future__ import annotations

import pytest

from pytest_notify.domain.email_address import (
    EmailAddressError,
    normalise_email_address,
    strip_obscure_whitespace,
    validate_email_address,
)

NOT_VALID = "Not a valid email address"


def _error(address: str) -> EmailAddressError:
    with pytest.raises(EmailAddressError) as info:
        validate_email_address(address)
    return info.value


# §3.13 and §8.4 run-verified invalid examples.
@pytest.mark.parametrize(
    "address",
    [
        "example",
        "",
        "a@b",
        "a..b@example.com",
        "a@b.c",
        "x@localhost",
        "x@-ex.com",
        "x@ex_ample.com",
        "a b@example.com",
        "ex@mple@x.com",
    ],
)
def test_run_verified_invalid_addresses(address: str) -> None:
    error = _error(address)
    assert str(error) == NOT_VALID
    assert error.message == NOT_VALID
    assert isinstance(error, ValueError)


# §8.4: surrounding whitespace is stripped and the case is kept.
@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("name@example.com ", "name@example.com"),
        ("Name@Example.COM", "Name@Example.COM"),
        ("  jo@example.com\t\r\n", "jo@example.com"),
        ("\u200bjo@example.com\u00a0", "jo@example.com"),
        ("\ufeffjo@example.com\u202f", "jo@example.com"),
    ],
)
def test_valid_addresses_are_returned_stripped(address: str, stored: str) -> None:
    assert validate_email_address(address) == stored


# Rule 2: the local part uses a restricted character set; one "@"; domain not starting with ".".
@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("o'brien@example.com", True),
        ("first.last+tag@example.com", True),
        ("a!#$%&'*+/=?^_`{|}~-z@example.com", True),
        ('jo"@example.com', False),
        ("jo;x@example.com", False),
        ("jo,x@example.com", False),
        ("jo(x)@example.com", False),
        ("j\u00f6@example.com", False),
        ("@example.com", False),
        ("jo@.example.com", False),
        ("jo@exa mple.com", False),
        ("jo@@example.com", False),
    ],
)
def test_address_pattern(address: str, valid: bool) -> None:
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


# Rule 3: at most 320 characters, and no ".." anywhere.
@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("a" * 308 + "@example.com", True),  # 320 characters
        ("a" * 309 + "@example.com", False),  # 321 characters
        ("jo..x@example.com", False),
        ("jo@example..com", False),
        ("jo.x@example.com", True),
    ],
)
def test_length_and_double_dots(address: str, valid: bool) -> None:
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


# Rule 4: IDNA-encodable hostname, at most 253 characters once encoded, at least 2 labels.
@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("jo@\u4f8b\u3048.\u30c6\u30b9\u30c8", True),  # encodes to xn--r8jz45g.xn--zckzah
        ("jo@b\u00fccher.de", True),
        ("jo@localhost", False),
        ("jo@example.com.", False),  # trailing dot leaves an empty last label
    ],
)
def test_hostname_encoding_and_labels(address: str, valid: bool) -> None:
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


@pytest.mark.parametrize(("last_label_length", "valid"), [(58, True), (59, False)])
def test_hostname_at_most_253_characters(last_label_length: int, valid: bool) -> None:
    hostname = ".".join(["a" * 63] * 3) + "." + "b" * last_label_length + ".uk"
    assert len(hostname) == 195 + last_label_length
    address = "jo@" + hostname
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


# Rule 5: labels are 1-63 characters, letters/digits, inner hyphens only, no underscores.
@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("jo@" + "a" * 63 + ".com", True),
        ("jo@" + "a" * 64 + ".com", False),
        ("jo@ex-ample.com", True),
        ("jo@ex--ample.com", True),
        ("jo@ex---ample.com", False),
        ("jo@-example.com", False),
        ("jo@example-.com", False),
        ("jo@ex_ample.com", False),
        ("jo@xn--bcher-kva.de", True),
        ("jo@EXAMPLE.COM", True),
        ("jo@123.example.com", True),
    ],
)
def test_hostname_labels(address: str, valid: bool) -> None:
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


# Rule 6: the TLD is 2-63 letters or a punycode label.
@pytest.mark.parametrize(
    ("address", "valid"),
    [
        ("jo@example.uk", True),
        ("jo@example.museum", True),
        ("jo@example." + "a" * 63, True),
        ("jo@example.c", False),
        ("jo@example.c0m", False),
        ("jo@example.123", False),
        ("jo@1.2.3.4", False),
        ("jo@example.xn--zckzah", True),
    ],
)
def test_top_level_domain(address: str, valid: bool) -> None:
    if valid:
        assert validate_email_address(address) == address
    else:
        assert _error(address).message == NOT_VALID


# §4 and §5.2: the normalised form is stripped and lower-cased.
@pytest.mark.parametrize(
    ("address", "normalised"),
    [
        ("JO@example.com", "jo@example.com"),
        ("jo@EXAMPLE.com", "jo@example.com"),
        (
            " Simulate-Delivered@Notifications.Service.Gov.UK ",
            "simulate-delivered@notifications.service.gov.uk",
        ),
        ("\u200bjo@example.com\u00a0", "jo@example.com"),
    ],
)
def test_normalise_email_address(address: str, normalised: str) -> None:
    assert normalise_email_address(address) == normalised


def test_allow_list_spellings_match() -> None:
    assert normalise_email_address("JO@example.com") == normalise_email_address("jo@EXAMPLE.com")


# §13 recipient storage: surrounding whitespace, zero-width characters and NBSP are removed.
@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("  jo@example.com  ", "jo@example.com"),
        ("\t+447700900123\r\n", "+447700900123"),
        ("\u200b\u200c\u200d\u2060\ufeff\u180ejo@example.com", "jo@example.com"),
        ("\u00a0\u202f07700 900123\u2028\u2029", "07700 900123"),
        ("07700 900123", "07700 900123"),  # inner ordinary spaces are kept
        ("jo\u200b@example.com", "jo@example.com"),  # obscure characters go wherever they are
        ("", ""),
    ],
)
def test_strip_obscure_whitespace(value: str, stored: str) -> None:
    assert strip_obscure_whitespace(value) == stored
