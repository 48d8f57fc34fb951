"""Who may see what (DESIGN §7): the office and leaders everything; a group secretary their group's
submissions, rejections, explanations and excerpt; a cadre their own weekly reports."""

from __future__ import annotations

from dataclasses import dataclass

from zhaoshang.settings import Person, Settings


@dataclass(frozen=True)
class Viewer:
    """A signed-in person and what the roster lets them see."""

    name: str
    sees_all: bool
    groups: frozenset[str]  # group codes whose submissions they see (a secretary's own group)
    cadres: frozenset[str]  # cadres whose weekly reports they see (themselves; a secretary: their group's cadres)
    group_names: frozenset[str]  # the names of `groups` (a report naming one is that group's excerpt)

    @property
    def label(self) -> str:
        return self.name


def viewer_for(settings: Settings, person: Person) -> Viewer:
    """What `person` may see, from their roles in the roster."""
    sees_all = bool({"office", "leader"} & set(person.roles))
    groups = frozenset({person.group} if "secretary" in person.roles and person.group else set())
    cadres = {person.name} if "cadre" in person.roles else set()
    cadres |= {p.name for p in settings.people if p.group in groups and "cadre" in p.roles}
    names = frozenset(settings.group_by_code[g].name for g in groups if g in settings.group_by_code)
    return Viewer(person.name, sees_all, groups, frozenset(cadres), names)


def sees_submission(viewer: Viewer, subject: str | None) -> bool:
    """A submission (or a file of one) by its subject: a group code or a cadre's name.

    A file whose subject could not be read is the office's to look at."""
    if viewer.sees_all:
        return True
    return subject is not None and (subject in viewer.groups or subject in viewer.cadres)


def sees_project(viewer: Viewer, group_code: str | None, cadre: str | None) -> bool:
    """A project on the board: the office and leaders all; a secretary their group's; a cadre their own."""
    return viewer.sees_all or group_code in viewer.groups or cadre in viewer.cadres


def sees_report(viewer: Viewer, title: str) -> bool:
    """A generated report by its title (pages.report_title: the same for its .docx, .pdf and 数据来源):
    the office and leaders all; a secretary their group's excerpt (it names the group); anyone the
    documents written for them alone (named …_<their name>)."""
    if viewer.sees_all:
        return True
    return any(name in title for name in viewer.group_names) or title.endswith(f"_{viewer.name}")
