"""Child process for the durability test: saves answers and scores in a loop and reports each
save on stdout only after the store has returned from it (i.e. after COMMIT)."""

from __future__ import annotations

import sys
from itertools import count

from csi_tui.domain.models import Score, ScoreKind
from csi_tui.domain.steps import STEPS
from csi_tui.store.workshop_store import open_store

FIELDS = [(step.number, field.key) for step in STEPS for field in step.fields]


def main(db_path: str, workshop_id: int, trial: str, dimension: str) -> None:
    store = open_store(db_path)
    print("ready", flush=True)
    for i in count():
        token = f"{trial}:{i}"
        if i % 2:
            store.save_score(workshop_id, Score(dimension_key=dimension, kind=ScoreKind.CURRENT,
                                                value=1 + i % 5, evidence=token))
            print(f"score {dimension} {token}", flush=True)
        else:
            step, field = FIELDS[i // 2 % len(FIELDS)]
            store.save_answer(workshop_id, step, field, token)
            print(f"answer {step}.{field} {token}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
