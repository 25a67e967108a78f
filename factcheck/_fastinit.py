"""A faster ``__init__`` for the frozen, slotted dataclasses built in bulk (intervals, report records).

The ``__init__`` that ``@dataclass(frozen=True)`` generates sets every field through
``object.__setattr__`` (its own ``__setattr__`` refuses). Setting each slot through its descriptor is
the same operation at about half the cost, and judging a thousand claims builds tens of thousands of
these objects. :func:`fast_init` swaps in such an ``__init__``, with the same parameters, order and
defaults, for classes where it is plainly equivalent (every field in ``__init__``, plain defaults, no
``default_factory``, no keyword-only fields, no ``__post_init__``); any other class is left as it is.

Such a class also gets a ``__reduce__`` that pickles it as its constructor and its field values: the
pickling that ``@dataclass(slots=True)`` provides calls ``dataclasses.fields()`` for every object, and
the report cache (factcheck._report_cache) pickles thousands of them (a 1,000-claim report: about 4x
faster to write and to read back).
"""

from __future__ import annotations

import dataclasses
import operator
from typing import TypeVar

T = TypeVar("T", bound=type)


def fast_init(cls: T) -> T:
    """Give the frozen, slotted dataclass ``cls`` an ``__init__`` that sets its slots directly."""
    params = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
    if (not params or not getattr(cls, "__dataclass_params__").frozen or "__slots__" not in cls.__dict__
            or hasattr(cls, "__post_init__")):
        return cls
    names = [f.name for f in params]
    if any(not f.init or f.kw_only or f.default_factory is not dataclasses.MISSING for f in params):
        return cls
    if any(type(cls.__dict__.get(n)).__name__ != "member_descriptor" for n in names):
        return cls
    namespace: dict = {}
    args = []
    for f in params:
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
        namespace[f"_set_{f.name}"] = cls.__dict__[f.name].__set__  # the slot's member descriptor
    body = "\n".join(f"    _set_{n}(self, {n})" for n in names)
    exec(f"def __init__(self, {', '.join(args)}):\n{body}\n", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    cls.__init__ = init  # type: ignore[misc]
    values = operator.attrgetter(*names)
    if len(names) == 1:
        def __reduce__(self):  # noqa: N807
            return (cls, (values(self),))
    else:
        def __reduce__(self):  # noqa: N807
            return (cls, values(self))
    __reduce__.__qualname__ = f"{cls.__qualname__}.__reduce__"
    __reduce__.__module__ = cls.__module__
    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
