"""The room: phones on the LAN score blind through a small HTTP server inside the app's own
event loop (docs/room.md). Below the UI, above the session; never imports Textual."""
