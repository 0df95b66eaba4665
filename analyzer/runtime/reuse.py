"""Simulations reused from the daemon's previous run, when provably the same.

A Simulation sees the app only through the questions it asks (where is module X and what
are its facts, which code does a missing module get, what are the submodules of P, is this
call a router class, what does this env file hold) plus the variables the server starts
with. It is deterministic, so if every question it asked last time gets the same answer now
(facts compared by identity: an unchanged file keeps its decoded facts in the daemon's
memory), it would do exactly what it did: its results are taken as they are. A changed
module its imports reach, a new file that shadows one, a class that became a router: some
answer differs, and it runs again. Outside the daemon nothing is kept and all run.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

from routerlint.runtime.simulate import Simulation, Spec

QUESTIONS = ("find", "missing_code", "children", "missing_message", "kind_of", "env_file")


class World:
    """The current run's answers to a simulation's questions."""

    def __init__(self, finder, kind_of: Callable, env_file: Callable) -> None:
        self.find = finder.find
        self.missing_code = finder.missing_code
        self.children = finder.children
        self.missing_message = finder.missing_message
        self.kind_of = kind_of
        self.env_file = env_file


class Recorder:
    """Asks `world` on the simulation's behalf and remembers each distinct question."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.asked: Dict[Tuple[str, tuple], Any] = {}

    def asker(self, question: str) -> Callable:
        def ask(*args):
            answer = getattr(self.world, question)(*args)
            self.asked.setdefault((question, args), answer)
            return answer
        return ask

    def same_answers(self, world: World) -> bool:
        return all(_same(getattr(world, question)(*args), answer)
                   for (question, args), answer in self.asked.items())


def _same(now: Any, then: Any) -> bool:
    if isinstance(then, Spec) or isinstance(now, Spec):
        return (isinstance(now, Spec) and isinstance(then, Spec) and now.facts is then.facts
                and (now.path, now.is_package, now.external, now.names, now.removed)
                == (then.path, then.is_package, then.external, then.names, then.removed))
    return now == then


def run_unit(memory, key: Any, world: World, environ: Dict[str, str], infers: bool,
             work: Callable[[Simulation], Any]) -> Tuple[Simulation, Any]:
    """(the simulation, work(simulation)): a fresh one, or the one `memory` (the daemon's)
    kept under `key` when every question it asked is answered the same."""
    if memory is None:  # a fresh process keeps nothing: no questions recorded
        sim = Simulation(world.find, world.missing_code, world.children,
                         world.missing_message, world.kind_of, environ, infers,
                         world.env_file)
        return sim, work(sim)
    full_key = (key, tuple(sorted(environ.items())), infers)
    kept: Optional[tuple] = memory.recall(full_key)
    if kept is not None and kept[0].same_answers(world):
        kept[0].world = world  # later questions (none today) go to this run's world
        memory.kept[full_key] = kept
        return kept[1], kept[2]
    recorder = Recorder(world)
    sim = Simulation(recorder.asker("find"), recorder.asker("missing_code"),
                     recorder.asker("children"), recorder.asker("missing_message"),
                     recorder.asker("kind_of"), environ, infers, recorder.asker("env_file"))
    result = work(sim)
    memory.kept[full_key] = (recorder, sim, result)
    return sim, result
