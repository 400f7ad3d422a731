// The Offer Work rules for new assignments (contract section 1): who may call, what the
// assignment must hold, which agents may receive work, and what happens to the document's
// work item.
#pragma once

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/offer_request.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

inline constexpr std::string_view kAssignmentRequested =
    "Manual assignment successfully requested.";

// Work item states, as stored.
namespace work_item_state {
inline constexpr std::string_view pending_accept = "pending_accept";
inline constexpr std::string_view accepted = "accepted";
inline constexpr std::string_view queued = "queued";
inline constexpr std::string_view cancelled = "cancelled";
}  // namespace work_item_state

Outcome<OfferAccepted> offer_work(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                                  const OfferRequest& request);

}  // namespace awa::domain
