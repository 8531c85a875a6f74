"""The trust survey's answers and comments: latent traits per rater and rated department
that move across the waves as the demo's story needs, answers drawn around them."""

from __future__ import annotations

from typing import Any

import numpy as np

from data_access.demo.fixtures import (
    COMMENTS,
    DEPT_INDEX,
    DIM_CODES,
    INVITED,
    ITEM_TEXTS,
    RATED,
    RATED_NAMES,
    RESPONDING,
    SURVEY_DIMENSIONS,
    WAVES,
)
from data_access.demo.specs import Profile


def survey_items() -> list[dict[str, Any]]:
    items = []
    for rated in RATED:
        name_nl, name_en = RATED_NAMES[rated]
        for dimension in SURVEY_DIMENSIONS:
            for number, (nl, en) in enumerate(ITEM_TEXTS[dimension], start=1):
                items.append(
                    {
                        "code": f"{DIM_CODES[dimension]}-{rated}-{number}",
                        "text_nl": nl.format(d=name_nl),
                        "text_en": en.format(d=name_en),
                        "dimension": dimension,
                        "rated": rated,
                        "reverse_coded": number == 3,
                    }
                )
    return items


def latent_mean(wave: int, rater: str, rated: str, dimension: str) -> float:
    """Mean of the latent trait (1-5 scale) that drives the answers."""
    if rater == rated:
        return 3.95 + (0.05 if dimension == "ability" else 0.0)
    if rater == "FIN":
        return 3.3
    if rater == "MKT":  # marketing about IT: slowly better, then a clear jump in the last wave
        base = (2.75, 2.85, 2.95, 3.5)[wave]
        offset = {
            "ability": 0.2,
            "benevolence": -0.1,
            "integrity": 0.1,
            "communication": -0.15,
            "strategy": -0.05,
        }[dimension]
        return base + offset
    # IT about marketing: slowly better, but strategy stays low and communication dips last.
    if dimension == "strategy":
        return (2.3, 2.35, 2.3, 2.35)[wave]
    if dimension == "communication":
        return (3.0, 3.15, 3.3, 2.8)[wave]
    return (2.95, 3.05, 3.15, 3.25)[wave] + (0.1 if dimension == "integrity" else 0.0)


def centred(values: np.ndarray) -> np.ndarray:
    """Person effects with mean zero in the group: group means follow the design, not the draw."""
    return values - values.mean() if len(values) > 1 else values


def answers(
    rng: np.random.Generator, wave: int, rater: str, n: int, items: list[dict[str, Any]]
) -> np.ndarray:
    """Scores 1-5 of n respondents on all items (reverse-coded items answered reversed)."""
    general = centred(rng.normal(0.0, 0.45, n))
    per_rated = {rated: centred(rng.normal(0.0, 0.35, n)) for rated in RATED}
    per_scale = {
        (rated, dim): centred(rng.normal(0.0, 0.45, n)) for rated in RATED for dim in SURVEY_DIMENSIONS
    }
    scores = np.empty((n, len(items)), dtype=np.int64)
    for j, item in enumerate(items):
        rated, dim = item["rated"], item["dimension"]
        trait = latent_mean(wave, rater, rated, dim) + general + per_rated[rated] + per_scale[(rated, dim)]
        noise = rng.normal(0.0, 0.6 if item["reverse_coded"] else 0.5, n)
        value = np.clip(np.rint(trait + noise), 1, 5).astype(np.int64)
        scores[:, j] = 6 - value if item["reverse_coded"] else value
    return scores


def survey(
    rng: np.random.Generator, profile: Profile
) -> tuple[
    list[tuple[str, str, int]],
    list[dict[str, Any]],
    dict[str, np.ndarray],
    list[str],
    list[tuple[str, str, str, str, str]],
]:
    items = survey_items()
    invitations: list[tuple[str, str, int]] = []
    chunks: dict[str, list[np.ndarray]] = {k: [] for k in ("wave", "respondent", "dept", "item", "score")}
    refs: list[str] = []
    comments: list[tuple[str, str, str, str, str]] = []
    n_items = len(items)
    for w, (wave_code, _, _) in enumerate(WAVES):
        counts = {}
        for dept in ("MKT", "IT", "FIN"):
            factor = 1.0 if dept == "FIN" else profile.survey_factor
            invitations.append((wave_code, dept, round(INVITED[dept][w] * factor)))
            counts[dept] = round(RESPONDING[dept][w] * factor)
        total = sum(counts.values())
        numbers = rng.permutation(total) + 1  # refs do not reveal the department
        wave_refs = [f"R-{wave_code}-{n:04d}" for n in numbers.tolist()]
        first = 0
        for dept, n in counts.items():
            scores = answers(rng, w, dept, n, items)
            ref_ids = np.arange(len(refs) + first, len(refs) + first + n)
            chunks["wave"].append(np.full(n * n_items, w))
            chunks["respondent"].append(np.repeat(ref_ids, n_items))
            chunks["dept"].append(np.full(n * n_items, DEPT_INDEX[dept]))
            chunks["item"].append(np.tile(np.arange(n_items), n))
            chunks["score"].append(scores.ravel())
            if dept in COMMENTS:
                writers = rng.choice(n, size=len(COMMENTS[dept][w]), replace=False)
                for writer, (dimension, text) in zip(writers.tolist(), COMMENTS[dept][w], strict=True):
                    comments.append((wave_code, wave_refs[first + writer], dept, dimension, text))
            first += n
        refs += wave_refs
    responses = {k: np.concatenate(v) for k, v in chunks.items()}
    return invitations, items, responses, refs, comments
