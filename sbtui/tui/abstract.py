"""Abstract screens: ``@abstractmethod`` on Textual screens, dialogs and their mixins.

A Textual screen's class already has a metaclass (the message pump's), so ``abc.ABC`` cannot be
mixed in directly (metaclass conflict). :class:`AbstractScreenMeta` is both: give it as
``metaclass=`` to a base screen or to a mixin of screens, and a subclass that leaves one of its
abstract methods out cannot be instantiated (``TypeError``), as with any ABC.
"""
from __future__ import annotations

from abc import ABCMeta

from textual.screen import Screen


class AbstractScreenMeta(type(Screen), ABCMeta):  # type: ignore[misc]
    """Textual's message pump metaclass with :class:`abc.ABCMeta`."""
