#pragma once

namespace tg {

/// Kinds of values kept in the facets table for completion and filter menus.
enum class FacetKind : int {
    Environment = 0,
    Model = 1,
    Agent = 2,
};

} // namespace tg
