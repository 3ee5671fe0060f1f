"""GenerationGate: `concurrency` generations at a time, a bounded queue behind it.

An in-process model generates one answer at a time (concurrency 1). With an inference engine
(``generator_backend = openai``) the gate admits as many as the engine runs in parallel:
:func:`resolve_concurrency` takes ``generation_concurrency``, else the engine's reported slots,
else :data:`DEFAULT_ENGINE_SLOTS`.

Admission (:meth:`GenerationGate.enter`) is immediate: a request either gets a :class:`Ticket`
(running now or waiting in the queue) or a :class:`~qa.errors.BusyError` with a Retry-After
estimate. Waiting happens in the worker thread (:meth:`Ticket.wait`), so the event loop never blocks.
The HTTP API and the Gradio page share one gate, so the limit holds across both.
"""

from __future__ import annotations

import math
import threading
import time

from qa.errors import BusyError

#: Concurrent generations admitted for an engine that does not report its parallel slots
#: (vLLM, Ollama, llama-cpp-python's server): enough to keep a small engine busy; set
#: generation_concurrency to the engine's real capacity divided by the number of replicas.
DEFAULT_ENGINE_SLOTS = 4


def _slot_probe(generator):  # type: ignore[no-untyped-def]
    """The generator's ``engine_slots`` (through the evaluation's caching wrapper), None when it has none."""
    return getattr(getattr(generator, "inner", generator), "engine_slots", None)


def resolve_concurrency(settings, generator) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """(generations admitted at once, where the figure comes from)."""
    if settings.generator_backend != "openai":
        return 1, "in-process"  # one model instance in this process: it generates one answer at a time
    if settings.generation_concurrency > 0:
        return int(settings.generation_concurrency), "setting"
    probe = _slot_probe(generator)
    slots = probe() if probe is not None else None
    if slots:
        return int(slots), "engine"
    return DEFAULT_ENGINE_SLOTS, "default"


def follow_engine(gate: GenerationGate, generator, interval_s: float = 10.0,  # type: ignore[no-untyped-def]
                  attempts: int = 60) -> threading.Thread | None:
    """When the engine's slots were not known at start-up (a replica started before its engine, or
    an engine that came back with another ``-np``), ask again in the background and resize the gate
    to what the engine reports. None when the generator cannot report slots at all."""
    probe = _slot_probe(generator)
    if probe is None:
        return None

    def work() -> None:
        for _ in range(attempts):
            time.sleep(interval_s)
            slots = probe()
            if slots:
                gate.resize(int(slots))
                return

    thread = threading.Thread(target=work, name="qa-engine-slots", daemon=True)
    thread.start()
    return thread


class Ticket:
    """One admitted request: waits for the generator, then holds it until released."""

    def __init__(self, gate: GenerationGate) -> None:
        self._gate = gate
        self._state = "waiting"  # waiting | running | done
        self._started = 0.0
        self.queued_at = time.monotonic()

    @property
    def wait_ms(self) -> float:
        return ((self._started or time.monotonic()) - self.queued_at) * 1000

    def wait(self, cancel: threading.Event | None = None, poll_s: float = 0.05) -> bool:
        """Block until it is this request's turn (True), or until `cancel` is set (False)."""
        while True:
            if cancel is not None and cancel.is_set():
                self.release()
                return False
            if self._gate._sem.acquire(timeout=poll_s):
                self._gate._admitted(self)
                return True

    def release(self) -> None:
        """Leave the queue or free the generator (idempotent)."""
        self._gate._release(self)

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class GenerationGate:
    """A semaphore of `concurrency` slots and a waiting counter bounded by `queue_size`."""

    def __init__(self, queue_size: int, concurrency: int = 1, typical_seconds: float = 10.0) -> None:
        self.queue_size = max(0, int(queue_size))
        self.concurrency = max(1, int(concurrency))
        self._sem = threading.Semaphore(self.concurrency)
        self._lock = threading.Lock()
        self._waiting = 0
        self._running = 0
        self._avg_s = typical_seconds  # moving average of generation time, for Retry-After
        self._shrink = 0  # slots to retire as running generations end (after a resize down)

    # -- admission ---------------------------------------------------------
    def enter(self) -> Ticket:
        """A ticket (running or queued), or BusyError when the queue is full."""
        with self._lock:
            if self._waiting + self._running >= self.concurrency + self.queue_size:
                raise BusyError("系统繁忙，排队人数已满，请稍后重试 / the server is busy, please retry later",
                                retry_after=self._retry_after_locked())
            self._waiting += 1
        return Ticket(self)

    def _retry_after_locked(self) -> int:
        ahead = self._waiting + self._running
        return int(min(300, max(1, math.ceil(self._avg_s * ahead / self.concurrency))))

    def _admitted(self, ticket: Ticket) -> None:
        with self._lock:
            self._waiting -= 1
            self._running += 1
            ticket._state = "running"
            ticket._started = time.monotonic()

    def _release(self, ticket: Ticket) -> None:
        with self._lock:
            if ticket._state == "waiting":
                self._waiting -= 1
            elif ticket._state == "running":
                self._running -= 1
                took = time.monotonic() - ticket._started
                self._avg_s = 0.8 * self._avg_s + 0.2 * took
                if self._shrink > 0:
                    self._shrink -= 1  # the slot is retired instead of handed on
                else:
                    self._sem.release()
            ticket._state = "done"

    def resize(self, concurrency: int) -> None:
        """Admit ``concurrency`` generations at once from now on (running ones are not interrupted)."""
        with self._lock:
            new = max(1, int(concurrency))
            delta = new - self.concurrency
            self.concurrency = new
            if delta > 0:
                cancel = min(delta, self._shrink)
                self._shrink -= cancel
                for _ in range(delta - cancel):
                    self._sem.release()
            elif delta < 0:
                for _ in range(-delta):  # free slots are taken now, busy ones when they end
                    if self._sem.acquire(blocking=False):
                        continue
                    self._shrink += 1

    # -- introspection -----------------------------------------------------
    @property
    def waiting(self) -> int:
        return self._waiting

    @property
    def running(self) -> int:
        return self._running

    def retry_after(self) -> int:
        with self._lock:
            return self._retry_after_locked()

    def snapshot(self) -> dict:
        with self._lock:
            return {"running": self._running, "waiting": self._waiting,
                    "capacity": self.concurrency + self.queue_size, "queue_size": self.queue_size}
