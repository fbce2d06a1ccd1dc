"""RemoteService is the whole contract: fully abstract, and HttpService implements all of it."""
from __future__ import annotations

import inspect

import pytest

from sbtui.remote.http import HttpService
from sbtui.remote.interface import RemoteService

CALLS = sorted(name for name, member in vars(RemoteService).items()
               if not name.startswith("_") and inspect.iscoroutinefunction(member))


def test_remote_service_cannot_be_instantiated():
    with pytest.raises(TypeError, match="abstract"):
        RemoteService()  # type: ignore[abstract]


def test_every_call_of_the_interface_is_abstract():
    assert len(CALLS) > 30
    assert sorted(RemoteService.__abstractmethods__) == CALLS


def test_http_service_has_no_abstract_method_left():
    assert HttpService.__abstractmethods__ == frozenset()
    assert not inspect.isabstract(HttpService)


@pytest.mark.parametrize("name", CALLS)
def test_http_service_takes_the_interface_parameters(name):
    def params(cls):
        return [(p.name, p.kind, p.default) for p in inspect.signature(getattr(cls, name)).parameters.values()]

    assert name in vars(HttpService)
    assert params(HttpService) == params(RemoteService)
