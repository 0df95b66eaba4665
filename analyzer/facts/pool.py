"""Facts for many files: from the cache when the content is known, else parsed — in other
processes whenever that lets this one do something useful meanwhile.

Every scan goes through JSON (`to_json` → `from_json`), whether it came from the cache, this
process or a worker, so results are identical with or without a cache and for any worker count.
libcst is imported only when something must really be parsed (a warm run never imports it).

Where the parsing runs:
- many misses (a cold scan): a process pool over all cores. This process imports libcst
  before forking, so the workers inherit it and the later reading of third-party sources needs
  no import of its own.
- a few misses while other work is waiting (one file changed): one forked child parses them
  while this process decodes the cached facts of every other file and runs `meanwhile` (the
  engine imports NetworkX there). The child pays libcst's import (~0.17 s) off the critical
  path. It shows no progress line: its work is done well before the line's 1 s threshold.
- otherwise, or with `--jobs 1`: here, in this process.
"""

from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from routerlint.facts.cache import Cache, digest
from routerlint.project.discover import SourceFile
from routerlint.facts.model import ModuleFacts, SyntaxIssue, from_json, to_json
from routerlint.facts.syntax import same_verdict
from routerlint.facts.forking import can_fork, die_with_parent, fork_child, fork_helps
from routerlint.facts.stamps import stamp_file, stat_unchanged

# Below this much source (~0.35 s of parsing on one core), one process parses it: a pool first
# needs libcst imported here (~0.17 s, so that the workers inherit it) before it can halve the
# parse. Such small work goes to one forked child instead when the caller has a `meanwhile`.
POOL_MIN_BYTES = 150_000

Work = List[Tuple[str, bytes, str]]  # (content hash, source bytes, path)


class Memory:
    """What a long-lived process (routerlint's daemon) keeps from one run to the next: the
    facts of each content it decoded or parsed, and each file's last stamp, so that a file
    whose size and mtime are unchanged is neither read nor hashed again. Facts are never
    changed once built, so runs can share them. Only what the last run used is kept."""

    def __init__(self) -> None:
        self.facts: Dict[tuple, ModuleFacts] = {}
        self.stamps: Dict[str, Tuple[int, int, str]] = {}
        self.kept: Dict[Any, Any] = {}  # other layers' results (phases: simulations)
        self._older: Tuple[dict, dict, dict] = ({}, {}, {})

    def begin(self) -> None:
        """A new run: what it does not use again is forgotten after it."""
        self._older = (self.facts, self.stamps, self.kept)
        self.facts, self.stamps, self.kept = {}, {}, {}

    def recall(self, key: Any) -> Any:
        """What the last run kept under `key` (None if nothing); it is now this run's to keep."""
        return self.kept.pop(key, None) or self._older[2].pop(key, None)

    def get(self, key: tuple) -> Optional[ModuleFacts]:
        found = self.facts.get(key)
        if found is None:
            found = self._older[0].get(key)
            if found is not None:
                self.facts[key] = found
        return found

    def unchanged(self, path: str, target: tuple) -> Optional[Tuple[tuple, ModuleFacts]]:
        """(its stamp, its facts) when `path` has the size and mtime of its last stamp."""
        stamp = self.stamps.get(path) or self._older[1].get(path)
        if stamp is None or not stat_unchanged(path, stamp):
            return None
        facts = self.get((target, stamp[2]))
        if facts is None:
            return None
        self.stamps[path] = stamp
        return stamp, facts


# Set in the daemon only (daemon/server.py); a fresh process decodes what it needs once.
MEMORY: Optional[Memory] = None


def _parse(data: bytes, filename: str, mode: Tuple[int, ...]) -> Any:
    """`mode`: (major, minor) of the target, then the large-file limit in bytes."""
    from routerlint.facts.model import to_json
    from routerlint.facts.scanner import scan_source  # libcst is imported only when parsing

    return to_json(scan_source(data, filename, (mode[0], mode[1]), *mode[2:]))


