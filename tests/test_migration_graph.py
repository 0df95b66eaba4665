"""`routerlint graph --migrations` draws each Alembic folder's revision graph: revisions,
down_revision edges, depends_on as dashed edges, merges, heads, branch labels, ids no file
declares, and the revisions with findings marked."""

import re
import subprocess
import sys

from helpers import FIXTURES_DIR, copy_fixture
from routerlint.reporters.migration_graph import to_dot, to_mermaid
from routerlint.results import Report


def draw(fixture, tmp_path, fmt="mermaid"):
    copy = copy_fixture(FIXTURES_DIR / fixture, tmp_path)
    done = subprocess.run([sys.executable, "-m", "routerlint", "graph", "--migrations",
                           str(copy), "--format", fmt], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def nodes(mermaid):
    """revision id -> (node id, label) of a Mermaid drawing."""
    found = {}
    for line in mermaid.splitlines():
        match = re.match(r'\s+(m\d+_\w+)(?:\(|\{\{)"(.*)"(?:\)|\}\})$', line)
        if match:
            found[match.group(2).split("<br/>")[0]] = (match.group(1), match.group(2))
    return found


def classes(mermaid, name):
    line = next((l for l in mermaid.splitlines() if l.strip().startswith("class ")
                 and l.split()[-1] == name), "")
    return set(line.split()[1].split(",")) if line else set()


def test_mermaid_branches_labels_depends_on_and_merge(tmp_path):
    mermaid = draw("mig_branch_labels_merge", tmp_path)
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart TB"
    assert lines[1] == '  subgraph f0["migrations/ (alembic.ini)"]'
    found = nodes(mermaid)
    core, reporting, email, finished, merge = (found[r][0] for r in (
        "a0c1e2f3a4b5", "c2e3f4a5b6c7", "b1d2e3f4a5b6", "d3f4a5b6c7d8", "e4a5b6c7d8e9"))
    assert "branch: core" in found["a0c1e2f3a4b5"][1]
    assert "branch: reporting" in found["c2e3f4a5b6c7"][1]
    assert "merge core and reporting" in found["e4a5b6c7d8e9"][1]  # the revision's message
    assert f"    {merge}{{{{" in mermaid  # a merge is a hexagon
    assert f"    {core} --> {email}" in lines and f"    {reporting} --> {finished}" in lines
    assert f"    {email} --> {merge}" in lines and f"    {finished} --> {merge}" in lines
    # depends_on = "core" names the branch label: drawn from the revision carrying it
    assert f"    {core} -. depends_on .-> {reporting}" in lines
    assert classes(mermaid, "head") == {merge}
    assert not classes(mermaid, "faulty")


def test_dot_marks_a_missing_dependency_and_its_revision(tmp_path):
    dot = draw("mig_depends_on_missing", tmp_path, "dot")
    assert dot.startswith("digraph migrations {") and dot.rstrip().endswith("}")
    assert dot.count("{") == dot.count("}")
    ghost = next(l for l in dot.splitlines() if "0badc0ffee00" in l and "[" in l)
    assert "declared by no revision file" in ghost and "style=dashed" in ghost
    faulty = next(l for l in dot.splitlines() if l.strip().startswith('"m0_1" ['))
    assert "RL401 line 15" in faulty and "color=red" in faulty
    ghost_key = ghost.split('"')[1]
    assert f'    "{ghost_key}" -> "m0_1" [style=dashed, label="depends_on"];' in dot


def test_every_head_of_a_forked_chain_is_marked_faulty(tmp_path):
    mermaid = draw("mig_multiple_heads", tmp_path)
    found = nodes(mermaid)
    heads = {found["b2c4e6f8a0d1"][0], found["c3d5f7a9b1e2"][0]}
    assert classes(mermaid, "head") == heads
    assert classes(mermaid, "faulty") == heads
    assert "RL400 line 12" in found["b2c4e6f8a0d1"][1]


def test_a_repeated_id_is_two_nodes_and_both_count_as_heads(tmp_path):
    dot = draw("mig_duplicate_revision_id", tmp_path, "dot")
    twins = [l for l in dot.splitlines() if l.strip().startswith('"m0_')
             and "b2c4e6f8a0d1" in l and "[" in l]
    assert len(twins) == 2
    ignored = next(l for l in twins if "ignored" in l)
    assert "RL402" in ignored and "penwidth=2" in ignored  # Alembic still counts it
    assert all("head" in l for l in twins)


def test_version_locations_folders_are_one_graph(tmp_path):
    mermaid = draw("mig_version_locations_two_folders", tmp_path)
    found = nodes(mermaid)
    users, invoices, email = (found[r][0] for r in (
        "1f2e3d4c5b6a", "2a3b4c5d6e7f", "3b4c5d6e7f80"))
    assert f"    {users} --> {invoices}" in mermaid and f"    {invoices} --> {email}" in mermaid
    assert classes(mermaid, "faulty") == {email} and classes(mermaid, "head") == {email}
    assert "RL404 line 20" in found["3b4c5d6e7f80"][1]


def test_no_alembic_folder_is_a_usage_error(tmp_path):
    (tmp_path / "main.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    done = subprocess.run([sys.executable, "-m", "routerlint", "graph", "--migrations",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("routerlint: error: ")
    assert "no Alembic script folder found" in done.stderr and "alembic.ini" in done.stderr


def test_labels_are_escaped():
    section = {"script_location": "db", "config": None, "heads": ["a1"], "revisions": [
        {"id": "a1", "path": "db/versions/a1.py", "line": 3, "parents": [], "depends_on": [],
         "branch_labels": [], "ops": 0, "message": 'say "hi" <b>'}]}
    report = Report("/p", [], [], 1, 1, 0.0, migrations=[section])
    assert '#quot;hi#quot; &lt;b&gt;' in to_mermaid(report)
    assert 'say \\"hi\\" <b>' in to_dot(report)


def test_a_revision_alembic_cannot_load_is_marked_with_its_finding(tmp_path):
    dot = draw("mig_revision_imports_deleted_module", tmp_path, "dot")
    faulty = next(l for l in dot.splitlines() if "4c5d6e7f8a9b_add_user_status.py" in l)
    assert "RL200 line 9" in faulty and "color=red" in faulty
