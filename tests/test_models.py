"""Invalid data is refused with a message a facilitator understands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import RegisterItem, RegisterStatus, Score, ScoreKind, StepAnswer, WorkshopDraft, check_score
from csi_tui.templates import load_scale, load_template, shipped_scales, shipped_templates


def message_of(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return explain(error.value)


@pytest.mark.parametrize("title", ["   ", "\x1b[31m  ", "\u202e\t"])  # nothing shows: blank as well
def test_a_blank_title_is_refused_by_name(title: str) -> None:
    with pytest.raises(ValidationError) as error:
        WorkshopDraft(title=title, template_id="itil4-dimensions", scale_id="cmmi")
    assert message_of(error) == "title: must not be blank"


def test_a_score_outside_the_scale_is_refused_naming_the_scale_range() -> None:
    scale = load_scale("itil-v3")
    with pytest.raises(InvalidInput, match=r"score 6 is outside .* \(0-5\)"):
        check_score(Score(dimension_key="service-desk", kind=ScoreKind.CURRENT, value=6), scale, {"service-desk"})


def test_level_zero_is_on_the_itil_v3_scale_but_not_on_cmmi() -> None:
    score = Score(dimension_key="d", kind=ScoreKind.CURRENT, value=0)
    check_score(score, load_scale("itil-v3"), {"d"})
    with pytest.raises(InvalidInput):
        check_score(score, load_scale("cmmi"), {"d"})


def test_an_unknown_dimension_is_refused_by_key() -> None:
    with pytest.raises(InvalidInput, match="unknown dimension 'nope'"):
        check_score(Score(dimension_key="nope", kind=ScoreKind.TARGET, value=3), load_scale("cmmi"), {"d"})


def test_a_due_date_before_the_raised_date_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        RegisterItem(raised_on=date(2026, 5, 2), due_on=date(2026, 5, 1), description="Publish a catalogue")
    assert "the due date 2026-05-01 is before the raised date 2026-05-02" in message_of(error)


def test_a_closure_code_needs_a_closed_item() -> None:
    with pytest.raises(ValidationError):
        RegisterItem(raised_on=date(2026, 5, 2), description="x", closure="successful")
    closed = RegisterItem(raised_on=date(2026, 5, 2), description="x", closure="successful",
                          status=RegisterStatus.CLOSED)
    assert closed.closure == "successful"


def test_an_answer_to_a_field_the_step_does_not_have_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        StepAnswer(step=1, field="lessons", value="x")
    assert "step 1 has no field 'lessons'" in message_of(error)


def test_shipped_templates_and_scales_are_the_promised_ones() -> None:
    templates, scales = shipped_templates(), shipped_scales()
    assert set(templates) == {"itil4-dimensions", "itil4-practices", "itil4-svs"}
    assert set(scales) == {"itil-v3", "itil4-capability", "cmmi"}
    assert len(templates["itil4-dimensions"].dimensions) == 4
    assert len(templates["itil4-svs"].dimensions) == 5
    practices = templates["itil4-practices"].dimensions
    groups = {group: sum(d.group == group for d in practices) for group in {d.group for d in practices}}
    assert groups == {"General management": 14, "Service management": 17, "Technical management": 3}
    assert [(s.lowest, s.highest) for s in (scales["itil-v3"], scales["itil4-capability"], scales["cmmi"])] == [
        (0, 5), (1, 5), (1, 5)]
    for scale in scales.values():
        assert all(level.name and level.description for level in scale.levels)
    for template in templates.values():
        assert template.default_scale in scales


def test_a_users_own_template_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({
        "id": "my-desk", "name": "Our desk", "default_scale": "cmmi",
        "dimensions": [{"key": "triage", "name": "Triage", "weight": 5}],
    }))
    template = load_template(str(path))
    assert [(d.key, d.weight) for d in template.dimensions] == [("triage", 5)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('id = "x"\nname = "X"\ndefault_scale = "cmmi"\n[[dimensions]]\nkey = "a"\nname = "A"\nweight = 9\n',
         "dimensions.0.weight: must be at most 5"),
        ('id = "x"\nname = "X"\ndefault_scale = "cmmi"\ndimensions = []\n', "dimensions: List should have at least 1 item"),
        ('id = "x"\nname = ""\ndefault_scale = "cmmi"\n[[dimensions]]\nkey = "a"\nname = "A"\n', "name: must not be blank"),
        ('id = "x"\nname = "X"\ndefault_scale = "cmmi"\n[[dimensions]]\nkey = "a"\nname = "A"\ncolour = 1\n',
         "dimensions.0.colour: Extra inputs are not permitted"),
        ('id = "x"\nname = "X"\ndefault_scale = "cmmi"\n[[dimensions]]\nkey = "a"\nname = "A"\n'
         '[[dimensions]]\nkey = "a"\nname = "B"\n', "dimension key 'a' appears twice"),
        ('id = "x\nname = ', "not valid TOML"),
    ],
)
def test_an_invalid_user_template_is_refused_naming_field_and_problem(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(InvalidInput) as error:
        load_template(str(path))
    assert str(error.value).startswith(f"{path}: ")
    assert expected in str(error.value)
    assert "\n" not in str(error.value)


def test_a_scale_with_gaps_between_levels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "gappy.toml"
    path.write_text(
        'id = "g"\nname = "G"\n[[levels]]\nvalue = 1\nname = "a"\ndescription = "a"\n'
        '[[levels]]\nvalue = 3\nname = "c"\ndescription = "c"\n'
    )
    with pytest.raises(InvalidInput, match=r"levels must be consecutive and ascending, got \[1, 3\]"):
        load_scale(str(path))


def test_an_unknown_template_id_names_the_known_ones() -> None:
    with pytest.raises(InvalidInput, match="unknown template 'itil5'.*itil4-dimensions"):
        load_template("itil5")
