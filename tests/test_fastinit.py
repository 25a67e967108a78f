"""factcheck._fastinit: the faster __init__ and pickling of frozen, slotted dataclasses behave as the
generated ones do (same defaults, same equality, same copies and pickles)."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from factcheck import _report
from factcheck._fastinit import fast_init
from factcheck._interval import Interval


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class Pair:
    a: int
    b: tuple = ()


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class One:
    x: str


@fast_init
@dataclasses.dataclass(frozen=True, slots=True)
class WithFactory:  # left as it is: a default_factory
    a: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:
    a: int
    b: tuple = ()


def test_init_keeps_parameters_defaults_and_frozenness():
    assert Pair(1) == Pair(a=1, b=()) and Pair(1, (2,)).b == (2,)
    with pytest.raises(TypeError):
        Pair()  # a is required, as before
    with pytest.raises(dataclasses.FrozenInstanceError):
        Pair(1).a = 2  # type: ignore[misc]
    assert "__reduce__" not in WithFactory.__dict__ and WithFactory().a == []


@pytest.mark.parametrize("obj", [Pair(1, ("x", 2.5)), One("é"), Pair(0), Interval(1.0, 2.0)])
def test_copies_and_pickles_are_equal(obj):
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(obj, protocol=proto))
        assert back == obj and type(back) is type(obj)
    assert copy.copy(obj) == obj and copy.deepcopy(obj) == obj


def test_pickles_like_the_generated_pickling():
    """The same objects come back as with the pickling @dataclass(slots=True) gives (Plain has it)."""
    assert pickle.loads(pickle.dumps(Plain(3, (4,)))) == Plain(3, (4,))
    p = Pair(3, (4,))
    assert dataclasses.astuple(pickle.loads(pickle.dumps(p))) == dataclasses.astuple(Plain(3, (4,)))


def test_every_report_record_pickles_through_its_constructor():
    classes = [c for c in vars(_report).values()
               if isinstance(c, type) and c.__module__ == _report.__name__ and "__reduce__" in c.__dict__]
    assert len(classes) >= 5  # the records built once a claim
    for cls in classes:
        fields = dataclasses.fields(cls)
        assert cls.__reduce__.__qualname__ == f"{cls.__qualname__}.__reduce__"
        assert len(fields) >= 1
