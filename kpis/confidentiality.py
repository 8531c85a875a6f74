"""Compatibility re-exports; import from domain.confidentiality."""

from domain.confidentiality import (  # noqa: F401
    ABSOLUTE_MIN_GROUP,
    COMMENTS_MIN_GROUP,
    COMPLEMENTARY,
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    MinGroupSetting,
    comment_groups,
    keep_shown_groups,
    resolve_min_group,
    shown_groups,
    shown_rows,
    suppress,
    validate_min_group,
)
