"""Mutated notices from the samples, seeded so that every failure replays.

`mutants(seed, count)` gives `count` (name, bytes) pairs; the name says which
sample, which mutations and the index, so `mutant(seed, index)` rebuilds any one.
Mutations are what a careful tester tries: byte flips, truncations, zero-filled
ranges, NUL bytes, mixed encodings, runs of blank lines and spaces; for zip
packages members shuffled, removed, damaged, flagged encrypted, inflated into a
bomb, given a DTD of expanding entities or a huge gridSpan; for HTML huge
rowspan/colspan, deep nesting and entity declarations; for PDF reference loops
and flate bombs.
"""
from __future__ import annotations

import io
import random
import zipfile
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import regex

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
# Sample folders mutated, by format; each file is a seed input.
SEED_FOLDERS = ("txt", "docx", "pdf", "html", "doc", "real/txt", "real/html", "real/docx",
                "real/pdf")
# A zip bomb's member: zeros that inflate past the package limit (pipeline/ingest/package.py).
BOMB_MB = 300
Mutation = Callable[[bytes, random.Random], bytes]


def seed_files() -> list[Path]:
    files = [path for folder in SEED_FOLDERS for path in sorted((SAMPLES / folder).glob("*"))
             if path.is_file() and path.suffix in (".txt", ".docx", ".pdf", ".html", ".doc")]
    return files


def mutants(seed: int, count: int) -> Iterator[tuple[str, bytes]]:
    for index in range(count):
        yield mutant(seed, index)


def mutant(seed: int, index: int) -> tuple[str, bytes]:
    """The `index`th mutant of the run seeded `seed`: its file name and bytes."""
    rng = random.Random(seed * 1_000_003 + index)
    files = seed_files()
    source = files[rng.randrange(len(files))]
    data = source.read_bytes()
    kind = source.suffix.lstrip(".")
    names = []
    for _ in range(rng.choice((1, 1, 1, 2))):
        name, mutation = rng.choice(MUTATIONS[kind] + GENERIC)
        data = mutation(data, rng)
        names.append(name)
    return f"{index:04d}_{'+'.join(names)}_{source.stem[:24]}{source.suffix}", data


# --- any bytes -------------------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[:rng.randrange(max(len(data), 1))]


