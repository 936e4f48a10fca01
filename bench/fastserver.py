"""A static server for benchmarks: every file of a folder held in memory, served over
HTTP/1.1 keep-alive by asyncio, in a separate process.

``python -m bench.fastserver DIR`` prints ``serving DIR at http://127.0.0.1:PORT/`` like
``crawler.demo.server``, so :class:`FastServer` mirrors :class:`SiteServer`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from pathlib import Path

from crawler.demo.server import ServerProcess


def load(folder: Path) -> dict[str, tuple[bytes, str]]:
    """URL path -> (body, content type); ``/dir/`` also serves ``/dir/index.html``."""
    files: dict[str, tuple[bytes, str]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            url = "/" + path.relative_to(folder).as_posix()
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            files[url] = (path.read_bytes(), kind)
            if path.name == "index.html":
                files[url.removesuffix("index.html")] = files[url]
    return files


def response(files: dict[str, tuple[bytes, str]], target: str) -> bytes:
    found = files.get(target.split("?", 1)[0])
    status, (body, kind) = ("200 OK", found) if found else ("404 Not Found", (b"", "text/plain"))
    head = f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


async def serve(folder: Path) -> None:
    files = load(folder)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request := await reader.readuntil(b"\r\n\r\n"):
                target = request.split(b" ", 2)[1].decode("latin-1")
                writer.write(response(files, target))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"serving {folder} at http://127.0.0.1:{port}/", flush=True)
    async with server:
        await server.serve_forever()


class FastServer(ServerProcess):
    """Run the in-memory server in a subprocess; ``url`` is its origin."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        super().__init__([sys.executable, "-m", "bench.fastserver", str(directory)])


if __name__ == "__main__":
    try:
        asyncio.run(serve(Path(sys.argv[1])))
    except KeyboardInterrupt:
        pass
