"""Migration m0006: blind rounds from the room's phones (issue 16; docs/room.md). Kept beside
schema.py, which lists it among the steps.

- `room_round`: a round of one workshop asking one kind of score (current on step 2, target on
  step 3), numbered per kind, open, closed or revealed;
- `room_round_dimension`: the dimensions a round asks about (round 2 reopens some);
- `room_vote`: each participant's last vote in a round. The same vote is also written as that
  participant's score (store/rounds.py), so the gap matrix, the views, the exports and merges
  read the room's votes as they read typed scores; this table keeps what each round said, so a
  reveal can show round 1 beside round 2.
"""

from __future__ import annotations

from csi_tui.store.gap_rows import Executes

ROUND_TABLE = """
    CREATE TABLE room_round (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshop(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('current', 'target')),
        number INTEGER NOT NULL CHECK (number >= 1),
        state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'revealed')),
        opened_at TEXT NOT NULL,
        UNIQUE (workshop_id, kind, number)
    )
"""
ROUND_DIMENSION_TABLE = """
    CREATE TABLE room_round_dimension (
        round_id INTEGER NOT NULL REFERENCES room_round(id) ON DELETE CASCADE,
        dimension_id INTEGER NOT NULL REFERENCES dimension(id) ON DELETE CASCADE,
        PRIMARY KEY (round_id, dimension_id)
    )
"""
VOTE_TABLE = """
    CREATE TABLE room_vote (
        id INTEGER PRIMARY KEY,
        round_id INTEGER NOT NULL REFERENCES room_round(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
        dimension_id INTEGER NOT NULL REFERENCES dimension(id) ON DELETE CASCADE,
        value INTEGER NOT NULL,
        evidence TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (round_id, participant_id, dimension_id)
    )
"""


def m0006_rooms(db: Executes) -> None:
    """Rounds of blind scoring from the room's phones, and each round's votes."""
    for table in (ROUND_TABLE, ROUND_DIMENSION_TABLE, VOTE_TABLE):
        db.execute(table)
    # A removed participant or dimension takes its votes along (ON DELETE CASCADE); these find them.
    db.execute("CREATE INDEX room_vote_participant ON room_vote (participant_id)")
    db.execute("CREATE INDEX room_vote_dimension ON room_vote (dimension_id)")
    db.execute("CREATE INDEX room_round_dimension_dimension ON room_round_dimension (dimension_id)")
