"""Alembic's revision map, rebuilt from the revisions' facts as `alembic/script/revision.py`
builds it: files in load order, a repeated id replaced by the later file (with a warning), a
down_revision or depends_on that names nothing (Alembic stops: KeyError), cycles (Alembic
stops: CycleDetected), heads (revisions no other revision names as its down_revision; a
`depends_on` does not end a head) and the order `upgrade` runs them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import heapq
from collections import defaultdict
from typing import Dict, List, Optional, Set, Tuple

from routerlint.facts.revisions import Revision


@dataclass
class RevisionMap:
    files: List[Revision]  # every readable revision file, in Alembic's load order
    by_id: Dict[str, Revision] = field(default_factory=dict)  # the file Alembic keeps per id
    duplicates: List[Tuple[Revision, Revision]] = field(default_factory=list)  # (ignored, kept)
    unknown: List[Tuple[Revision, str, int]] = field(default_factory=list)  # (rev, id, line)
    cycles: List[List[Revision]] = field(default_factory=list)
    heads: List[str] = field(default_factory=list)  # distinct, of the files Alembic keeps
    bases: List[str] = field(default_factory=list)
    _labels: Optional[Dict[str, str]] = field(default=None, repr=False)

    @property
    def listed_heads(self) -> List[str]:
        """What `alembic heads` lists: a file ignored for a repeated id is never named as a
        down_revision (its twin is), so it stays a head, and the id is listed twice."""
        return self.heads + [ignored.revision for ignored, _ in self.duplicates]

    @property
    def broken(self) -> bool:
        """Alembic refuses the whole map: no command works until this is fixed."""
        return bool(self.unknown or self.cycles)

    def parents(self, rev: Revision) -> List[str]:
        """What must run before `rev`: its down revisions and its dependencies."""
        labels = self.labels()
        return [labels.get(p, p) for p in rev.down + rev.depends_on
                if labels.get(p, p) in self.by_id]

    def labels(self) -> Dict[str, str]:
        """branch label -> the revision carrying it (computed once the map is built: a
        500-revision chain asks for it per revision)."""
        if self._labels is None:
            self._labels = {label: rev.revision for rev in self.by_id.values()
                            for label in rev.branch_labels if rev.revision}
        return self._labels

    def ancestors_in_order(self, head: str) -> List[Revision]:
        """The revisions `alembic upgrade <head>` runs on an empty database, parents first
        (Kahn's order; ties broken by file order, so branches run one after the other)."""
        wanted: Set[str] = set()
        stack = [head]
        while stack:
            current = stack.pop()
            if current in wanted or current not in self.by_id:
                continue
            wanted.add(current)
            stack.extend(self.parents(self.by_id[current]))
        position = {rev.revision: i for i, rev in enumerate(self.files)}
        waiting: Dict[str, int] = {}  # rid -> parents not run yet
        children: Dict[str, List[str]] = defaultdict(list)
        for rid in wanted:
            needs = {p for p in self.parents(self.by_id[rid]) if p in wanted}
            waiting[rid] = len(needs)
            for parent in needs:
                children[parent].append(rid)
        ready = [(position.get(rid, 0), rid) for rid, count in waiting.items() if not count]
        heapq.heapify(ready)
        order: List[Revision] = []
        while ready:  # a cycle leaves its revisions waiting: reported on its own
            _, chosen = heapq.heappop(ready)
            order.append(self.by_id[chosen])
            for child in children[chosen]:
                waiting[child] -= 1
                if not waiting[child]:
                    heapq.heappush(ready, (position.get(child, 0), child))
        return order


def build(files: List[Revision]) -> RevisionMap:
    """The map Alembic would build from these files (unreadable ones left out)."""
    usable = [rev for rev in files if rev.revision is not None and rev.down_known]
    found = RevisionMap(usable)
    for rev in usable:
        earlier = found.by_id.get(rev.revision)
        if earlier is not None:
            found.duplicates.append((earlier, rev))
        found.by_id[rev.revision] = rev  # the later file wins, as in Alembic
    labels = found.labels()
    for rev in found.by_id.values():
        for parent in rev.down:
            if parent not in found.by_id:
                found.unknown.append((rev, parent, rev.down_line))
        for dep in rev.depends_on:
            if labels.get(dep, dep) not in found.by_id:
                found.unknown.append((rev, dep, rev.depends_line))
    named = {parent for rev in found.by_id.values() for parent in rev.down}
    found.heads = [rev.revision for rev in found.by_id.values() if rev.revision not in named]
    found.bases = [rev.revision for rev in found.by_id.values() if not rev.down]
    found.cycles = _cycles(found)
    return found


def _cycles(found: RevisionMap) -> List[List[Revision]]:
    """Strongly connected groups of the down_revision/depends_on graph (Tarjan), and
    revisions that name themselves: each a cycle Alembic refuses."""
    graph = {rid: found.parents(rev) for rid, rev in found.by_id.items()}
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    on_stack: Set[str] = set()
    stack: List[str] = []
    groups: List[List[str]] = []
    counter = [0]

    def visit(start: str) -> None:
        work: List[Tuple[str, int]] = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter[0]
                counter[0] += 1
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            if child < len(edges):
                work.append((node, child + 1))
                nxt = edges[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    group.append(top)
                    if top == node:
                        break
                if len(group) > 1 or node in graph.get(node, []):
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    for rid in graph:
        if rid not in index:
            visit(rid)
    position = {rev.revision: i for i, rev in enumerate(found.files)}
    return [sorted((found.by_id[rid] for rid in group), key=lambda r: position[r.revision])
            for group in groups]

