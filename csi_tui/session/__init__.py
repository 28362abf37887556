"""The session: the one road from the UI to the store (workshop_session.py), its writer thread
(writer.py), the answers typed but not yet saved (answers.py) and its change signal
(broadcast.py). No Textual here."""