def _parse_chunk(chunk: List[Tuple[bytes, str]], target: Tuple[int, ...]) -> List[Any]:
    """Worker entry point: JSON-ready facts, so nothing but plain data crosses processes."""
    with rare_gc():
        return [_parse(data, filename, target) for data, filename in chunk]


def _parse_and_store(chunk: List[Tuple[str, bytes, str]], target: Tuple[int, ...],
                     store: Optional[Cache]) -> List[Any]:
    """A pool worker's entry point: `_parse_chunk` of (content hash, data, filename) items,
    each also written to `store` here, while the other workers parse: written by the parent
    once every file was parsed, the entries of a cold run at 100k lines took ~0.4 s alone."""
    facts = _parse_chunk([(data, filename) for _, data, filename in chunk], target)
    if store is not None:
        for (key, _, _), one in zip(chunk, facts):
            store.put(key, one)
    return facts


@contextmanager
def rare_gc():
    """Collect cycles every 10,000 allocations instead of 700 while parsing. A parse builds two
    big trees (LibCST's and CPython's AST) that hold no cycles and die by reference counting;
    the default threshold runs the collector over them thousands of times per file for
    nothing. Measured on the 100k-line benchmark: the scan takes 12% less time."""
    before = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class Scanner:
    """Callable `source -> ModuleFacts`; `scan_many` does the bulk (parallel) work first."""

    def __init__(self, target: Tuple[int, int], cache: Optional[Cache] = None,
                 jobs: Optional[int] = None, progress: bool = False,
                 large: Optional[int] = None,
                 judge: Optional[Callable[[List[str]], Optional[List[Any]]]] = None) -> None:
        self.cache, self.jobs = cache, jobs
        # The target interpreter's syntax verdicts (facts/syntax.py target_verdicts) when it
        # is another version than the one running routerlint; None: this one judges.
        self.judge = judge
        # What the workers are told: the target version, and the large-file limit if set.
        self.target = tuple(target) + ((large,) if large is not None else ())
        self.progress = progress  # may show a progress line on stderr (see facts/progress.py)
        self.parsed = 0  # files really parsed in this run (not found in the cache)
        # Every file read: path -> (size, mtime_ns, sha256), for the report cache.
        self.files: Dict[str, Tuple[int, int, str]] = {}
        self.started_ns = time.time_ns()
        self.prefork: Optional[Any] = None  # a child importing LibCST already (prefork.py)
        self.stored: set = set()  # content hashes whose entries the pool's workers wrote
        # Stamps of an earlier run (path -> (size, mtime_ns, sha256)): a file that still has
        # that size and mtime, recorded when it was not racy, holds that content, so it is
        # not read nor hashed when its facts are cached (git's rule; the daemon's too).
        self.stamps: Dict[str, Any] = {}

    def _read(self, source: SourceFile):
        try:
            path = str(source.path)
            st = os.stat(path)  # before reading: a later edit changes the mtime we keep
            with open(path, "rb") as handle:
                data = handle.read()
            self.files[path] = stamp_file(path, data, st, self.started_ns)
            return data
        except OSError as exc:
            return ModuleFacts(lines=0, syntax=SyntaxIssue(
                "RL100", 1, 1, f"cannot read the file: {exc.strerror or exc}"))

    def __call__(self, source: SourceFile) -> ModuleFacts:
        return self.scan_many([source])[0]

    def scan_many(self, sources: Sequence[SourceFile],
                  meanwhile: Optional[Callable[[List[Optional[ModuleFacts]]], None]] = None
                  ) -> List[ModuleFacts]:
        """Facts of `sources`, in order. `meanwhile(found)` runs once, while misses are
        parsed in other processes when they are (else before parsing them here); `found`
        holds the facts known by then, in order, None for those still parsed."""
        results: List[Optional[ModuleFacts]] = [None] * len(sources)
        slots: Dict[str, List[int]] = {}  # content hash -> indexes with that content
        cached: List[Tuple[str, bytes, bytes, str]] = []  # (hash, cache entry, source, path)
        work: Work = []
        memory = MEMORY
        redo: List[int] = []  # known by their stamps, but their cache entry is damaged
        for index, source in enumerate(sources):
            if memory is not None:
                known = memory.unchanged(str(source.path), self.target)
                if known is not None:
                    self.files[str(source.path)], results[index] = known
                    continue
            data = None
            key, raw = self._by_stamp(str(source.path), slots)
            if key is None:
                data = self._read(source)
                if isinstance(data, ModuleFacts):
                    results[index] = data
                    continue
                key = digest(data)
            if memory is not None:
                path = str(source.path)
                memory.stamps[path] = self.files[path]
                remembered = memory.get((self.target, key))
                if remembered is not None:
                    results[index] = remembered
                    continue
            if key in slots:
                slots[key].append(index)
                continue
            slots[key] = [index]
            if raw is None and self.cache is not None:
                raw = self.cache.read(key)
            if raw is not None:
                cached.append((key, raw, data, str(source.path)))
            else:
                work.append((key, data, str(source.path)))
        collect = self._start(work, background=meanwhile is not None)
        late: Work = []  # foreign or damaged cache entries: parsed again and overwritten
        for key, raw, data, path in cached:
            found = self.cache.decode_facts(key, raw)  # type: ignore[union-attr]  (a cache)
            try:
                if found is None:
                    raise ValueError(key)
                for index in slots[key]:
                    # the daemon shares one object per content, as its later runs will
                    results[index] = (from_json(*found) if memory is None or index == slots[key][0]
                                      else results[slots[key][0]])
                if memory is not None:
                    memory.facts[(self.target, key)] = results[slots[key][0]]
            except (KeyError, TypeError, ValueError, AttributeError):
                if data is None:  # never read: scanned again below, as files that are read
                    redo.extend(slots[key])
                else:
                    late.append((key, data, path))
        if meanwhile is not None:
            meanwhile(results)
        parsed = collect()
        if late:
            parsed += self._start(late, background=False)()
            work += late
        verdicts = self.judge([path for _, _, path in work]) if self.judge and work else None
        for number, ((key, data, _), facts) in enumerate(zip(work, parsed)):
            self.parsed += 1
            if verdicts is not None and verdicts[number] != "unknown":
                current = from_json(facts)
                if not same_verdict(current.syntax, verdicts[number]):
                    from routerlint.facts.scanner import rejudged  # libcst: only here

                    facts = to_json(rejudged(current, verdicts[number], data))
            if self.cache is not None and key not in self.stored:
                self.cache.put(key, facts)
            for index in slots[key]:
                results[index] = (from_json(facts) if memory is None or index == slots[key][0]
                                  else results[slots[key][0]])
            if memory is not None:
                memory.facts[(self.target, key)] = results[slots[key][0]]
        if redo:
            stamps, self.stamps = self.stamps, {}
            try:
                for index, facts in zip(redo, self.scan_many([sources[i] for i in redo])):
                    results[index] = facts
            finally:
                self.stamps = stamps
        return results  # type: ignore[return-value]

    def _by_stamp(self, path: str, slots: Dict[str, List[int]]
                  ) -> Tuple[Optional[str], Optional[bytes]]:
        """(content hash, its cache entry, or None when already in `slots`) for a file whose
        stamp still holds and whose facts are cached, which is then not read; else
        (None, None)."""
        stamp = self.stamps.get(path)
        if stamp is None or self.cache is None or not stat_unchanged(path, stamp):
            return None, None
        key = stamp[2]
        raw = None if key in slots else self.cache.read(key)
        if raw is None and key not in slots:
            return None, None
        self.files[path] = tuple(stamp)  # type: ignore[assignment]
        return key, raw

    def _workers(self, work: Work) -> int:
        if self.jobs is not None:
            return max(1, min(self.jobs, len(work)))
        if sum(len(data) for _, data, _ in work) < POOL_MIN_BYTES:
            return 1
        return max(1, min(os.cpu_count() or 1, len(work)))

    def _start(self, work: Work, background: bool) -> Callable[[], List[Any]]:
        """Start parsing `work` (in a forked child when `background` allows it and it pays);
        returns the call that waits for its JSON-ready facts."""
        from routerlint.facts.progress import Progress

        workers = self._workers(work) if work else 0
        if self.prefork is not None:  # forked early, importing LibCST: used once, or killed
            prefork, self.prefork = self.prefork, None
            if background and workers == 1 and self.jobs is None:
                collect = prefork.take(work, self.target,
                                       lambda: self._start(work, background=False)())
                if collect is not None:
                    return collect
            else:
                prefork.close()
        if background and workers == 1 and self.jobs is None and fork_helps():
            return self._forked(work)
        if workers > 1:
            return self._pool(work, workers, Progress(len(work), self.progress))

        def here() -> List[Any]:
            progress = Progress(len(work), self.progress and len(work) > 1)
            results = []
            try:
                with rare_gc():
                    for _, data, filename in work:
                        results.append(_parse(data, filename, self.target))
                        progress.update(len(results))
            finally:
                progress.close()
            return results

        return here

    def _forked(self, work: Work) -> Callable[[], List[Any]]:
        """One forked child parses `work` and writes its facts as JSON to a pipe (a bare fork:
        a pool's start-up and task queue cost ~35 ms, more than the parse of one file). If the
        child fails in any way, the work is parsed here instead."""
        import json

        read_end, write_end = os.pipe()

        def child() -> None:
            os.close(read_end)
            data = json.dumps(_parse_chunk([(d, f) for _, d, f in work], self.target))
            with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                pipe.write(data)

        pid = fork_child(child)
        os.close(write_end)
        return lambda: child_results(pid, read_end, len(work),
                                     lambda: self._start(work, background=False)())

    def _pool(self, work: Work, workers: int, progress) -> Callable[[], List[Any]]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if can_fork() else "spawn"
        if method == "fork" and workers > 1:
            import routerlint.facts.scanner  # noqa: F401  (libcst, inherited by every worker)
        chunks = _chunks(work, workers)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method),
                                   initializer=die_with_parent, initargs=(os.getpid(),))
        try:
            # With a judge (another Python's verdicts) the parent may rewrite the facts first.
            store = self.cache if self.judge is None else None
            pending = pool.map(_parse_and_store, chunks, [self.target] * len(chunks),
                               [store] * len(chunks))
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise

        def collect() -> List[Any]:
            by_path: Dict[str, Any] = {}
            try:
                for chunk, facts in zip(chunks, pending):
                    by_path.update(zip((filename for _, _, filename in chunk), facts))
                    if store is not None:
                        self.stored.update(key for key, _, _ in chunk)
                    progress.update(len(by_path))
            finally:
                pool.shutdown(cancel_futures=True)
                progress.close()
            return [by_path[filename] for _, _, filename in work]

        return collect


def child_results(pid: int, read_end: int, count: int,
                  fallback: Callable[[], List[Any]]) -> List[Any]:
    """The `count` JSON-ready facts a forked child wrote to `read_end` before exiting
    cleanly; if it failed in any way, `fallback()` (the work parsed here)."""
    import json

    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    try:
        if status == 0:
            results = json.loads(data)
            if isinstance(results, list) and len(results) == count:
                return results
    except ValueError:
        pass
    return fallback()


def _chunks(work: Work, workers: int) -> List[List[Tuple[str, bytes, str]]]:
    """Largest files first, in chunks of similar total size, several per worker: the small
    chunks at the end even out the workers' finishing times."""
    ordered = sorted(work, key=lambda item: len(item[1]), reverse=True)
    budget = max(1, sum(len(data) for _, data, _ in work) // (workers * 8))
    chunks: List[List[Tuple[str, bytes, str]]] = []
    current: List[Tuple[str, bytes, str]] = []
    filled = 0
    for key, data, filename in ordered:
        current.append((key, data, filename))
        filled += len(data)
        if filled >= budget:
            chunks.append(current)
            current, filled = [], 0
    if current:
        chunks.append(current)
    return chunks
