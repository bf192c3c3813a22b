"""process_local.PerProcess: one value per object, made once, forgotten with its object."""

from __future__ import annotations

import gc

from shopify_roi.process_local import PerProcess


class Key:
    pass


def test_one_value_per_key_made_once_and_forgotten_with_its_key():
    values: PerProcess[Key, list] = PerProcess()
    made: list[int] = []
    first, second = Key(), Key()
    a = values.get(first, lambda: made.append(1) or ["first"])
    assert values.get(first, lambda: made.append(2) or ["again"]) is a
    assert values.get(second, lambda: made.append(3) or ["second"]) == ["second"]
    assert made == [1, 3]
    del first
    gc.collect()
    assert len(values._values) == 1  # the first key's value went with it
