"""`routerlint graph`: the router dependency graph as DOT or Mermaid.

Drawn from the Report, not the raw import graph: the entry point, every router, and for each
failing router the chain of imports down to its root cause. That stays readable for an app
with hundreds of modules; the full import graph is rarely what a reviewer wants to see.
"""

from __future__ import annotations

from typing import Dict, List, Tuple

import networkx as nx

from routerlint.results import Report


def router_graph(report: Report) -> "nx.DiGraph":
    graph = nx.DiGraph()
    if report.entry:
        graph.add_node(report.entry, kind="entry",
                       fails=report.entry_fails is not None)
    for router in report.routers:
        graph.add_node(router.module, kind="router", fails=not router.loads)
        if report.entry and not router.alone:
            graph.add_edge(report.entry, router.module)
        if router.loads or router.cause is None:
            continue
        chain = router.chain or [router.module]
        for importer, imported in zip(chain, chain[1:]):
            graph.add_node(imported, **graph.nodes.get(imported, {"kind": "module"}))
            graph.add_edge(importer, imported)
        causes = graph.nodes[chain[-1]].setdefault("causes", [])
        cause = f"{router.cause.code} line {router.cause.line}"
        if cause not in causes:
            causes.append(cause)
    return graph


def _label(name: str, data: dict) -> str:
    causes = data.get("causes")
    return f"{name}\\n{', '.join(causes)}" if causes else name


def to_dot(report: Report) -> str:
    graph = router_graph(report)
    lines = ["digraph routerlint {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    shapes = {"entry": "doubleoctagon", "router": "box", "module": "ellipse"}
    for name, data in graph.nodes(data=True):
        color = "red" if data.get("fails") or data.get("causes") else "darkgreen"
        if data.get("kind") == "module" and not data.get("causes"):
            color = "gray40"
        lines.append(f'  "{name}" [shape={shapes[data.get("kind", "module")]}, '
                     f'color={color}, label="{_label(name, data)}"];')
    for importer, imported in graph.edges:
        lines.append(f'  "{importer}" -> "{imported}";')
    lines.append("}")
    return "\n".join(lines)


def to_mermaid(report: Report) -> str:
    graph = router_graph(report)
    ids: Dict[str, str] = {name: f"n{i}" for i, name in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    brackets: Dict[str, Tuple[str, str]] = {"entry": ("[[", "]]"), "router": ("[", "]"),
                                            "module": ("(", ")")}
    failing: List[str] = []
    for name, data in graph.nodes(data=True):
        left, right = brackets[data.get("kind", "module")]
        label = _label(name, data).replace("\\n", "<br/>")
        lines.append(f'  {ids[name]}{left}"{label}"{right}')
        if data.get("fails") or data.get("causes"):
            failing.append(ids[name])
    for importer, imported in graph.edges:
        lines.append(f"  {ids[importer]} --> {ids[imported]}")
    if failing:
        lines.append("  classDef fails fill:#fdd,stroke:#c00,color:#600")
        lines.append(f"  class {','.join(failing)} fails")
    return "\n".join(lines)


DRAWINGS = {"dot": to_dot, "mermaid": to_mermaid}
