"""A controllable SMTP sink for the fault tests, on aiosmtpd.

It runs in a thread of the test process (`SMTPSink().start()`) or as a process of its own
(`python -m tests.faults.smtp --mode accept --record FILE`, which prints the port it
chose and appends each message to FILE as a JSON line). It records every message it
accepts with its envelope recipients and its Message-ID, and behaves as told:

- ``accept``: a normal server;
- ``refuse``: nothing listens on the port, so connections are refused;
- ``hang``: the TCP connection is accepted and never answered, not even with a greeting;
- ``slow``: every reply waits ``reply_delay`` seconds;
- ``refuse_n``: the next ``refusals`` connections get "421 try again later" and are closed,
  then the server accepts.

``data_delay`` (any mode that accepts) makes the server wait after the end of DATA: the
message is kept first and "250 OK" follows, as a real mail server commits a message to
its queue before it answers. A client that dies in between has had its message delivered
without knowing it.
"""

import argparse
import asyncio
import collections
import contextlib
import email
import json
import logging
import sys
import threading
import time

from aiosmtpd.smtp import SMTP

# aiosmtpd logs every command at INFO; the tests read what arrived, not the conversation.
logging.getLogger("mail.log").setLevel(logging.WARNING)

MODES = ("accept", "refuse", "hang", "slow", "refuse_n")


class _Protocol(SMTP):
    def __init__(self, sink, handler):
        super().__init__(handler, hostname="sink.faults.test", ident="fault sink", timeout=60)
        self._sink = sink

    async def _handle_client(self):
        sink = self._sink
        with sink._lock:
            sink.connections += 1
            mode = sink.mode
            refuse = mode == "refuse_n" and sink.refusals > 0
            if refuse:
                sink.refusals -= 1
                sink.refused += 1
        if mode == "hang":
            await asyncio.Event().wait()  # until the client gives up and disconnects
            return
        if refuse:
            self._writer.write(b"421 4.3.2 Service not available, try again later\r\n")
            with contextlib.suppress(ConnectionError):
                await self._writer.drain()
            self.transport.close()
            return
        await super()._handle_client()

    async def push(self, status):
        if self._sink.mode == "slow" and self._sink.reply_delay:
            await asyncio.sleep(self._sink.reply_delay)
        await super().push(status)


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        parsed = email.message_from_bytes(content)
        body = ""
        for part in parsed.walk():
            if part.get_content_type() == "text/plain":
                body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
                break
        record = {
            "recipients": list(envelope.rcpt_tos),
            "sender": envelope.mail_from,
            "message_id": parsed.get("Message-ID", ""),
            "subject": parsed.get("Subject", ""),
            "body": body,
            "at": time.time(),
        }
        self.sink._record(record)
        if self.sink.data_delay:
            await asyncio.sleep(self.sink.data_delay)
        return "250 Message accepted for delivery"


class SMTPSink:
    """The sink. `port` is chosen by the OS at start and kept across mode changes."""

    def __init__(self, mode="accept", *, refusals=0, reply_delay=0.0, data_delay=0.0, record=None):
        assert mode in MODES, mode
        self.mode = mode
        self.refusals = refusals
        self.reply_delay = reply_delay
        self.data_delay = data_delay
        self.record_path = record
        self.host = "127.0.0.1"
        self.port = None
        self.messages = []
        self.connections = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._loop = None
        self._server = None
        self._thread = None

    # Control ---------------------------------------------------------------------------

    def start(self):
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run():
            asyncio.set_event_loop(self._loop)
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="smtp-sink", daemon=True)
        self._thread.start()
        ready.wait(5)
        if self.mode != "refuse":
            self._call(self._listen())
        else:  # a port nobody listens on: reserve one, then let it go
            self._call(self._listen())
            self._call(self._close())
        return self

    def stop(self):
        if self._loop is None:
            return
        with contextlib.suppress(Exception):
            self._call(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop = None

    def set_mode(self, mode, *, refusals=None, reply_delay=None, data_delay=None):
        assert mode in MODES, mode
        with self._lock:
            if refusals is not None:
                self.refusals = refusals
            if reply_delay is not None:
                self.reply_delay = reply_delay
            if data_delay is not None:
                self.data_delay = data_delay
            previous, self.mode = self.mode, mode
        if mode == "refuse" and previous != "refuse":
            self._call(self._close())
        elif mode != "refuse" and previous == "refuse":
            self._call(self._listen())

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return f"smtp://{self.host}:{self.port}"

    # What arrived ----------------------------------------------------------------------

    def _record(self, record):
        with self._lock:
            self.messages.append(record)
        if self.record_path:
            with open(self.record_path, "a") as file:
                file.write(json.dumps(record) + "\n")

    def received(self):
        with self._lock:
            return list(self.messages)

    def count(self):
        with self._lock:
            return len(self.messages)

    def per_recipient(self):
        """recipient -> list of Message-IDs received, one entry per delivery."""
        result = collections.defaultdict(list)
        for message in self.received():
            for recipient in message["recipients"]:
                result[recipient].append(message["message_id"])
        return dict(result)

    def wait_for(self, count, timeout):
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.count() >= count

    # The event loop's side -------------------------------------------------------------

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    async def _listen(self):
        handler = _Handler(self)
        self._server = await self._loop.create_server(
            lambda: _Protocol(self, handler),
            host=self.host,
            port=self.port or 0,
            reuse_address=True,
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self):
        if self._server is not None:
            # Not wait_closed(): from Python 3.12 it also waits for open connections, and
            # a hanging one never ends by itself.
            self._server.close()
            self._server = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=MODES, default="accept")
    parser.add_argument("--refusals", type=int, default=0)
    parser.add_argument("--reply-delay", type=float, default=0.0)
    parser.add_argument("--data-delay", type=float, default=0.0)
    parser.add_argument("--record", help="append each message to this file as a JSON line")
    options = parser.parse_args(argv)
    sink = SMTPSink(
        options.mode,
        refusals=options.refusals,
        reply_delay=options.reply_delay,
        data_delay=options.data_delay,
        record=options.record,
    ).start()
    print(f"PORT {sink.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