def zero_range(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(max(len(data), 1))
    length = rng.randint(1, 8192)
    return data[:start] + bytes(min(length, len(data) - start)) + data[start + length:]


def insert_nul(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" * rng.randint(1, 4096) + data[at:]


def repeat_range(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(max(len(data), 1))
    chunk = data[start:start + rng.randint(16, 2048)]
    return data[:start] + chunk * rng.randint(10, 1000) + data[start:]


GENERIC: list[tuple[str, Mutation]] = [("flip", flip_bytes), ("truncate", truncate),
                                       ("zeros", zero_range), ("nul", insert_nul),
                                       ("repeat", repeat_range)]


# --- text ------------------------------------------------------------------------------


def blank_lines(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\n" * rng.randint(10_000, 150_000) + data[at:]


def whitespace_run(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice((b" ", b"\t", "\u3000".encode())) * rng.randint(10_000, 40_000) + data[at:]


def mixed_encoding(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + "基本养老服务清单".encode("gbk") * rng.randint(1, 50) + data[at:]


def repeat_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    line = lines[rng.randrange(len(lines))]
    at = rng.randrange(len(lines))
    return b"\n".join(lines[:at] + [line] * rng.randint(100, 2000) + lines[at:])


def long_numerals(data: bytes, rng: random.Random) -> bytes:
    numeral = "".join(rng.choice("一二三四五六七八九十百千万亿零两") for _ in range(rng.randint(2, 30)))
    return f"{numeral}、总体要求\n".encode() + data


TEXT: list[tuple[str, Mutation]] = [("blanklines", blank_lines), ("spaces", whitespace_run),
                                    ("gbk", mixed_encoding), ("lines", repeat_lines),
                                    ("numeral", long_numerals)]


# --- zip packages ----------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        return [(info, archive.read(info)) for info in archive.infolist()]
    except Exception:  # already damaged by an earlier mutation: leave it
        return None


def _zip(members: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in members:
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _on_members(change: Callable[[list, random.Random], list]) -> Mutation:
    def mutation(data: bytes, rng: random.Random) -> bytes:
        members = _members(data)
        return data if not members else _zip(change(members, rng))
    return mutation


def _shuffle(members: list, rng: random.Random) -> list:
    rng.shuffle(members)
    return members


def _remove(members: list, rng: random.Random) -> list:
    del members[rng.randrange(len(members))]
    return members


def _on_xml(change: Callable[[bytes, random.Random], bytes]) -> Callable[[list, random.Random], list]:
    def on_members(members: list, rng: random.Random) -> list:
        xml = [i for i, (info, _) in enumerate(members) if info.filename.endswith(".xml")]
        if xml:
            index = rng.choice([i for i in xml if "document" in members[i][0].filename] or xml)
            info, content = members[index]
            members[index] = (info, change(content, rng))
        return members
    return on_members


def _entities(xml: bytes, rng: random.Random) -> bytes:
    """A billion laughs before the root element."""
    declarations = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    body = regex.sub(rb"^<\?xml[^>]*\?>", b"", xml)
    return (f'<?xml version="1.0"?><!DOCTYPE d [{declarations}]>'.encode() +
            body.replace(b"<w:t>", b"<w:t>&a9;", 1))


def _gridspan(xml: bytes, rng: random.Random) -> bytes:
    tag = rng.choice((b'<w:gridSpan w:val="%d"/>', b'<w:vMerge/><w:gridSpan w:val="%d"/>'))
    huge = tag % rng.choice((10 ** 4, 10 ** 6, 10 ** 8, 2 ** 31 - 1))
    if b"<w:tcPr>" in xml:
        return xml.replace(b"<w:tcPr>", b"<w:tcPr>" + huge, rng.randint(1, 3))
    return xml.replace(b"<w:tc>", b"<w:tc><w:tcPr>" + huge + b"</w:tcPr>", rng.randint(1, 3))


def _grid_before(xml: bytes, rng: random.Random) -> bytes:
    huge = b'<w:trPr><w:gridBefore w:val="%d"/></w:trPr>' % rng.choice((10 ** 5, 10 ** 8))
    return xml.replace(b"<w:tr>", b"<w:tr>" + huge, rng.randint(1, 3))


def _flip_xml(xml: bytes, rng: random.Random) -> bytes:
    return flip_bytes(xml, rng)


def encrypted_flag(data: bytes, rng: random.Random) -> bytes:
    """One member's encrypted bit set, in its local and central headers (zipfile clears it
    when writing, so the bytes are changed in place)."""
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        found = [m.start() for m in regex.finditer(regex.escape(signature), data)]
        if found:
            raw[rng.choice(found) + offset] |= 0x1
    return bytes(raw)


@lru_cache(maxsize=1)
def _bomb() -> bytes:
    """A member's worth of zeros, deflated once per run (about 300 KB for 300 MB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(2 ** 20)
    return b"".join([compressor.compress(chunk) for _ in range(BOMB_MB)] + [compressor.flush()])


def zip_bomb(data: bytes, rng: random.Random) -> bytes:
    """Add a member that inflates to BOMB_MB (written raw: its deflated bytes are made once)."""
    buffer = io.BytesIO(data)
    try:
        zipfile.ZipFile(buffer).close()
    except Exception:
        return data
    with zipfile.ZipFile(buffer, "a") as archive:
        info = zipfile.ZipInfo("word/media/image99.png")
        info.compress_type = zipfile.ZIP_STORED  # stored as written: the bytes are deflate data
        archive.writestr(info, _bomb())
    raw = bytearray(buffer.getvalue())
    # Mark the member deflated, declaring its true inflated size or a small one, in both headers.
    declared = rng.choice((BOMB_MB * 2 ** 20, 4096))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):
        at = raw.rfind(header)
        while at != -1:
            name_at = at + (30 if header == b"PK\x03\x04" else 46)
            if raw[name_at:name_at + len(info.filename)] == info.filename.encode():
                method_at = at + (8 if header == b"PK\x03\x04" else 10)
                size_at = at + (22 if header == b"PK\x03\x04" else 24)
                raw[method_at:method_at + 2] = (8).to_bytes(2, "little")
                raw[size_at:size_at + 4] = declared.to_bytes(4, "little")
                break
            at = raw.rfind(header, 0, at)
    return bytes(raw)


ZIP: list[tuple[str, Mutation]] = [
    ("shuffle", _on_members(_shuffle)), ("remove", _on_members(_remove)),
    ("entities", _on_members(_on_xml(_entities))), ("gridspan", _on_members(_on_xml(_gridspan))),
    ("gridbefore", _on_members(_on_xml(_grid_before))), ("xmlflip", _on_members(_on_xml(_flip_xml))),
    ("encrypted", encrypted_flag), ("zipbomb", zip_bomb)]


# --- HTML ------------------------------------------------------------------------------


def huge_spans(data: bytes, rng: random.Random) -> bytes:
    span = b'<td rowspan="%d" colspan="%d"' % (rng.choice((100, 10 ** 4, 10 ** 9)),
                                               rng.choice((100, 10 ** 4, 10 ** 9)))
    return data.replace(b"<td", span, rng.randint(1, 50))


def deep_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((1000, 10_000, 100_000))
    at = data.find(b"<p")
    at = at if at >= 0 else len(data) // 2
    return data[:at] + b"<div>" * depth + "通知".encode() + b"</div>" * depth + data[at:]


def html_entities(data: bytes, rng: random.Random) -> bytes:
    declarations = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10))
    return f"<!DOCTYPE html [{declarations}]>".encode() + data.replace(b"<p>", b"<p>&a9;", 3)


def huge_page(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b"<table")
    if at < 0:
        return data
    end = data.find(b"</table>", at)
    return data[:at] + data[at:end + 8] * rng.randint(20, 200) + data[at:]


HTML: list[tuple[str, Mutation]] = [("spans", huge_spans), ("nesting", deep_nesting),
                                    ("entities", html_entities), ("tables", huge_page),
                                    ("gbk", mixed_encoding)]


# --- PDF -------------------------------------------------------------------------------


_KIDS = regex.compile(rb"/Kids\s*\[\s*(\d+)\s+0\s+R")
_PAGES_OBJECT = regex.compile(rb"(\d+)\s+0\s+obj\s*<<(?:(?!endobj).)*?/Type\s*/Pages", regex.DOTALL)
_STREAM = regex.compile(rb"/Length\s+(\d+)(?P<dict>[^>]*>>\s*)stream\r?\n", regex.DOTALL)


def page_tree_loop(data: bytes, rng: random.Random) -> bytes:
    """The page tree's first kid is the tree itself."""
    pages = _PAGES_OBJECT.search(data)
    if not pages:
        return data
    return _KIDS.sub(b"/Kids [" + pages.group(1) + b" 0 R", data, count=1)


def self_reference(data: bytes, rng: random.Random) -> bytes:
    """An object that names itself where another object is expected."""
    objects = list(regex.finditer(rb"(\d+) 0 obj", data))
    if not objects:
        return data
    target = rng.choice(objects)
    body_end = data.find(b"endobj", target.end())
    body = data[target.end():body_end]
    changed = regex.sub(rb"\d+ 0 R", target.group(1) + b" 0 R", body, count=rng.randint(1, 3))
    return data[:target.end()] + changed + data[body_end:]


def flate_bomb(data: bytes, rng: random.Random) -> bytes:
    """A stream's content replaced by zeros that inflate to BOMB_MB."""
    streams = list(_STREAM.finditer(data))
    if not streams:
        return data
    stream = rng.choice(streams)
    start = stream.end()
    end = start + int(stream.group(1))
    bomb = zlib.compress(b"")[:2] + _bomb()  # a zlib header over the raw deflate data
    header = b"/Length %d" % len(bomb) + stream.group("dict")
    return data[:stream.start()] + header + b"stream\n" + bomb + data[end:]


PDF: list[tuple[str, Mutation]] = [("treeloop", page_tree_loop), ("selfref", self_reference),
                                   ("flatebomb", flate_bomb)]

MUTATIONS: dict[str, list[tuple[str, Mutation]]] = {
    "txt": TEXT, "docx": ZIP, "html": HTML, "pdf": PDF, "doc": []}
