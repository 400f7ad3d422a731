// Hash maps keyed by sys_id. Open addressing (Boost's flat map): no allocation per entry and one
// cache line per lookup, where std::unordered_map spends a node and a pointer chase on each; the
// indexes hold one entry per live work item, so this is most of their memory and load time. They
// grow a few entries at a time (IncrementalHash), never stalling a request for a whole rehash.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include "domain/huge_page_allocator.hpp"
#include "domain/incremental_hash.hpp"
#include "domain/sys_id.hpp"

namespace awa::domain {

template <class Value>
using SysIdMap =
    IncrementalHash<boost::unordered_flat_map<SysId, Value, std::hash<SysId>, std::equal_to<SysId>,
                                              HugePageAllocator<std::pair<const SysId, Value>>>>;

}  // namespace awa::domain
