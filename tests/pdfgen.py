"""Minimal hand-written PDFs for tests (no PDF-writing library is needed).

`build_pdf` lays out objects and a correct cross-reference table. Helpers make the shapes the tests need:
text pages, an image-only page, zero pages, an encrypted file (RC4 40-bit, standard security handler R2,
so any PDF reader can open it with the password) and pathological object graphs.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
_FILE_ID = bytes.fromhex("0123456789abcdef0123456789abcdef")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252", "replace") + b")"


def text_content(lines: list[str], *, size: int = 11, top: int = 760, leading: int = 14) -> bytes:
    """A content stream that prints `lines` in Helvetica down the page."""
    parts = [f"BT /F1 {size} Tf {leading} TL 56 {top} Td".encode()]
    for line in lines:
        parts.append(_pdf_string(line) + b" Tj T*")
    parts.append(b"ET")
    return b"\n".join(parts)


def stream(content: bytes, extra: str = "", compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content)
        extra += " /Filter /FlateDecode"
    return f"<< /Length {len(content)}{extra} >>\nstream\n".encode() + content + b"\nendstream"


def build_pdf(objects: dict[int, bytes], *, root: int = 1, trailer_extra: str = "",
              header: bytes = b"%PDF-1.4") -> bytes:
    """Serialise numbered objects into a PDF with a valid xref table and trailer."""
    out = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")
    size = max(objects) + 1
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += f"{num} 0 obj\n".encode() + objects[num] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
    for num in range(1, size):
        out += f"{offsets[num]:010d} 00000 n \n".encode() if num in offsets else b"0000000000 65535 f \n"
    ident = _FILE_ID.hex()
    out += f"trailer\n<< /Size {size} /Root {root} 0 R /ID [<{ident}> <{ident}>]{trailer_extra} >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _page_objects(contents: list[bytes], *, first: int = 3, resources: str | None = None,
                  size=(595, 842)) -> dict[int, bytes]:
    """Catalog (1), Pages (2), font (first), then a page and its content stream per entry."""
    font = first
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        font: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    res = resources or f"<< /Font << /F1 {font} 0 R >> >>"
    kids = []
    num = first + 1
    for content in contents:
        page, stream_num = num, num + 1
        kids.append(f"{page} 0 R")
        objects[page] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {size[0]} {size[1]}] "
            f"/Resources {res} /Contents {stream_num} 0 R >>"
        ).encode()
        objects[stream_num] = stream(content)
        num += 2
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return objects


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one page per list of text lines."""
    return build_pdf(_page_objects([text_content(lines) for lines in pages]))


def huge_text_pdf(n_chars: int) -> bytes:
    """One page carrying `n_chars` tiny characters (a pathological page)."""
    line = "x" * 1000
    content = "BT /F1 1 Tf 1 TL 10 830 Td".encode() + b"".join(
        _pdf_string(line) + b" Tj T*" for _ in range(n_chars // len(line))) + b" ET"
    return build_pdf(_page_objects([content]))


def blank_pdf(n_pages: int) -> bytes:
    return build_pdf(_page_objects([b""] * n_pages))


def zero_page_pdf() -> bytes:
    return build_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"})


def image_only_pdf() -> bytes:
    """One page painted with a grey image and no text at all (what a scan looks like)."""
    width = height = 64
    pixels = bytes((x * 4 + y) % 256 for y in range(height) for x in range(width))
    objects = _page_objects([b"q 400 0 0 400 97 300 cm /Im1 Do Q"], resources="<< /XObject << /Im1 9 0 R >> >>")
    objects[9] = stream(pixels, f" /Type /XObject /Subtype /Image /Width {width} /Height {height} "
                                "/ColorSpace /DeviceGray /BitsPerComponent 8", compress=True)
    return build_pdf(objects)


def nested_pdf(depth: int = 100_000) -> bytes:
    """A page whose resources hold an array nested `depth` levels deep (a parser's recursion trap)."""
    nested = b"[" * depth + b"]" * depth
    objects = _page_objects([text_content(["Nested resources"])])
    font = objects[3]
    objects[3] = font[:-2] + b" /Junk " + nested + b" >>"
    return build_pdf(objects)


def looping_pdf() -> bytes:
    """A page tree that points back at itself, plus a content stream whose length refers to itself."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        4: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 1 >>",
    }
    return build_pdf(objects)


def encrypted_pdf(pages: list[list[str]], user_password: str = "secret", owner_password: str = "owner") -> bytes:
    """A text PDF encrypted with RC4 40-bit (PDF 1.4 standard security handler, revision 2)."""
    permissions = -44  # print and copy not allowed; any value works
    user = (user_password.encode("latin-1") + _PAD)[:32]
    owner = (owner_password.encode("latin-1") + _PAD)[:32]
    o_value = rc4(hashlib.md5(owner).digest()[:5], user)
    key = hashlib.md5(user + o_value + struct.pack("<i", permissions) + _FILE_ID).digest()[:5]
    u_value = rc4(key, _PAD)
    objects = _page_objects([text_content(lines) for lines in pages])
    for num, body in list(objects.items()):
        if b"stream\n" in body:
            head, rest = body.split(b"stream\n", 1)
            data = rest[: -len(b"\nendstream")]
            obj_key = hashlib.md5(key + struct.pack("<i", num)[:3] + b"\x00\x00").digest()[:10]
            objects[num] = head + b"stream\n" + rc4(obj_key, data) + b"\nendstream"
    enc = max(objects) + 1
    objects[enc] = (f"<< /Filter /Standard /V 1 /R 2 /O <{o_value.hex()}> /U <{u_value.hex()}> "
                    f"/P {permissions} >>").encode()
    return build_pdf(objects, trailer_extra=f" /Encrypt {enc} 0 R")
