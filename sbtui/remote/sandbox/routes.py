"""The ``/api/v1`` routes of the service contract (sbtui/remote/API.md); the fee declaration's
routers (``declarations``, ``projects``) are mounted at the end."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from sbtui.domain.models import (
    ChangesPage,
    Employee,
    EmployerInfo,
    EmployerRecord,
    Group,
    KeyOutcome,
    RegistryPage,
    Session,
    SessionInfo,
    UnitRegistration,
)

from . import auth, declarations, groups, projects, registry, wages
from .auth import PayWho, Who
from .db import public_registration, registrations
from .errors import ERRORS, ApiError
from .idempotency import IdemKey

router = APIRouter()
JSON = "application/json"


class LoginIn(BaseModel):
    uscc: str
    password: str
    username: str | None = None


class PasswordIn(BaseModel):
    old_password: str
    new_password: str


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    parent_id: str | None = None


class AssignIn(BaseModel):
    group_id: str | None


class RenameIn(BaseModel):
    name: str = Field(max_length=60)  # empty or blank: 400 bad_request (not 422)


class AssignmentIn(BaseModel):
    employee_id: str
    group_id: str | None


class AssignManyIn(BaseModel):
    assignments: list[AssignmentIn]  # at most 5000: more is 400 bad_request


class GroupDeleted(BaseModel):
    deleted: str
    ungrouped: int
    changed_on: str
    seqs: dict[str, int]  # each ungrouped employee's new seq


class GroupsAssigned(BaseModel):
    assigned: int  # employees whose group changed
    unchanged: int
    changed_on: str
    seqs: dict[str, int]  # each changed employee's new seq


def sandbox(request: Request):
    return request.app.state.sandbox


@router.get("/health")
async def health(request: Request) -> dict:
    sb = sandbox(request)
    return {"ok": True, "service": "sbtui-sandbox", "version": sb.version, "region": sb.region_id}


@router.get("/region")
async def region(request: Request) -> dict:
    return sandbox(request).region_profile()


@router.get("/employers/{uscc}", response_model=list[EmployerRecord], responses=ERRORS)
async def lookup_employer(uscc: str, request: Request):
    number = auth.normalise_uscc(uscc)
    row = sandbox(request).db.one("SELECT * FROM employers WHERE uscc = ?", (number,))
    if row is None:
        raise ApiError(404, "employer_not_found",
                       "未查询到该纳税人的社保费登记信息，请核实纳税人识别号。", {"uscc": number})
    return [{k: row[k] for k in ("uscc", "name", "tax_authority", "tax_branch", "status", "region")}]


@router.post("/auth/login", response_model=Session, responses=ERRORS)
async def login(body: LoginIn, request: Request):
    sb = sandbox(request)
    return auth.login(sb.db, body.uscc, body.password, body.username, sb.now())


@router.post("/auth/password", response_model=Session, responses=ERRORS)
async def change_password(body: PasswordIn, request: Request, who: PayWho, key: IdemKey = None):
    """Change the password of the session's principal: the declaration password for the
    administrator, the user's own password for a sub-user (SPEC U2)."""
    sb = sandbox(request)
    return await sb.keyed.run(
        request, who, key, body.model_dump(mode="json"),
        lambda conn: auth.change_password(conn, who, body.old_password, body.new_password,
                                          sb.now()))


@router.get("/session", response_model=SessionInfo, responses=ERRORS)
async def session(request: Request, who: PayWho):
    """Who the token speaks for (any role)."""
    sb = sandbox(request)
    row = sb.db.one("SELECT t.expires_at, e.name FROM tokens t JOIN employers e USING (uscc)"
                    " WHERE t.token = ?", (who.token,))
    return {"uscc": who.uscc, "name": row["name"], "role": who.role, "username": who.username,
            "must_change_password": who.must_change, "expires_at": row["expires_at"]}


@router.get("/employer", response_model=EmployerInfo, responses=ERRORS)
async def employer_info(request: Request, who: Who):
    """单位信息 (SPEC U2): the employer's tax registration and its unit registrations."""
    with sandbox(request).db.read() as conn:
        row = conn.execute("SELECT * FROM employers LEFT JOIN employer_details USING (uscc)"
                           " WHERE uscc = ?", (who.uscc,)).fetchone()
        regs = [public_registration(r) for r in registrations(conn, who.uscc)]
    info = {k: row[k] for k in ("uscc", "name", "tax_authority", "tax_branch", "status", "region")}
    details = {k: row[k] or "" for k in ("registration_type", "industry", "address")}
    return {**info, **details, "registrations": regs}


