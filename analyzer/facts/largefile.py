"""Facts for very large files (generated data: a 5 MB list literal), without LibCST.

LibCST needs ~1 GB and minutes for a few hundred KB of literal data; CPython's own compile
needs seconds, as the app's first import of the file does too. So above LARGE_FILE_BYTES a file
gets CPython's verdict (one-stage compile), its top-level import statements (read with `ast`
from just those lines), any router assignment found in the text, and unknown names — never a
false alarm, and no more cost than the interpreter's own.
"""

from __future__ import annotations

import ast
import re
from typing import List, Optional

from routerlint.facts.model import Import, ModuleFacts

LARGE_FILE_BYTES = 512 * 1024

_IMPORT_LINE = re.compile(rb"^(?:from\s+\S+\s+import\b|import\s)", re.M)


def large_facts(source: bytes, filename: str, facts: ModuleFacts, routers_by_text) -> ModuleFacts:
    from routerlint.facts.syntax import one_stage_verdict

    facts.syntax = one_stage_verdict(source, filename)
    facts.events = routers_by_text(source)
    if facts.syntax is not None:
        return facts
    facts.dynamic_names = True  # names are not read: any may exist
    facts.events = _imports(source) + facts.events
    return facts


def _imports(source: bytes) -> List[Import]:
    found: List[Import] = []
    for match in _IMPORT_LINE.finditer(source):
        start = match.start()
        line = source.count(b"\n", 0, start) + 1
        statement = _statement(source, start)
        if statement is None:
            continue
        try:
            node = ast.parse(statement).body[0]
        except (SyntaxError, ValueError, IndexError):
            continue
        if isinstance(node, ast.Import):
            found += [Import(line, 0, a.name, asname=a.asname) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(Import(line, 0, node.module or "", level=node.level,
                                names=[(a.name, a.asname) for a in node.names]))
    found.sort(key=lambda event: event.line)
    return found


def _statement(source: bytes, start: int) -> Optional[str]:
    """The import statement starting at `start`: one line, or up to the closing parenthesis
    or through backslash continuations."""
    end = source.find(b"\n", start)
    end = len(source) if end < 0 else end
    text = source[start:end]
    while (text.count(b"(") > text.count(b")") or text.rstrip().endswith(b"\\")) and \
            end < len(source):
        nxt = source.find(b"\n", end + 1)
        nxt = len(source) if nxt < 0 else nxt
        text, end = source[start:nxt], nxt
    return text.decode("utf-8", "replace").replace("\\\n", " ")
