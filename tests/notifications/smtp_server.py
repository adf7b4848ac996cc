"""A small SMTP server on 127.0.0.1 in a thread, for fault injection.

Hand-written (a few commands of RFC 5321, no extensions) rather than a
dependency: it must misbehave on purpose, e.g. store a message and then
answer its final "250" only after the client's timeout.
"""

import contextlib
import socket
import threading
import time


class SMTPSink:
    """Accepts every sender and recipient and stores each message's bytes.

    `final_reply_delay` holds back the final reply after the message's last
    line: the message is already stored, as a real server that is slow to
    answer has it. `final_reply` can refuse the message instead (e.g. 451).
    """

    def __init__(
        self, *, port: int = 0, final_reply_delay: float = 0.0, final_reply: bytes = b"250 OK"
    ) -> None:
        self.final_reply_delay = final_reply_delay
        self.final_reply = final_reply
        self.messages: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self._session, args=(connection,), daemon=True).start()

    def _session(self, connection: socket.socket) -> None:
        # OSError: the client gave up (its timeout) or went away.
        with connection, connection.makefile("rb") as lines, contextlib.suppress(OSError):
            self._converse(connection, lines)

    def _converse(self, connection: socket.socket, lines) -> None:
        connection.sendall(b"220 sink.test ESMTP\r\n")
        for line in lines:
            verb = line[:4].upper()
            if verb == b"QUIT":
                connection.sendall(b"221 Bye\r\n")
                return
            if verb == b"DATA":
                connection.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                message = self._read_message(lines)
                if self.final_reply.startswith(b"2"):
                    self.messages.append(message)  # stored before the reply goes out
                time.sleep(self.final_reply_delay)
                connection.sendall(self.final_reply + b"\r\n")
            elif verb in (b"EHLO", b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                connection.sendall(b"250 OK\r\n")
            else:
                connection.sendall(b"502 Command not implemented\r\n")

    @staticmethod
    def _read_message(lines) -> bytes:
        body = []
        for line in lines:
            if line == b".\r\n":
                break
            body.append(line[1:] if line.startswith(b".") else line)  # dot-stuffing
        return b"".join(body)


def free_port() -> int:
    """A port nothing listens on (yet): connecting to it is refused."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]
