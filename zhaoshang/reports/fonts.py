"""Fallback faces for the Chinese fonts the report templates ask for.

The templates name the faces of official documents (GB/T 9704): 方正小标宋简体 for the title,
仿宋_GB2312 for the body, 楷体_GB2312 and 黑体 for headings, 宋体 in tables. Few PCs have all
of them (a stock Windows 10 lacks 仿宋_GB2312), no phone has them, and a reader that cannot find
a face falls back to its default, usually a sans-serif one. Two things keep the documents in the
right kind of face:

- in every .docx, the font table (word/fontTable.xml) declares each of these faces with an
  alternative name (w:altName: 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 华文中宋 …), the GB2312
  character set and its PANOSE class, so Word and WPS substitute a face of the same kind;
- for the PDF (zhaoshang/reports/pdf.py), a fontconfig file maps each face, in order, to the
  Windows faces and then to the free CJK faces `./run` installs (Noto Serif CJK SC for the
  serif faces, Noto Sans CJK SC for 黑体), so LibreOffice sets the body in a serif CJK face.

`add_font_fallbacks` is applied to every rendered report (common.finish_report), so a template
restyled in Word or WPS still gets it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"  # fonts-noto-cjk (installed by ./run)


@dataclass(frozen=True)
class Face:
    """One face the templates ask for: what may stand in for it, most alike first, and its class."""

    name: str
    alternatives: tuple[str, ...]  # Windows, macOS and free faces, in order of preference
    panose: str  # PANOSE-1 of the face (or of its usual stand-in): lets Word pick a face of the same kind
    family: str  # w:family: roman (serif), swiss (sans), modern (fixed pitch)
    pitch: str = "variable"
    bold: bool = False  # the free stand-in is taken in bold (a 小标宋 is a heavy Song face)


FACES = (
    Face("方正小标宋简体", ("方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", "Source Han Serif SC", SERIF),
         "02000000000000000000", "roman", bold=True),
    Face("仿宋_GB2312", ("仿宋", "FangSong", "STFangsong", "Source Han Serif SC", SERIF), "02010609030101010101", "modern", "fixed"),
    Face("楷体_GB2312", ("楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "AR PL KaitiM GB", SERIF), "02010609060101010101", "modern", "fixed"),
    Face("黑体", ("SimHei", "Microsoft YaHei", "STHeiti", "Source Han Sans SC", SANS, "WenQuanYi Zen Hei"),
         "02010609060101010101", "modern", "fixed"),
    Face("宋体", ("SimSun", "NSimSun", "STSong", "Source Han Serif SC", SERIF), "02010600030101010101", "auto"),
)
GB2312 = "86"  # w:charset of the simplified Chinese character set


def add_font_fallbacks(document) -> int:
    """Declare each face of FACES in the document's font table with its alternative name, the GB2312
    character set and its class (a face already declared keeps what it has and gets what it lacks);
    returns how many faces were declared or completed. A document without a font table gets none."""
    part = _font_table_part(document)
    if part is None:
        return 0
    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
    declared = {font.get(qn("w:name")): font for font in root.findall(qn("w:font"))}
    changed = 0
    for face in FACES:
        font = declared.get(face.name)
        if font is None:
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), face.name)
        if _complete(font, face):
            changed += 1
    if not hasattr(part, "element"):
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return changed


def _font_table_part(document):
    """The font table part of a python-docx Document (None when the document has none)."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE and not rel.is_external:
            return rel.target_part
    return None


# the order of CT_Font's children
_ORDER = ("w:altName", "w:panose1", "w:charset", "w:family", "w:notTrueType", "w:pitch", "w:sig")


def _complete(font, face: Face) -> bool:
    """Add the children `font` lacks (w:altName first, as the schema orders them); True when any was added."""
    wanted = {"w:altName": face.alternatives[0], "w:panose1": face.panose, "w:charset": GB2312,
              "w:family": face.family, "w:pitch": face.pitch}
    added = False
    for tag, value in wanted.items():
        if font.find(qn(tag)) is not None:
            continue
        child = etree.Element(qn(tag))
        child.set(qn("w:val"), value)
        later = [font.find(qn(t)) for t in _ORDER[_ORDER.index(tag) + 1:]]
        following = next((e for e in later if e is not None), None)
        if following is not None:
            following.addprevious(child)
        else:
            font.append(child)
        added = True
    return added


# ── fontconfig for the PDF ──

def fontconfig_text(base: str | None = None) -> str:
    """A fontconfig file: the system's configuration (or `base`), then each face of FACES mapped to
    its alternatives in order (the free stand-in of 方正小标宋简体 in bold)."""
    base = base or os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>",
             f'  <include ignore_missing="yes">{escape(base)}</include>']
    for face in FACES:
        prefer = "".join(f"<family>{escape(name)}</family>" for name in face.alternatives)
        lines.append(f'  <alias binding="same"><family>{escape(face.name)}</family><prefer>{prefer}</prefer></alias>')
        if face.bold:
            lines.append(f'  <match target="pattern"><test name="family"><string>{escape(face.name)}</string></test>'
                         '<edit name="weight" mode="assign"><const>bold</const></edit></match>')
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def write_fontconfig(folder: Path) -> Path:
    """fonts.conf in `folder` (see fontconfig_text); point FONTCONFIG_FILE at it."""
    path = folder / "fonts.conf"
    path.write_text(fontconfig_text(), encoding="utf-8")
    return path
