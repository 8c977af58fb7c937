"""Rendering a certificate as a QR code and scanning it back."""

import pytest

import travelcert


def test_png_round_trip(sample, sample_verifier):
    png = travelcert.render_png(sample["qr_text"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert travelcert.scan(png) == [sample["qr_text"]]
    [scanned] = travelcert.scan(png)
    assert sample_verifier.verify(scanned, sample["verify_at"]) == sample["expected"]


def test_png_scale(sample):
    small = travelcert.render_png(sample["qr_text"], scale=3)
    large = travelcert.render_png(sample["qr_text"], scale=10)
    assert len(small) < len(large)
    assert travelcert.scan(small) == [sample["qr_text"]]
    with pytest.raises(ValueError):
        travelcert.render_png(sample["qr_text"], scale=0)


def test_svg_and_card(sample, sample_verifier):
    svg = travelcert.render_svg(sample["qr_text"])
    assert svg.lstrip().startswith("<") and "</svg>" in svg
    card = travelcert.card_svg(sample["qr_text"], title="Health certificate")
    assert "Health certificate" in card and "WANG" in card
    verified_card = travelcert.card_svg(
        sample["qr_text"], verifier=sample_verifier, at=sample["verify_at"]
    )
    assert "WANG" in verified_card
    with pytest.raises(travelcert.ValidityError):
        travelcert.card_svg(sample["qr_text"], verifier=sample_verifier, at="2030-01-01T00:00:00Z")


def test_card_languages(sample):
    card = travelcert.card_svg(sample["qr_text"], languages=["zh", "en"])
    assert "阴性 / NEGATIVE" in card and "王小明" in card
    assert "Valid until" not in travelcert.card_svg(sample["qr_text"], languages=["ru"])
    with pytest.raises(ValueError, match="de"):
        travelcert.card_svg(sample["qr_text"], languages=["de"])


def test_render_and_scan_errors():
    with pytest.raises(ValueError):
        travelcert.render_png("")
    with pytest.raises(ValueError):
        travelcert.render_svg("TC1:" + "A" * 5000)
    with pytest.raises(ValueError):
        travelcert.scan(b"not an image")
    blank = travelcert.render_png("TC1:0")
    assert travelcert.scan(blank) == ["TC1:0"]
