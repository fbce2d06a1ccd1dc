"""The screens' abstract bases (issue 11): a subclass must give every abstract method, and the
concrete screens do."""
from __future__ import annotations

import inspect

import pytest

from sbtui.tui.dialogs.countdown import CountdownDialog
from sbtui.tui.screens.declare_lines import LinesScreen
from sbtui.tui.screens.declare_submit import DeclFeedback
from sbtui.tui.screens.dues_query import DuesListMixin, DuesQueryScreen
from sbtui.tui.screens.settings import DeclarationPasswordScreen, LoginPasswordScreen, _PasswordForm
from sbtui.tui.screens.wages_submit import FeedbackDialog


@pytest.mark.parametrize(("base", "methods"), [
    (CountdownDialog, {"fetch", "settled", "waiting"}),
    (_PasswordForm, {"action_save"}),
    (DuesListMixin, {"updated"}),
])
def test_bases_are_abstract(base, methods):
    assert base.__abstractmethods__ == frozenset(methods)


@pytest.mark.parametrize("screen", [FeedbackDialog, DeclFeedback, DeclarationPasswordScreen,
                                    LoginPasswordScreen, DuesQueryScreen, LinesScreen])
def test_concrete_screens_have_no_abstract_method_left(screen):
    assert not inspect.isabstract(screen)


def test_a_countdown_without_its_texts_cannot_be_made():
    class Partial(CountdownDialog):
        async def fetch(self):
            return None

        async def settled(self):
            return True

    with pytest.raises(TypeError, match="waiting"):
        Partial()

    class Whole(Partial):
        def waiting(self, seconds):
            return f"{seconds}"

    assert Whole().waiting(3) == "3"
