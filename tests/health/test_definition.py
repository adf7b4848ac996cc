"""A health model's definition: what is refused, and how one factor and the total score."""

import copy

import pytest
from django.core.exceptions import ValidationError

from health.defaults import DEFAULT_DEFINITION
from health.definition import band_of, factor_points, validate_definition


def definition(**changes):
    d = copy.deepcopy(DEFAULT_DEFINITION)
    d.update(changes)
    return d


def refused(d) -> str:
    with pytest.raises(ValidationError) as error:
        validate_definition(d)
    return " ".join(error.value.messages)


def test_the_default_model_is_valid_and_its_weights_add_up_to_100():
    validate_definition(DEFAULT_DEFINITION)
    assert sum(f["weight"] for f in DEFAULT_DEFINITION["factors"]) == 100


def test_weights_that_do_not_add_up_to_100_are_refused_with_the_sum():
    d = definition()
    d["factors"][0]["weight"] = 25
    d["factors"][0]["points"][-1][1] = 25
    assert "The weights add up to 105, not 100." in refused(d)


def test_an_unknown_measure_is_named():
    d = definition()
    d["factors"][0]["measure"] = "telepathy"
    assert "Logins: unknown measure 'telepathy'" in refused(d)


@pytest.mark.parametrize("window", [-30, 0, 366, "30", 1.5])
def test_a_window_that_is_not_1_to_365_days_is_refused(window):
    d = definition()
    d["factors"][0]["window"] = window
    assert "Logins: the window is a whole number of days from 1 to 365." in refused(d)


def test_overlapping_bands_are_refused():
    d = definition()
    d["bands"][1]["min"] = 45  # healthy 45–75 overlaps steady 26–50
    assert "overlaps" in refused(d)


def test_a_gap_between_bands_is_named():
    d = definition()
    d["bands"][2]["max"] = 40  # steady 26–40, healthy from 51
    assert "No band covers 41–50." in refused(d)


def test_bands_must_cover_up_to_100():
    d = definition()
    d["bands"][0]["max"] = 99
    assert "No band covers 100–100." in refused(d)


def test_a_factor_whose_best_step_misses_its_weight_is_refused():
    d = definition()
    d["factors"][0]["points"][-1][1] = 19
    assert "Logins: its best step must earn its weight (20)." in refused(d)


def test_point_steps_must_rise():
    d = definition()
    d["factors"][0]["points"] = [[0, 0], [8, 14], [4, 8], [12, 20]]
    assert "must rise" in refused(d)


def test_two_factors_with_one_key_are_refused():
    d = definition()
    d["factors"][1]["key"] = "logins"
    assert "the key 'logins' is used twice" in refused(d)


def test_not_an_object_is_refused():
    assert "A definition is an object" in refused(["logins"])


LOGINS = DEFAULT_DEFINITION["factors"][0]  # [[0, 0], [1, 4], [4, 8], [8, 14], [12, 20]]


@pytest.mark.parametrize(
    ("raw", "points"), [(0, 0), (1, 4), (3, 4), (4, 8), (7.9, 8), (8, 14), (12, 20), (30, 20)]
)
def test_a_factor_earns_the_points_of_the_highest_step_reached(raw, points):
    assert factor_points(LOGINS, raw) == points


def test_missing_data_earns_the_neutral_value():
    sentiment = DEFAULT_DEFINITION["factors"][4]
    assert factor_points(sentiment, None) == sentiment["neutral"] == 8


def test_a_value_below_the_first_step_earns_nothing():
    usage = DEFAULT_DEFINITION["factors"][2]
    assert factor_points(usage, -101) == 0


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "thriving"),
        (76, "thriving"),
        (75, "healthy"),
        (51, "healthy"),
        (50, "steady"),
        (26, "steady"),
        (25, "struggling"),
        (0, "struggling"),
    ],
)
def test_band_edges(score, band):
    assert band_of(DEFAULT_DEFINITION, score) == band
