"""Run one `service.ask_stream` behind the gate in a worker thread, consumed sync or async.

The worker thread waits for its turn at the gate, generates, and always releases the gate. The
consumer (an async endpoint or the Gradio page) reads events from a queue; when it goes away
(client disconnect, stop button, closed generator) it sets `cancel`, which stops the generation.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any

from qa.api.gate import Ticket
from qa.types import StreamEvent, Turn

QUEUED_STATUS = "排队等待中…"

_Item = tuple[str, Any]  # ("event", StreamEvent) | ("error", BaseException) | ("done", None)


def _unpack(item: _Item) -> StreamEvent | None:
    """The event an item carries; raises the worker's error; None once the run is done."""
    kind, value = item
    if kind == "event":
        return value
    if kind == "error":
        raise value
    return None


class GenerationRun:
    """One question answered in a worker thread; iterate with :meth:`events` or :meth:`aevents`."""

    def __init__(self, service: Any, ticket: Ticket, question: str, history: Sequence[Turn] = (),
                 doc_ids: Sequence[str] | None = None) -> None:
        self.service = service
        self.ticket = ticket
        self.question = question
        self.history = list(history)
        self.doc_ids = list(doc_ids) if doc_ids else None
        self.cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self._items: queue.Queue[_Item] = queue.Queue()
        self._waker: Callable[[], None] | None = None

    def _put(self, item: _Item) -> None:
        self._items.put(item)
        waker = self._waker
        if waker is not None:
            waker()

    def _work(self) -> None:
        try:
            gate = self.ticket._gate
            if gate.running >= gate.concurrency:
                self._put(("event", StreamEvent("status", QUEUED_STATUS)))
            if not self.ticket.wait(self.cancel):
                return
            retriever = getattr(self.service, "retriever", None)
            pin = retriever.pinned() if hasattr(retriever, "pinned") else contextlib.nullcontext()
            with pin:  # one index version for the whole answer, even if the index is switched meanwhile
                for event in self.service.ask_stream(self.question, self.history, self.doc_ids, cancel=self.cancel):
                    self._put(("event", event))
        except BaseException as exc:  # delivered to the consumer, which decides how to show it
            self._put(("error", exc))
        finally:
            self.ticket.release()
            self._put(("done", None))

    def start(self) -> GenerationRun:
        """Start the worker now (idempotent). Started runs always end and release the gate, even
        if no consumer ever reads them."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="qa-generate", daemon=True)
            self._thread.start()
        return self

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    # -- consumers ---------------------------------------------------------
    def events(self) -> Iterator[StreamEvent]:
        """Blocking iterator (for the Gradio page). Raises the worker's error. Closing it cancels."""
        self.start()
        try:
            while True:
                event = _unpack(self._items.get())
                if event is None:
                    return
                yield event
        finally:
            self.cancel.set()

    async def aevents(self, disconnected: Callable[[], Awaitable[bool]] | None = None,
                      poll_s: float = 0.25) -> AsyncIterator[StreamEvent | None]:
        """Async iterator (for endpoints). Yields None every `poll_s` of silence (for heartbeats);
        stops and cancels the generation when `disconnected()` turns true or the consumer stops."""
        loop = asyncio.get_running_loop()
        ready = asyncio.Event()

        def wake() -> None:
            try:
                loop.call_soon_threadsafe(ready.set)
            except RuntimeError:  # the loop has closed: nobody is listening any more
                self.cancel.set()

        self._waker = wake
        self.start()
        last_check = loop.time()
        try:
            while True:
                if disconnected is not None and loop.time() - last_check >= poll_s:
                    last_check = loop.time()
                    if await disconnected():
                        return
                ready.clear()
                try:
                    item = self._items.get_nowait()
                except queue.Empty:
                    try:
                        await asyncio.wait_for(ready.wait(), timeout=poll_s)
                    except TimeoutError:
                        yield None
                    continue
                event = _unpack(item)
                if event is None:
                    return
                yield event
        finally:
            self._waker = None
            self.cancel.set()
