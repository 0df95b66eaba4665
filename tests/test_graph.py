"""`routerlint graph` draws what the scan found: failing routers and their root causes."""

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "backend"


def draw(fmt):
    done = subprocess.run([sys.executable, "-m", "routerlint", "graph", str(EXAMPLE),
                           "--format", fmt], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_dot_marks_failing_routers_and_root_causes():
    dot = draw("dot")
    assert dot.startswith("digraph routerlint {") and dot.rstrip().endswith("}")
    assert '"app.routers.analytics" -> "app.models.analytics_models";' in dot
    assert '"app.main" -> "app.routers.users";' in dot
    line = next(l for l in dot.splitlines() if l.strip().startswith('"app.models.analytics_models" ['))
    assert "color=red" in line and "RL001 line 20" in line and "RL001 line 11" in line
    users = next(l for l in dot.splitlines() if l.strip().startswith('"app.routers.users" ['))
    assert "color=darkgreen" in users
    # experiments is never included by the app: no edge from app.main
    assert '-> "app.routers.experiments"' not in dot


def test_mermaid_has_the_same_graph():
    mermaid = draw("mermaid")
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart LR"
    ids = {}
    for line in lines[1:]:
        if '"' in line and "-->" not in line:
            node_id = line.strip().split('"')[0].rstrip("[(")
            ids[line.split('"')[1].split("<br/>")[0]] = node_id
    assert f"  {ids['app.routers.ml']} --> {ids['app.models.ml_models']}" in lines
    failing = next(l for l in lines if l.strip().startswith("class "))
    assert ids["app.routers.ml"] in failing.split()[1].split(",")
    assert ids["app.routers.users"] not in failing.split()[1].split(",")
