"""The sandbox tax-side service: a FastAPI app with its own SQLite database that implements
the contract in ``sbtui/remote/API.md``.

Public surface: :func:`create_app`, :func:`info`, :func:`serve`, :data:`DEMO_USCC`.
"""
from __future__ import annotations

from .seed import DEMO_USCC, SECOND_USCC
from .service import create_app, info, serve

__all__ = ["DEMO_USCC", "SECOND_USCC", "create_app", "info", "serve"]
