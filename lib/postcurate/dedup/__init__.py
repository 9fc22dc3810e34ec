"""Rule 10, duplicates out: among redacted texts that are the same or nearly the same, the earliest post stays.

>>> near = register_near_duplicate_functions(spark, settings); register_normaliser(spark)
>>> found = duplicates(candidates, settings, near)   # post_pid, cluster, duplicate_of, kind
>>> candidates = with_duplicate_reason(candidates, found)

See docs/dedup.md for the method, the measured S-curve and the settings.
"""

from postcurate.dedup.clusters import (
    candidate_pairs,
    cluster_sizes,
    duplicates,
    exact_duplicates,
    keep_order,
    similar_pairs,
    with_band_keys,
    with_duplicate_reason,
    with_normalised_text,
)
from postcurate.dedup.components import ComponentsDidNotConverge, clusters_in_one_task, connected_components, kept_in_order
from postcurate.dedup.functions import (
    NearDuplicateFunctions,
    normalised_text,
    register_near_duplicate_functions,
    register_normaliser,
)

__all__ = [
    "ComponentsDidNotConverge",
    "NearDuplicateFunctions",
    "candidate_pairs",
    "cluster_sizes",
    "clusters_in_one_task",
    "connected_components",
    "duplicates",
    "exact_duplicates",
    "keep_order",
    "kept_in_order",
    "normalised_text",
    "register_near_duplicate_functions",
    "register_normaliser",
    "similar_pairs",
    "with_band_keys",
    "with_duplicate_reason",
    "with_normalised_text",
]
