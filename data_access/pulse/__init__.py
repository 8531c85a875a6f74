"""Trust pulse waves run from the app (issue 21): open, answer, close.

Anonymity by construction:
- who has answered lives in pulse_participant (person, wave, department, yes/no), for
  reminders only, without a timestamp;
- what was answered lives in pulse_pending_answer/-comment under an answer key
  HMAC-SHA256(wave secret, person), so a person can change their answer while the wave is
  open, but no column holds the person;
- closing copies the answers to survey_response/survey_comment under fresh random
  references, in shuffled order, then deletes the pending rows and the register and sets the
  wave secret to NULL: from then on nothing can recompute which key was whose;
- the audit trail records that someone answered (who, which wave), never what;
- a wave is not a survey wave while open, so its results appear nowhere until it closes;
  after that the Trust page, tiles, exceptions and the pack treat it as any imported wave
  (with the confidentiality gate of domain.confidentiality).

Every write checks the user's right first (access.roles) and is audited in its transaction.

Modules: common (limits, errors, the answer key), waves (open, close), answers (submit),
reading (the loaders). Every name is importable from data_access.pulse as before."""

from __future__ import annotations

from data_access.pulse.answers import submit_pulse_answers
from data_access.pulse.common import (
    ANSWER_ENTITY,
    MAX_ADDRESS,
    MAX_CODE,
    MAX_COMMENT,
    MAX_ITEMS,
    MAX_NAME,
    MAX_SUBMISSIONS,
    RATE_WINDOW,
    WAVE_ENTITY,
    PulseError,
    PulseInvitation,
    RateLimited,
    answer_key,
    normalise_email,
)
from data_access.pulse.reading import (
    is_invited,
    load_instrument_items,
    load_invitations,
    load_not_answered,
    load_pulse_items,
    load_pulse_response_rates,
    load_pulse_waves,
)
from data_access.pulse.waves import close_pulse_wave, open_pulse_wave

__all__ = [
    "ANSWER_ENTITY",
    "MAX_ADDRESS",
    "MAX_CODE",
    "MAX_COMMENT",
    "MAX_ITEMS",
    "MAX_NAME",
    "MAX_SUBMISSIONS",
    "PulseError",
    "PulseInvitation",
    "RATE_WINDOW",
    "RateLimited",
    "WAVE_ENTITY",
    "answer_key",
    "close_pulse_wave",
    "is_invited",
    "load_instrument_items",
    "load_invitations",
    "load_not_answered",
    "load_pulse_items",
    "load_pulse_response_rates",
    "load_pulse_waves",
    "normalise_email",
    "open_pulse_wave",
    "submit_pulse_answers",
]
