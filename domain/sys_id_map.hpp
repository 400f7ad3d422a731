// Hash maps keyed by sys_id. Open addressing (Boost's flat map): no allocation per entry and one
// cache line per lookup, where std::unordered_map spends a node and a pointer chase on each; the
// indexes hold one entry per live work item, so this is most of their memory and load time. They
// grow a few entries at a time (memory::IncrementalHash), never stalling a request for a whole
// rehash.
#pragma once

#include <boost/unordered/unordered_flat_map.hpp>

#include "domain/sys_id.hpp"
#include "memory/huge_page_allocator.hpp"
#include "memory/incremental_hash.hpp"

namespace awa::domain {

template <class Value>
using SysIdMap = memory::IncrementalHash<
    boost::unordered_flat_map<SysId, Value, std::hash<SysId>, std::equal_to<SysId>,
                              memory::HugePageAllocator<std::pair<const SysId, Value>>>>;

}  // namespace awa::domain
