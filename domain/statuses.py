"""Status vocabularies and which of them are over, for projects and steering actions alike."""

from __future__ import annotations

ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
OPEN_STATUSES = ("open", "in_progress")
# A project or an action that is done or cancelled is over: it spends nothing more and is not open.
CLOSED_STATUSES = ("done", "cancelled")
