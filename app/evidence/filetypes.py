"""Deciding an uploaded file's type from its content (magic bytes), never from its name."""

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path

READ_CHUNK = 1024 * 1024
# Office files are zip archives: refuse ones that would unpack to something huge or hold
# thousands of entries (zip bombs), judged from the central directory without unpacking.
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_UNPACKED = 2 * 1024 * 1024 * 1024
ACCEPTED = (
    "PDF; Word, Excel, PowerPoint or OpenDocument text files; PNG, JPEG, GIF or WebP "
    "pictures; MP3, M4A, MP4 or WebM audio and video; plain text or CSV"
)


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Rejected(ValueError):
    """The content is not a type we accept; the message says why, in plain words."""


PDF = FileType("application/pdf", "PDF document")
PNG = FileType("image/png", "PNG picture")
JPEG = FileType("image/jpeg", "JPEG picture")
GIF = FileType("image/gif", "GIF picture")
WEBP = FileType("image/webp", "WebP picture")
MP3 = FileType("audio/mpeg", "MP3 audio")
M4A = FileType("audio/mp4", "M4A audio")
MP4 = FileType("video/mp4", "MP4 video")
WEBM = FileType("video/webm", "WebM video")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel file")
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint file",
)
ODT = FileType("application/vnd.oasis.opendocument.text", "OpenDocument text")
TEXT = FileType("text/plain; charset=utf-8", "text file")
CSV = FileType("text/csv; charset=utf-8", "CSV file")

# The part of an Office archive that tells which kind of document it is.
_OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_MACRO_PARTS = ("word/vbaProject.bin", "xl/vbaProject.bin", "ppt/vbaProject.bin")
# ISO media brands (bytes 8-12 of an 'ftyp' box): audio-only M4A, else MP4 video.
_AUDIO_BRANDS = {b"M4A ", b"M4B "}
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V "}
_VIDEO_BRANDS |= {b"dash", b"MSNV", b"mp71"}


def sniff(head: bytes, path: Path, filename: str) -> FileType:
    """The type of the file at path, whose first bytes are head; Rejected if not accepted."""
    if not head:
        raise Rejected("the file is empty")
    found = _by_magic(head)
    if found is not None:
        return found
    if head.startswith(b"PK\x03\x04"):
        return _office(path)
    if _is_utf8_text(path):
        return CSV if filename.lower().endswith(".csv") else TEXT
    raise Rejected(f"this kind of file is not accepted (we accept {ACCEPTED})")


def _by_magic(head: bytes) -> FileType | None:
    prefixes = (
        (b"%PDF-", PDF),
        (b"\x89PNG\r\n\x1a\n", PNG),
        (b"\xff\xd8\xff", JPEG),
        (b"GIF87a", GIF),
        (b"GIF89a", GIF),
        (b"ID3", MP3),
    )
    for prefix, filetype in prefixes:
        if head.startswith(prefix):
            return filetype
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return _iso_media(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _ebml(head)
    return MP3 if _mp3_frame(head) else None


def _iso_media(brand: bytes) -> FileType:
    if brand in _AUDIO_BRANDS:
        return M4A
    if brand in _VIDEO_BRANDS:
        return MP4
    raise Rejected("this video format is not accepted: please save it as MP4 or WebM")


def _ebml(head: bytes) -> FileType:
    # The DocType element comes within the first few dozen bytes of the EBML header.
    if b"webm" in head[:64]:
        return WEBM
    raise Rejected("this video format is not accepted: please save it as MP4 or WebM")


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio layer III frame header (an MP3 without ID3 tags)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate not in (0, 15) and rate != 0b11


def _office(path: Path) -> FileType:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _check_archive(entries)
            names = {entry.filename for entry in entries}
            odf = _opendocument(archive, names)
    except zipfile.BadZipFile as exc:
        raise Rejected("the file looks damaged (a broken zip archive)") from exc
    if odf is not None:
        return odf
    if any(part in names for part in _MACRO_PARTS):
        raise Rejected("documents with macros are not accepted: please save it without macros")
    for part, filetype in _OFFICE_PARTS.items():
        if part in names and "[Content_Types].xml" in names:
            return filetype
    raise Rejected(f"zip archives are not accepted (we accept {ACCEPTED})")


def _check_archive(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ZIP_ENTRIES:
        raise Rejected("the document holds too many parts to be a normal Office file")
    if sum(entry.file_size for entry in entries) > MAX_ZIP_UNPACKED:
        raise Rejected("the document would unpack to more than 2 GB")


def _opendocument(archive: zipfile.ZipFile, names: set[str]) -> FileType | None:
    """OpenDocument names its type in a small first entry called 'mimetype'."""
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 100:
        return None
    mimetype = archive.read("mimetype").strip()
    if mimetype == ODT.content_type.encode():
        return ODT
    raise Rejected(f"only OpenDocument text is accepted among OpenDocument files ({ACCEPTED})")


def _is_utf8_text(path: Path) -> bool:
    """Valid UTF-8 from start to end, with no NUL bytes (binary files nearly always have one)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(READ_CHUNK):
                if b"\x00" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


ALL = (PDF, PNG, JPEG, GIF, WEBP, MP3, M4A, MP4, WEBM, DOCX, XLSX, PPTX, ODT, TEXT, CSV)
LABELS = {filetype.content_type: filetype.label for filetype in ALL}
# For the file picker only (a hint to the browser); the server still decides from the content.
PICKER_ACCEPT = (
    ".pdf,.docx,.xlsx,.pptx,.odt,.png,.jpg,.jpeg,.gif,.webp,.mp3,.m4a,.mp4,.webm,.txt,.csv"
)
