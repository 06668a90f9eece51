"""TOTP codes: accepted once, one step of drift, rendered locally as a QR code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp

from kefu.users import totp

T0 = datetime(2026, 11, 2, 9, 0, 10, tzinfo=UTC)


def test_current_and_adjacent_codes_are_accepted() -> None:
    secret = totp.new_secret()
    gen = pyotp.TOTP(secret)
    step = gen.timecode(T0)
    assert totp.accept(secret, gen.at(T0), T0, None) == step
    assert totp.accept(secret, gen.at(T0 - timedelta(seconds=30)), T0, None) == step - 1
    assert totp.accept(secret, gen.at(T0 + timedelta(seconds=30)), T0, None) == step + 1
    assert totp.accept(secret, gen.at(T0 - timedelta(seconds=90)), T0, None) is None


def test_a_used_code_or_an_older_one_is_refused() -> None:
    secret = totp.new_secret()
    gen = pyotp.TOTP(secret)
    step = totp.accept(secret, gen.at(T0), T0, None)
    assert totp.accept(secret, gen.at(T0), T0, step) is None
    assert totp.accept(secret, gen.at(T0 - timedelta(seconds=30)), T0, step) is None


def test_malformed_codes_are_refused() -> None:
    secret = totp.new_secret()
    for code in ("", "12345", "1234567", "abcdef", "12 34 5"):
        assert totp.accept(secret, code, T0, None) is None


def test_spaces_in_a_code_are_ignored() -> None:
    secret = totp.new_secret()
    code = pyotp.TOTP(secret).at(T0)
    assert totp.accept(secret, f"{code[:3]} {code[3:]}", T0, None) is not None


def test_qr_code_is_an_inline_svg_of_the_otpauth_uri() -> None:
    uri = totp.provisioning_uri(totp.new_secret(), "li.lei")
    assert uri.startswith("otpauth://totp/Kefu:li.lei?") and "issuer=Kefu" in uri
    svg = totp.qr_svg(uri)
    assert svg.startswith("<svg") and "<path" in svg and "<?xml" not in svg
