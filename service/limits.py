"""Request-body limits, enforced while the body streams in (before it is parsed): a size limit
(uploads may be large, JSON bodies may not), and a time limit between two chunks so a client that
trickles its body cannot hold a connection and a worker thread forever."""

from __future__ import annotations

import asyncio
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body: int, max_json_body: int, chunk_timeout_s: float):
        self.app = app
        self.max_body, self.max_json_body, self.chunk_timeout_s = max_body, max_json_body, chunk_timeout_s

    @staticmethod
    async def _reject(send: Send, limit: int) -> None:
        body = json.dumps({"error": {"code": "payload_too_large", "message": f"request body exceeds {limit} bytes",
                                     "field": None, "limit": limit}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    def _limit(self, scope: Scope) -> int:
        for k, v in scope.get("headers", []):
            if k == b"content-type" and v.split(b";")[0].strip().lower() == b"multipart/form-data":
                return self.max_body
        return self.max_json_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    if int(v) > limit:
                        await self._reject(send, limit)
                        return
                except ValueError:
                    pass
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            try:
                msg = await asyncio.wait_for(receive(), self.chunk_timeout_s)
            except asyncio.TimeoutError:
                raise HTTPException(408, f"no part of the request body arrived for {self.chunk_timeout_s:g} s") from None
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    # FastAPI re-raises HTTPException from body parsing; the handler answers 413
                    raise HTTPException(413, f"request body exceeds {limit} bytes")
            return msg

        await self.app(scope, limited, send)
