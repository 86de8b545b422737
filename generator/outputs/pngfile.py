"""PNG files of card images (:mod:`generator.outputs.cards`): the rows unfiltered,
deflated by zlib-ng.

Pillow's encoder picks a filter for every row by trying four of them: on a card,
that search was 6 of its 8 ms of encoding, and the filtered rows compressed worse
than the plain ones (a white page, flat colours, antialiased text: 62 KB against
50 KB). No PNG library lets both the filter and the deflate be chosen (pypng writes
plain rows with the standard zlib: 3.6 ms), so the three chunks are framed here
(PNG specification, sections 5 and 11.2): IHDR, one IDAT, IEND. No time and no text
chunk: the bytes depend on the pixels and on zlib-ng's version only.
"""

from __future__ import annotations

import struct
import zlib
from typing import Iterator

import zlib_ng
import zlib_ng.zlib_ng
from PIL import Image

#: zlib-ng's level for the PNG's rows (:func:`encode_png`), measured on a card: level 1
#: 0.6 ms and 70 KB, level 2 0.85 ms and 50 KB, level 3 1.1 ms and 49 KB, level 6 2.3 ms
#: and 44 KB (ARCHITECTURE.md, Performance). A palette is not lossless: antialiased
#: text gives a card 650-900 colours.
PNG_COMPRESS_LEVEL = 2

SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: Rows read out of the image at a time: a band's bytes (~115 KB) stay below glibc's mmap
#: threshold, where the whole image's (2.3 MB) were mapped and faulted in anew for every card.
_BAND = 32


def encoder_version() -> str:
    """What the bytes of a PNG depend on besides its pixels (a card's cache key holds it)."""
    return f"zlib-ng {zlib_ng.__version__}, level {PNG_COMPRESS_LEVEL}, filter none"


def encode_png(image: Image.Image) -> bytes:
    """``image`` (RGB) as a PNG whose rows are all unfiltered (filter type 0)."""
    if image.mode != "RGB":
        raise ValueError(f"a card is drawn in RGB, not {image.mode}")
    width, height = image.size
    deflate = zlib_ng.zlib_ng.compressobj(PNG_COMPRESS_LEVEL)
    data = [deflate.compress(rows) for rows in _unfiltered_rows(image)]
    data.append(deflate.flush())
    # 8 bits a sample, truecolour, deflate, the one filter method, no interlace
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join((SIGNATURE, _chunk(b"IHDR", header), _chunk(b"IDAT", b"".join(data)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A chunk: length, type, data, and the CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def _unfiltered_rows(image: Image.Image) -> Iterator[bytes]:
    """The image's rows a band at a time, each behind its filter-type byte, 0 (None)."""
    width, height = image.size
    stride = width * 3
    for top in range(0, height, _BAND):
        band = memoryview(image.crop((0, top, width, min(top + _BAND, height))).tobytes())
        # b"\0" between an empty first piece and each row: every row behind its 0, in one copy
        yield b"\0".join([b"", *(band[start:start + stride] for start in range(0, len(band), stride))])
