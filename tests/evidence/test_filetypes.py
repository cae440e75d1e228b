"""File types are decided from the content: accepted kinds, refused kinds, and why."""

from pathlib import Path

import pytest

from app.evidence import filetypes
from app.evidence.filetypes import Rejected, sniff
from tests.evidence import samples


def _sniff(tmp_path: Path, data: bytes, name: str = "upload.bin") -> filetypes.FileType:
    path = tmp_path / "staged.part"
    path.write_bytes(data)
    return sniff(data[:8192], path, name)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.PDF, filetypes.PDF),
        (samples.PNG, filetypes.PNG),
        (samples.JPEG, filetypes.JPEG),
        (samples.GIF, filetypes.GIF),
        (samples.WEBP, filetypes.WEBP),
        (samples.MP3_ID3, filetypes.MP3),
        (samples.MP3_FRAME, filetypes.MP3),
        (samples.M4A, filetypes.M4A),
        (samples.MP4, filetypes.MP4),
        (samples.WEBM, filetypes.WEBM),
        (samples.TEXT, filetypes.TEXT),
        (samples.UTF8_TEXT, filetypes.TEXT),
    ],
)
def test_accepted_types_are_recognised_by_content(
    tmp_path: Path, data: bytes, expected: filetypes.FileType
) -> None:
    assert _sniff(tmp_path, data) == expected


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (samples.docx, filetypes.DOCX),
        (samples.xlsx, filetypes.XLSX),
        (samples.pptx, filetypes.PPTX),
        (samples.odt, filetypes.ODT),
    ],
)
def test_office_documents_are_told_apart_by_their_parts(
    tmp_path: Path, build: object, expected: filetypes.FileType
) -> None:
    assert _sniff(tmp_path, build()) == expected  # type: ignore[operator]


def test_the_name_does_not_decide_the_type(tmp_path: Path) -> None:
    assert _sniff(tmp_path, samples.PDF, "holiday.jpg") == filetypes.PDF


def test_a_program_named_like_a_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Rejected, match="not accepted"):
        _sniff(tmp_path, samples.EXE, "report.pdf")


def test_text_named_csv_is_csv(tmp_path: Path) -> None:
    assert _sniff(tmp_path, samples.CSV, "hours.CSV") == filetypes.CSV


def test_text_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Rejected):
        _sniff(tmp_path, samples.UTF16_TEXT, "notes.txt")


def test_invalid_utf8_after_the_head_is_refused(tmp_path: Path) -> None:
    data = b"a" * 20_000 + b"\xff\xfe broken"
    with pytest.raises(Rejected):
        _sniff(tmp_path, data, "notes.txt")


def test_a_character_split_across_chunks_is_still_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filetypes, "READ_CHUNK", 4)
    assert _sniff(tmp_path, "abc€def".encode(), "notes.txt") == filetypes.TEXT


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Rejected, match="empty"):
        _sniff(tmp_path, b"")


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        (samples.docm, "macros"),
        (samples.ods, "OpenDocument text"),
        (samples.plain_zip, "zip archives are not accepted"),
    ],
)
def test_other_zip_archives_are_refused_with_a_reason(
    tmp_path: Path, build: object, reason: str
) -> None:
    with pytest.raises(Rejected, match=reason):
        _sniff(tmp_path, build())  # type: ignore[operator]


def test_a_broken_zip_is_refused_as_damaged(tmp_path: Path) -> None:
    with pytest.raises(Rejected, match="damaged"):
        _sniff(tmp_path, samples.docx()[:60])


def test_an_archive_claiming_a_huge_unpacked_size_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filetypes, "MAX_ZIP_UNPACKED", 10)
    with pytest.raises(Rejected, match="unpack"):
        _sniff(tmp_path, samples.docx())


def test_an_archive_with_too_many_entries_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filetypes, "MAX_ZIP_ENTRIES", 1)
    with pytest.raises(Rejected, match="too many parts"):
        _sniff(tmp_path, samples.docx())


@pytest.mark.parametrize("data", [samples.MOV, samples.MKV])
def test_other_video_containers_are_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(Rejected, match="MP4 or WebM"):
        _sniff(tmp_path, data)


def test_only_images_are_images() -> None:
    assert filetypes.PNG.is_image and not filetypes.PDF.is_image
