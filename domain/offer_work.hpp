// The Offer Work rules for new assignments (contract section 1): who may call, what the
// assignment must hold, which agents may receive work, and what happens to the document's
// work item.
#pragma once

#include "domain/assignment.hpp"
#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/offer_request.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

inline constexpr std::string_view kAssignmentRequested =
    "Manual assignment successfully requested.";

Outcome<OfferAccepted> offer_work(Transaction& tx, SysIdGenerator& ids, const Caller& caller,
                                  const OfferRequest& request);

}  // namespace awa::domain
