"""The shared vocabulary (STYLE "One word, one meaning"): every enum member has one Chinese label,
the word enums keep the stored text, and the models' Literal types say the same."""
from __future__ import annotations

import inspect
import re
import typing
from enum import StrEnum

import pytest

from sbtui.domain import models, vocab
from sbtui.domain.vocab import (EVERYONE, LABELS, OUTBOX_PENDING, OUTBOX_PENDING_LABEL, STAFF, DueStatus,
                                OutboxState, Role, label, labels)

ENUMS = [e for _, e in inspect.getmembers(vocab, inspect.isclass)
         if issubclass(e, StrEnum) and e is not StrEnum]
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_enum_is_listed_as_words_or_codes():
    assert set(ENUMS) == set(vocab.WORDS) | set(vocab.CODES)


@pytest.mark.parametrize("member", [m for e in ENUMS for m in e], ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_the_label_table_covers_every_member(member):
    text = label(member)
    assert text and HAN.search(text), member
    if HAN.search(member.value):
        assert text == member.value  # a word enum: the stored text is the label
    else:
        assert member.value in LABELS[type(member)]  # a code: labelled in the one table


def test_no_label_for_what_is_not_a_member():
    for kind, table in LABELS.items():
        assert set(table) <= {m.value for m in kind}, kind


@pytest.mark.parametrize("kind", ENUMS, ids=lambda e: e.__name__)
def test_one_word_one_meaning_within_an_enum(kind):
    words = [label(m) for m in kind]
    assert len(set(words)) == len(words)


def test_outbox_words():
    assert labels(OutboxState) == {"queued": "待发送", "sent": "发送中（待确认）", "confirmed": "已确认",
                                   "refused": "被拒绝"}
    assert OUTBOX_PENDING == ("queued", "sent")
    assert OUTBOX_PENDING_LABEL not in labels(OutboxState).values()
    assert "已发送" not in labels(OutboxState).values()  # it meant sent in one place, confirmed in another


def test_stored_text_reads_as_a_member():
    assert label("sent", OutboxState) == "发送中（待确认）"
    assert label(OutboxState.SENT) == "发送中（待确认）"
    assert label("初始", DueStatus) == "初始" and DueStatus("初始") is DueStatus.INITIAL
    assert label("something else", OutboxState) == "something else"
    assert label(None) == "" and label("plain") == "plain"
    assert label("sent", vocab.WageSubmissionState) == "已提交"  # the same code in another enum
    assert DueStatus.INITIAL == "初始" and f"{DueStatus.INITIAL}" == "初始"


def test_role_sets():
    assert STAFF == {"admin", "all"} and EVERYONE == {"admin", "all", "pay"}
    assert "pay" not in STAFF and Role("pay") in EVERYONE
    assert vocab.ADMIN_ONLY == {"admin"}
    assert labels(Role) == {"admin": "管理员", "all": "全部功能", "pay": "缴费"}


@pytest.mark.parametrize("alias, kind", [
    (models.Role, vocab.Role), (models.UserPermission, None), (models.UserStatus, vocab.UserStatus),
    (models.EmployeeStatus, vocab.EmployeeStatus), (models.DueStatus, vocab.DueStatus),
    (models.DeclarationStatus, vocab.DeclarationStatus), (models.PaymentStatus, vocab.PaymentStatus),
    (models.WageDeclarationSummary, vocab.WageSummary),
    (models.RefundState, vocab.RefundStatus), (models.RefundKind, vocab.RefundKind),
    (models.PaidLineKind, vocab.PaidLineKind),
], ids=lambda x: getattr(x, "__name__", None) or str(x))
def test_the_models_literals_are_the_vocabulary(alias, kind):
    values = set(typing.get_args(alias))
    if kind is None:
        assert values == set(vocab.PERMISSIONS)
    elif kind is vocab.DeclarationStatus:
        assert values == {m.value for m in kind} - {vocab.DeclarationStatus.QUEUED}  # local only
    else:
        assert values == {m.value for m in kind}


def test_a_wage_submission_is_its_summary_once_done():
    assert vocab.submission_label("done", "部分成功") == "部分成功"
    assert vocab.submission_label("done", None) == "已获取反馈"
    assert vocab.submission_label("processing", None) == "等待反馈"
    assert vocab.submission_label("sent") == "已提交"
