"""The room: phones on the LAN score blind through a small HTTP server in a thread of its own
(docs/room.md). Below the UI, above the session; never imports Textual."""
