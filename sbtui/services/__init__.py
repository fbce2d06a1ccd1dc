"""The service layer: one small object per menu area of the official client, over one
employer's local store and the remote service. The CLI (``sbtui/cli/``) and the TUI
(``sbtui/tui/screens/``) both call these objects, never the store or the remote below them
(import-linter contracts in ``pyproject.toml``), so each use case is written once.

==============================================  ==============================  ====================
menu area (official client)                     module                          object
==============================================  ==============================  ====================
首页                                             ``services/home.py``            ``HomeService``
职工参保信息 (职工, 职工分组, 单位参保信息)          ``services/registry.py``        ``RegistryService``
缴费工资申报 (编辑区, 申报记录, 职工缴费工资查询)      ``services/wages.py``           ``WagesService``
费款申报 (应缴信息, 日常/特殊申报, 申报记录, 工程项目)  ``services/declarations.py``    ``DeclarationsService``
费款缴纳 (缴费, 缴费凭证打印记录, 缴费记录)          ``services/payments.py``        ``PaymentsService``
单位三方协议管理                                   ``services/agreements.py``      ``AgreementsService``
证明打印 (税收完税证明 开具, 补开, 查验)             ``services/certificates.py``    ``CertificatesService``
证明打印 (单位缴费证明, 职工缴费证明)                ``services/proofs.py``          ``ProofsService``
用户管理, 系统设置, 登录                           ``services/users.py``           ``UsersService``
==============================================  ==============================  ====================

:class:`sbtui.workspace.Workspace` builds and hands them out: ``ws.employer(uscc)`` is an
:class:`Employer` (the area services of one employer), ``ws.users`` the users and settings.
Each area service stands on an :class:`Area`.
"""
from __future__ import annotations

from sbtui.services.area import Area
from sbtui.services.employer import Employer

__all__ = ["Area", "Employer"]
