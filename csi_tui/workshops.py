"""Turning what a person typed (flags, the wizard, the in-app form) into a workshop draft: one
set of rules, so the command line and the app accept and refuse the same things."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import AssessmentTemplate, MaturityScale, WorkshopDraft
from csi_tui.templates import load_scale, load_template


@dataclass(frozen=True)
class NewWorkshop:
    draft: WorkshopDraft
    template: AssessmentTemplate
    scale: MaturityScale


def new_workshop(
    *, title: str, organisation: str, scope: str, facilitator: str, template: str, scale: str,
    anonymous: bool = False, site_label: str = "",
) -> NewWorkshop:
    """Validate a new workshop's fields; raise InvalidInput with one line naming what is wrong."""
    if not title.strip():
        raise InvalidInput("title: must not be blank")  # first: it is what people mistype
    if not template.strip():
        raise InvalidInput("template: choose an assessment template")
    if not scale.strip():
        raise InvalidInput("scale: choose a maturity scale")
    chosen_template, chosen_scale = load_template(template.strip()), load_scale(scale.strip())
    try:
        draft = WorkshopDraft(
            title=title, organisation=organisation.strip(), scope=scope.strip(),
            facilitator=facilitator.strip(), site_label=site_label.strip(), template_id=chosen_template.id,
            scale_id=chosen_scale.id, anonymous=anonymous,
        )
    except ValidationError as error:
        raise InvalidInput(explain(error)) from None
    return NewWorkshop(draft, chosen_template, chosen_scale)
