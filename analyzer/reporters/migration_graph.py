"""`routerlint graph --migrations`: each Alembic script folder's revision graph, as DOT or
Mermaid, drawn from the report's `migrations` section and the findings at revision files.

One node per revision file (not per id: a repeated id is two files, and the one Alembic
ignores is drawn too), an edge from each down_revision to its revision, a dashed edge for
each `depends_on`, a ghost node for an id that no file declares. Heads, merges, branch labels
and the revisions with findings (their codes and lines) are marked, so a reviewer sees where
a chain forks, where it breaks and which file to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Tuple

from routerlint.results import Report

_MESSAGE = 40  # characters of a revision's message shown


@dataclass
class _Node:
    key: str  # unique in the drawing
    title: str  # the revision id (or what stands for it)
    lines: List[str] = field(default_factory=list)  # message, file, labels, findings
    head: bool = False
    merge: bool = False
    faulty: bool = False
    missing: bool = False  # named, but declared by no file


@dataclass
class _Folder:
    title: str
    nodes: List[_Node] = field(default_factory=list)
    edges: List[Tuple[str, str, bool]] = field(default_factory=list)  # (from, to, depends_on)


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE else text[:_MESSAGE - 1] + "…"


def _findings(report: Report) -> Dict[str, List[Tuple[int, str]]]:
    """path -> [(line, code)] of the findings, by path: those at a revision file are about
    it (RL4xx, and RL100-RL202 when Alembic cannot load it: revision files are no modules)."""
    found: Dict[str, List[Tuple[int, str]]] = {}
    for diagnostic in report.diagnostics:
        found.setdefault(diagnostic.path, []).append((diagnostic.line, diagnostic.code))
    return found


def folders(report: Report) -> List[_Folder]:
    """The drawing's content: one folder per script location of the report."""
    findings = _findings(report)
    drawn = []
    for number, section in enumerate(report.migrations or []):
        config = f" ({section['config']})" if section.get("config") else ""
        folder = _Folder(f"{section['script_location']}/{config}")
        revisions = section.get("revisions", [])
        kept: Dict[str, int] = {}  # id -> the file Alembic keeps (the later one)
        labels: Dict[str, str] = {}
        for index, rev in enumerate(revisions):
            if rev.get("id") is not None:
                kept[rev["id"]] = index
        for index in kept.values():
            for label in revisions[index].get("branch_labels", []):
                labels[label] = revisions[index]["id"]
        # `alembic heads` lists an id once per head file: a file ignored for a repeated id
        # is always one (nothing can revise it), the kept one only when nothing revises it
        listed = section.get("heads", [])
        ignored = [rev.get("id") for index, rev in enumerate(revisions)
                   if rev.get("id") is not None and kept[rev["id"]] != index]

        def key(index: int) -> str:
            return f"m{number}_{index}"

        ghosts: Dict[str, str] = {}
        for index, rev in enumerate(revisions):
            rid = rev.get("id")
            node = _Node(key(index), rid if rid is not None else "?")
            if rev.get("message"):
                node.lines.append(_short(rev["message"]))
            node.lines.append(rev["path"].rsplit("/", 1)[-1])
            if rev.get("branch_labels"):
                node.lines.append("branch: " + ", ".join(rev["branch_labels"]))
            if rev.get("error"):
                node.lines.append(_short(rev["error"]))
                node.faulty = True
            codes = sorted(set(findings.get(rev["path"], [])))
            if codes:
                node.lines.append(", ".join(f"{code} line {line}" for line, code in codes))
                node.faulty = True
            if kept.get(rid) == index:
                node.head = listed.count(rid) > ignored.count(rid)
            else:
                node.head = rid in listed
            node.merge = len(rev.get("parents", [])) > 1
            if rid is not None and kept.get(rid) != index:
                node.lines.append(f"ignored: {rid} is declared again later")
            folder.nodes.append(node)
            for parent, dashed in ([(p, False) for p in rev.get("parents", [])]
                                   + [(d, True) for d in rev.get("depends_on", [])]):
                target = labels.get(parent, parent) if dashed else parent
                if target in kept:
                    source = key(kept[target])
                else:
                    if target not in ghosts:
                        ghosts[target] = f"m{number}_missing{len(ghosts)}"
                        folder.nodes.append(_Node(ghosts[target], target,
                                                  ["declared by no revision file"],
                                                  missing=True))
                    source = ghosts[target]
                folder.edges.append((source, node.key, dashed))
        drawn.append(folder)
    return drawn


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(report: Report) -> str:
    lines = ["digraph migrations {", "  rankdir=TB;",
             '  node [fontname="Helvetica", shape=box, style=rounded];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for number, folder in enumerate(folders(report)):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f'    label="{_dot_text(folder.title)}";')
        for node in folder.nodes:
            label = "\\n".join(_dot_text(part) for part in [node.title] + node.lines
                               + (["head"] if node.head else []))
            attrs = [f'label="{label}"']
            if node.merge:
                attrs.append("shape=hexagon")
            if node.missing:
                attrs += ["style=dashed", "color=red", "fontcolor=red"]
            elif node.faulty:
                attrs += ['style="rounded,filled"', "color=red", 'fillcolor="#ffdddd"']
            if node.head:
                attrs.append("penwidth=2")
                if not node.faulty:
                    attrs.append("color=blue")
            lines.append(f'    "{node.key}" [{", ".join(attrs)}];')
        for source, target, dashed in folder.edges:
            extra = ' [style=dashed, label="depends_on"]' if dashed else ""
            lines.append(f'    "{source}" -> "{target}"{extra};')
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return (text.replace("&", "&amp;").replace('"', "#quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def to_mermaid(report: Report) -> str:
    lines = ["flowchart TB"]
    classes: Dict[str, List[str]] = {"head": [], "faulty": [], "missing": []}
    for number, folder in enumerate(folders(report)):
        lines.append(f'  subgraph f{number}["{_mermaid_text(folder.title)}"]')
        for node in folder.nodes:
            label = "<br/>".join(_mermaid_text(part) for part in [node.title] + node.lines
                                 + (["head"] if node.head else []))
            left, right = ("{{", "}}") if node.merge else ("(", ")")
            lines.append(f'    {node.key}{left}"{label}"{right}')
            for name, wanted in (("head", node.head), ("faulty", node.faulty),
                                 ("missing", node.missing)):
                if wanted:
                    classes[name].append(node.key)
        for source, target, dashed in folder.edges:
            arrow = " -. depends_on .-> " if dashed else " --> "
            lines.append(f"    {source}{arrow}{target}")
        lines.append("  end")
    styles = {"head": "stroke:#1f4fbf,stroke-width:3px",
              "faulty": "fill:#fdd,stroke:#c00,color:#600",
              "missing": "fill:#fff,stroke:#c00,stroke-dasharray:5 5,color:#c00"}
    for name, keys in classes.items():
        if keys:
            lines.append(f"  classDef {name} {styles[name]}")
            lines.append(f"  class {','.join(keys)} {name}")
    return "\n".join(lines)


DRAWINGS = {"dot": to_dot, "mermaid": to_mermaid}
