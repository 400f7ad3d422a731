// The Manual Assignment API (contract section 5): offering an existing, unassigned work item to
// an agent by the work item's sys_id.
#pragma once

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/offer_request.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

Outcome<OfferAccepted> assign_work_item(Transaction& tx, const Caller& caller,
                                        std::string_view work_item_id,
                                        const AssignmentFields& fields);

}  // namespace awa::domain