@router.get("/registrations", response_model=list[UnitRegistration], responses=ERRORS)
async def unit_registrations(request: Request, who: Who):
    with sandbox(request).db.read() as conn:
        return [public_registration(r) for r in registrations(conn, who.uscc)]


@router.get("/registry/employees", response_model=RegistryPage, responses=ERRORS)
async def employees_page(request: Request, who: Who, after: str | None = None,
                         limit: Annotated[int, Query(ge=1, le=5000)] = 2000):
    wages.catch_up(sandbox(request), who.uscc)  # due wage feedback lands before the read
    content = registry.employees_page(sandbox(request).db, who.uscc, after, limit)
    return Response(content, media_type=JSON)


@router.get("/registry/changes", response_model=ChangesPage, responses=ERRORS)
async def changes_page(request: Request, who: Who, since: Annotated[int, Query(ge=0)],
                       limit: Annotated[int, Query(ge=1, le=5000)] = 2000):
    wages.catch_up(sandbox(request), who.uscc)
    content = registry.changes_page(sandbox(request).db, who.uscc, since, limit)
    return Response(content, media_type=JSON)


@router.get("/employees/{employee_id}", response_model=Employee, responses=ERRORS)
async def one_employee(employee_id: str, request: Request, who: Who):
    wages.catch_up(sandbox(request), who.uscc)
    return registry.employee(sandbox(request).db, who.uscc, employee_id)


@router.get("/groups", response_model=list[Group], responses=ERRORS)
async def list_groups(request: Request, who: Who):
    return groups.groups(sandbox(request).db, who.uscc)


@router.post("/groups", response_model=Group, responses=ERRORS)
async def create_group(body: GroupIn, request: Request, who: Who, key: IdemKey = None):
    return await sandbox(request).keyed.run(
        request, who, key, body.model_dump(mode="json"),
        lambda conn: groups.create_group(conn, who.uscc, body.name, body.parent_id))


# The fixed paths come before the templated ones (and a segment never matches "/"), so
# "/groups/{group_id}" cannot take ".../delete" and "/employees/{id}…" cannot take
# "/employees/group-assignments".
@router.post("/groups/{group_id}/delete", response_model=GroupDeleted, responses=ERRORS)
async def delete_group(group_id: str, request: Request, who: Who, key: IdemKey = None):
    sb = sandbox(request)
    return await sb.keyed.run(
        request, who, key, None,
        lambda conn: groups.delete_group(conn, who.uscc, group_id, sb.today()))


@router.post("/groups/{group_id}", response_model=Group, responses=ERRORS)
async def rename_group(group_id: str, body: RenameIn, request: Request, who: Who,
                       key: IdemKey = None):
    return await sandbox(request).keyed.run(
        request, who, key, body.model_dump(mode="json"),
        lambda conn: groups.rename_group(conn, who.uscc, group_id, body.name))


@router.post("/employees/group-assignments", response_model=GroupsAssigned, responses=ERRORS)
async def assign_groups(body: AssignManyIn, request: Request, who: Who, key: IdemKey = None):
    sb = sandbox(request)
    pairs = [(a.employee_id, a.group_id) for a in body.assignments]
    return await sb.keyed.run(
        request, who, key, {"assignments": [{"employee_id": e, "group_id": g} for e, g in pairs]},
        lambda conn: groups.assign_many(conn, who.uscc, pairs, sb.today()))


@router.post("/employees/{employee_id}/group", response_model=Employee, responses=ERRORS)
async def assign_group(employee_id: str, body: AssignIn, request: Request, who: Who,
                       key: IdemKey = None):
    sb = sandbox(request)
    return await sb.keyed.run(
        request, who, key, body.model_dump(mode="json"),
        lambda conn: groups.assign_group(conn, who.uscc, employee_id, body.group_id, sb.today()))


@router.get("/idempotency/{key}", response_model=KeyOutcome, responses=ERRORS)
async def key_outcome(key: str, request: Request, who: Who):
    return sandbox(request).keyed.outcome(who, key)


router.include_router(declarations.router)
router.include_router(projects.router)
