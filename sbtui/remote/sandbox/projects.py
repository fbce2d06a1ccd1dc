"""Construction projects' work-injury insurance (SPEC D10, manual 000 §3.3): look a project
up by its ID, link it to the employer (承建单位参保关联登记), list the linked ones. Only a linked
project's dues (``project_dues``) appear in ``GET /dues`` (source ``project``).

The agency's registrations are the ``projects`` fixture (per employer); a link is a row of
``project_links``.
"""
from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from sbtui.domain.models import Project

from .auth import Who
from .db import dumps, iso
from .errors import ERRORS, ApiError
from .idempotency import IdemKey

router = APIRouter(responses=ERRORS)
JSON = "application/json"

NOT_FOUND = "未查询到该工程项目参保登记信息"
ALREADY_LINKED = "该工程项目已关联"

_SELECT = ("SELECT p.*, l.tax_authority AS link_authority, l.tax_branch AS link_branch,"
           " l.linked_at FROM projects p LEFT JOIN project_links l ON l.uscc = p.uscc"
           " AND l.project_id = p.project_id WHERE p.uscc = ?")


class LinkIn(BaseModel):
    project_id: str = Field(min_length=1, max_length=40)
    tax_authority: str = Field(min_length=1, max_length=100)  # 主管税务机关
    tax_branch: str = Field(min_length=1, max_length=100)  # 主管税务所（科、分局）


def project(row: sqlite3.Row) -> dict:
    """A ``Project`` dict of a ``projects`` row joined with its link."""
    return {"project_id": row["project_id"], "name": row["name"],
            "contract_number": row["contract_number"], "agency": row["agency"],
            "unit_number": row["unit_number"], "region": row["region"], "contact": row["contact"],
            "address": "", "start_date": row["start_date"], "end_date": row["end_date"],
            "rate": row["rate"], "total_cost": row["total_cost"],
            "contract_amount": row["contract_amount"], "linked": row["linked_at"] is not None,
            "tax_authority": row["link_authority"], "tax_branch": row["link_branch"],
            "linked_at": row["linked_at"]}


def lookup(conn: sqlite3.Connection, uscc: str, project_id: str) -> dict:
    row = conn.execute(_SELECT + " AND p.project_id = ?", (uscc, project_id.strip())).fetchone()
    if row is None:
        raise ApiError(404, "not_found", NOT_FOUND, {"project_id": project_id})
    return project(row)


def linked(conn: sqlite3.Connection, uscc: str) -> list[dict]:
    rows = conn.execute(_SELECT + " AND l.linked_at IS NOT NULL ORDER BY l.linked_at, p.project_id",
                        (uscc,))
    return [project(r) for r in rows]


def link(conn: sqlite3.Connection, uscc: str, body: dict, at: str):
    """The keyed mutation behind ``POST /projects/links``."""
    found = lookup(conn, uscc, body["project_id"])
    if found["linked"]:
        raise ApiError(400, "already_linked", ALREADY_LINKED, {"project_id": found["project_id"]})
    conn.execute("INSERT INTO project_links VALUES (?, ?, ?, ?, ?)",
                 (uscc, found["project_id"], body["tax_authority"].strip(),
                  body["tax_branch"].strip(), at))
    return 200, lookup(conn, uscc, found["project_id"]), [("project.link", found["project_id"])]


def _sandbox(request: Request):
    return request.app.state.sandbox


@router.get("/projects", response_model=list[Project])
async def linked_projects(request: Request, who: Who):
    """The construction projects linked to this employer (SPEC D10)."""
    with _sandbox(request).db.read() as conn:
        return Response(dumps(linked(conn, who.uscc)), media_type=JSON)


@router.get("/projects/lookup/{project_id}", response_model=Project)
async def lookup_project(project_id: str, request: Request, who: Who):
    """A project's work-injury registration by its ID, linked or not."""
    with _sandbox(request).db.read() as conn:
        return Response(dumps(lookup(conn, who.uscc, project_id)), media_type=JSON)


@router.post("/projects/links", response_model=Project)
async def link_project(body: LinkIn, request: Request, who: Who, key: IdemKey = None):
    """Link a project to this employer with the chosen tax authority and branch (确认关联)."""
    sb = _sandbox(request)
    data = body.model_dump(mode="json")
    return await sb.keyed.run(request, who, key, data,
                              lambda conn: link(conn, who.uscc, data, iso(sb.now())))
