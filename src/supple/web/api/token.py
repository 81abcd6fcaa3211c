"""The anti-forgery token for scripts: player.js asks here before replaying its offline outbox,
so events saved hours ago still post with a token that is valid now."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from supple.web.csrf import HEADER, token_for

router = APIRouter(prefix="/csrf-token", tags=["security"])


class Token(BaseModel):
    token: str
    header: str


@router.get("", response_model=Token)
def get_token(request: Request) -> Token:
    """The token to send as the ``X-CSRF-Token`` header with every write (its cookie is set
    with this answer when new)."""
    return Token(token=token_for(request.scope), header=HEADER)
