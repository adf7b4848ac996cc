"""A page of queue rows reverses each address once: the paths must be reverse()'s own."""

import pytest
from django.urls import NoReverseMatch, reverse

from workqueue.row_paths import path_for, row_paths


@pytest.mark.parametrize("name", ["workqueue:close", "workqueue:email", "accounts:detail"])
def test_a_row_path_is_what_reverse_gives(name):
    assert path_for(name)(1234) == reverse(name, args=[1234])


def test_every_address_of_a_row(db):
    paths = row_paths()(7, 9)
    assert paths["snooze"] == reverse("workqueue:snooze", args=[7])
    assert paths["touch"] == reverse("workqueue:touch", args=[9])
    assert paths["account"] == reverse("accounts:detail", args=[9])


def test_a_pattern_without_an_id_is_refused():
    with pytest.raises(NoReverseMatch):
        path_for("workqueue:queue")
