"""Assessment templates and maturity scales: the shipped ones in data/, and a person's own file.

Shipped files live in the package as ``csi_tui/data`` when installed from a wheel; in a source
checkout (editable install) they are read from the repository's top-level ``data/``.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from csi_tui.domain.errors import InvalidInput, explain
from csi_tui.domain.models import AssessmentTemplate, MaturityScale
from csi_tui.user_files import read_user_text

M = TypeVar("M", bound=BaseModel)


def data_dir() -> Path:
    packaged = Path(str(resources.files("csi_tui"))) / "data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "data"


def _read_document(path: Path) -> object:
    text = read_user_text(path, "template or scale file")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{path}: not valid {path.suffix.lstrip('.').upper()} ({error})") from None
    except RecursionError:  # both parsers recurse per level of nesting
        raise InvalidInput(f"{path}: nested too deeply to be a template or scale") from None


def _load_file(path: Path, model: type[M]) -> M:
    document = _read_document(path)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        raise InvalidInput(explain(error, prefix=f"{path}: ")) from None


def _shipped(kind: str) -> dict[str, Path]:
    folder = data_dir() / kind
    return {path.stem: path for path in sorted(folder.glob("*.toml"))}


@cache
def shipped_templates() -> dict[str, AssessmentTemplate]:
    return {key: _load_file(path, AssessmentTemplate) for key, path in _shipped("templates").items()}


@cache
def shipped_scales() -> dict[str, MaturityScale]:
    return {key: _load_file(path, MaturityScale) for key, path in _shipped("scales").items()}


def _looks_like_path(reference: str) -> bool:
    return any(sep in reference for sep in ("/", "\\")) or reference.endswith((".toml", ".json"))


def _load(reference: str, kind: str, shipped: dict[str, M], model: type[M]) -> M:
    if _looks_like_path(reference):
        return _load_file(Path(reference).expanduser(), model)
    if reference not in shipped:
        raise InvalidInput(f"unknown {kind} {reference!r} (known: {', '.join(shipped)})")
    return shipped[reference]


def load_template(reference: str) -> AssessmentTemplate:
    """A shipped template by id, or a person's own template file by path."""
    return _load(reference, "template", shipped_templates(), AssessmentTemplate)


def load_scale(reference: str) -> MaturityScale:
    """A shipped scale by id, or a person's own scale file by path."""
    return _load(reference, "scale", shipped_scales(), MaturityScale)
