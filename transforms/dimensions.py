"""Dimension rows derived from the zone configuration (synced into the warehouse each pass)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from transforms.staging.normalise import clean_name


def group_rows(groups: Sequence[tuple[str, str, float]]) -> pd.DataFrame:
    """One row per group: code, Chinese name, yearly budget (元)."""
    return pd.DataFrame(groups, columns=["group_code", "name", "budget_yuan"])


def key_enterprise_patterns(key_enterprises: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """One row per name a key enterprise is recognised by (its name and each alias), normalised like staged names."""
    pairs = {}
    for name in key_enterprises:
        for pattern in (name, *aliases.get(name, ())):
            pairs.setdefault(clean_name(pattern), name)
    return pd.DataFrame(sorted(pairs.items()), columns=["pattern", "enterprise"])
