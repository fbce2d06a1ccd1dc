"""单位三方协议管理 (SPEC A1; issue 12): the employer's three-party agreements (tax authority,
bank, employer) that 三方协议缴费 debits through.

:class:`AgreementsService` (``ws.employer(uscc).agreements``): the agreements as last synced
(offline), add / modify / verify / void / revoke queued in the outbox (each returns its
idempotency key; :meth:`feedback` sends them and reads the verifications due — 验证中 until
the bank answers, then 验证通过 or 验证失败 with the reason), the defaults of a new agreement
(the employer's tax authority and region) and the reference lists for the type-ahead search.
At most one 费批扣 agreement (the official rule, checked here and by the service).

No Textual.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sbtui.domain import pay as rules
from sbtui.domain.pay import AgreementForm, PaymentError
from sbtui.domain.vocab import AgreementStatus
from sbtui.remote.errors import OfflineError
from sbtui.services.payments import _employer_local, _employer_record
from sbtui.store import agreements as parts
from sbtui.sync.payments import fetch_agreement_feedback, pull_agreements
from sbtui.sync.progress import Refusal, SyncResult
from sbtui.sync.push import push

if TYPE_CHECKING:
    from sbtui.services.area import Area

__all__ = ["AgreementFeedback", "AgreementForm", "AgreementsService", "PaymentError"]

NOT_SENT = "该协议尚未发送到税务端，请先同步（sbtui sync）后再操作"
UNKNOWN = "三方协议{id}不存在"
ENDED = "协议已终止，不能进行此操作"
VERIFYING = "协议正在验证中，请稍后获取验证结果"
ALREADY = "协议已验证通过"
REVOKE_ONLY_VERIFIED = "只有验证通过的协议可以撤销"


@dataclass(frozen=True)
class AgreementFeedback:
    """What :meth:`AgreementsService.feedback` did: the agreements whose verification was
    decided now (rows as :meth:`AgreementsService.agreement` gives them), the changes the
    service refused (with its reasons) and when the next verification is due."""

    settled: list[dict[str, Any]]
    refusals: list[Refusal]
    next_verify_at: str | None


class AgreementsService:
    """单位三方协议管理 (SPEC A1)."""

    def __init__(self, area: Area) -> None:
        self.area = area
        self.store = area.store

    # -- reading (local) -----------------------------------------------------------------------

    def agreements(self) -> list[dict[str, Any]]:
        """Every agreement as last synced, and those added or changed here and not sent yet:
        the Agreement fields (``id``, ``batch``, ``tax_authority``, ``region``, ``bank``,
        ``branch``, ``account_name``, ``account``, ``status``, ``reason`` …) + ``pending``
        (a change still to send), ``local_id``, ``message`` (why the last change was refused)."""
        return self.store.agreements.rows()

    def agreement(self, ident: str) -> dict[str, Any] | None:
        """One agreement by the service's id or the local one."""
        return self.store.agreements.row(ident)

    def verified(self) -> list[dict[str, Any]]:
        """The agreements a payment may use: 验证通过, no change waiting."""
        return [r for r in self.agreements() if r["status"] == AgreementStatus.VERIFIED and not r["pending"]]

    def by_key(self, key: str) -> dict[str, Any] | None:
        """The agreement an outbox item (a key :meth:`add` … returned) is about."""
        item = self.store.outbox.get(key)
        return self.store.agreements.row(item.entity.partition(":")[2]) if item is not None else None

    def result(self, key: str) -> tuple[str, str | None]:
        """The state of the outbox item ``key`` (queued / sent / confirmed / refused) and the
        service's reason when refused."""
        item = self.store.outbox.get(key)
        if item is None:
            return "unknown", None
        if item.state == "refused":
            return item.state, self.store.outbox.refusal(item.entity) or item.last_error
        return item.state, None

    # -- the service ---------------------------------------------------------------------------

    async def refresh(self) -> int:
        """The service's agreements into the store (reading them answers the verifications
        due); returns how many. Also keeps the employer's registration (the defaults)."""
        count = await pull_agreements(self.store, self.area.remote())
        await _employer_record(self.area)
        return count

    async def feedback(self, *, wait: bool = False, timeout: float = 60.0) -> AgreementFeedback:
        """发送 and 获取验证结果: send what the outbox holds, then read the verifications
        whose time has come (every one 验证中, polling, with ``wait``). OfflineError when the
        service cannot be reached (everything stays queued)."""
        store, service = self.store, self.area.remote()
        result = SyncResult()
        if store.outbox.next_pending() is not None:
            if not await push(store, service, result, progress=lambda event: None):
                raise OfflineError(result.error or "无法连接服务")
        ids = await fetch_agreement_feedback(store, service, wait=wait, timeout=timeout)
        settled = [r for i in dict.fromkeys(ids) if (r := store.agreements.row(i)) is not None]
        waiting = [at for _i, at in store.agreements.awaiting() if at]
        refusals = [r for r in result.refusals if r.kind.startswith("agreement.")]
        return AgreementFeedback(settled, refusals, min(waiting) if waiting else None)

    # -- changes (outbox; each returns its key) ------------------------------------------------

    def add(self, form: AgreementForm | Mapping[str, Any]) -> str:
        """新增: queue ``agreement.add`` (未验证 until verified); ``tax_authority`` and
        ``region`` default to the employer's. PaymentError for a blank or bad field, or a
        second 费批扣 agreement."""
        clean = self._form(form)
        self._one_batch(clean, None)
        key, _local = self.store.agreements.add_queue(clean.body())
        return key

    def modify(self, ident: str, form: AgreementForm | Mapping[str, Any]) -> str:
        """修改: queue ``agreement.modify``; the agreement goes back to 未验证."""
        row = self._service_row(ident)
        if row["status"] == AgreementStatus.ENDED:
            raise PaymentError(ENDED)
        clean = self._form(form)
        self._one_batch(clean, row["id"])
        return self.store.agreements.change_queue(parts.MODIFY, row["id"], clean.body())

    def verify(self, ident: str) -> str:
        """验证: queue ``agreement.verify`` (验证中 until the bank answers: :meth:`feedback`)."""
        row = self._service_row(ident)
        if row["status"] == AgreementStatus.ENDED:
            raise PaymentError(ENDED)
        if row["status"] == AgreementStatus.VERIFYING:
            raise PaymentError(VERIFYING)
        if row["status"] == AgreementStatus.VERIFIED:
            raise PaymentError(ALREADY)
        return self.store.agreements.change_queue(parts.VERIFY, row["id"])

    def void(self, ident: str) -> str:
        """作废: queue ``agreement.void`` (→ 协议终止)."""
        row = self._service_row(ident)
        if row["status"] == AgreementStatus.ENDED:
            raise PaymentError(ENDED)
        return self.store.agreements.change_queue(parts.VOID, row["id"])

    def revoke(self, ident: str) -> str:
        """撤销: queue ``agreement.revoke`` of a verified agreement (→ 协议终止)."""
        row = self._service_row(ident)
        if row["status"] != AgreementStatus.VERIFIED:
            raise PaymentError(REVOKE_ONLY_VERIFIED)
        return self.store.agreements.change_queue(parts.REVOKE, row["id"])

    def _service_row(self, ident: str) -> dict[str, Any]:
        row = self.store.agreements.row(ident)
        if row is None:
            raise PaymentError(UNKNOWN.format(id=ident))
        if row.get("local_id") == row["id"]:
            raise PaymentError(NOT_SENT)
        return row

    def _form(self, form: AgreementForm | Mapping[str, Any]) -> AgreementForm:
        given = AgreementForm.of(form)
        base = self.defaults()
        values = {**given.__dict__}
        for name in ("tax_authority", "region"):
            if not str(values.get(name) or "").strip():
                values[name] = base[name]
        return rules.clean_form(AgreementForm(**values))

    def _one_batch(self, form: AgreementForm, ident: str | None) -> None:
        if not form.batch:
            return
        for r in self.agreements():
            if r["batch"] and r["id"] != ident and r["status"] != AgreementStatus.ENDED:
                raise PaymentError(rules.ONE_BATCH)

    # -- defaults and reference lists ------------------------------------------------------------

    def defaults(self) -> dict[str, str]:
        """A new agreement's defaults: the employer's 所属税务机关 (as registered; known once
        read from the service) and its 行政区划 (code and name)."""
        record = _employer_local(self.area)
        code, name = _region_of_authority(record.tax_authority) or _region_of(record.region)
        return {"tax_authority": record.tax_authority, "region": code, "region_name": name}

    def regions(self, query: str = "") -> list[Any]:
        """行政区划 (GB/T 2260) matching ``query`` (code or name, substring)."""
        ref = _reference()
        return list(ref.regions(query)) if ref is not None else []

    def banks(self) -> list[Any]:
        """银行行别."""
        ref = _reference()
        return list(ref.banks()) if ref is not None else []

    def branches(self, bank: str, query: str = "") -> list[Any]:
        """开户网点 of ``bank`` matching ``query``."""
        ref = _reference()
        return list(ref.branches(bank, query)) if ref is not None else []


def _reference() -> Any:
    try:
        from sbtui.domain import reference
    except ImportError:  # the reference lists are not installed yet
        return None
    return reference


def _region_of_authority(authority: str) -> tuple[str, str] | None:
    """The 行政区划 a tax authority is named after (国家税务总局鄂尔多斯市康巴什区税务局 →
    150603 康巴什区), the most specific match; None when the lists do not know it."""
    ref = _reference()
    place = (authority or "").removeprefix("国家税务总局").removesuffix("税务局").strip()
    if ref is None or not place:
        return None
    found = ref.regions(place)
    if not found:
        return None
    best = max(found, key=lambda r: (not r.code.endswith("0000"), not r.code.endswith("00"), r.code))
    return best.code, best.name


def _region_of(profile: str) -> tuple[str, str]:
    """The GB/T 2260 code and name of a region profile id (the employer's province)."""
    from sbtui.domain.region import RegionNotFound, load_region

    try:
        region = load_region(profile or "nm")
    except (RegionNotFound, KeyError, ValueError):
        return "", ""
    return region.province_code.ljust(6, "0"), region.name
