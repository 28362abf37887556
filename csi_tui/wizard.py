"""The questionary wizard behind `csi-tui new` on a terminal: asks only for what the flags left out."""

from __future__ import annotations

import questionary

from csi_tui.templates import shipped_scales, shipped_templates

_TEXT_QUESTIONS = {
    "title": "Workshop title:",
    "org": "Organisation:",
    "scope": "Scope (a team, a department, a service...):",
    "facilitator": "Facilitator:",
}


def _not_blank(text: str) -> bool | str:
    return bool(text.strip()) or "The title must not be blank"


def ask_for_missing(given: dict[str, str]) -> dict[str, str] | None:
    """Fill in the flags missing from ``given``; None if the person cancels (ctrl+c)."""
    values = dict(given)
    for flag, question in _TEXT_QUESTIONS.items():
        if flag in values:
            continue
        validate = _not_blank if flag == "title" else None
        answer = questionary.text(question, validate=validate).ask()
        if answer is None:
            return None
        values[flag] = answer

    templates = shipped_templates()
    if "template" not in values:
        choices = [
            questionary.Choice(f"{t.name} ({len(t.dimensions)} dimensions)", value=t.id)
            for t in templates.values()
        ]
        answer = questionary.select("Assessment template:", choices=choices).ask()
        if answer is None:
            return None
        values["template"] = answer

    if "scale" not in values:
        scales = shipped_scales()
        chosen = templates.get(values["template"])
        default = chosen.default_scale if chosen else None
        choices = [
            questionary.Choice(f"{s.name} ({s.lowest}-{s.highest})", value=s.id) for s in scales.values()
        ]
        answer = questionary.select(
            "Maturity scale:", choices=choices, default=next((c for c in choices if c.value == default), None)
        ).ask()
        if answer is None:
            return None
        values["scale"] = answer
    return values
