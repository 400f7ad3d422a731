// Transfers through Offer Work (contract section 1): blind or consult, to an agent or a queue.
// A blind transfer closes the document's work item and makes a new one for the target; a consult
// leaves the consulting agent's accepted work item in place and offers the target a consult
// work item beside it (ended through the Agent Consult API).
#pragma once

#include "domain/errc.hpp"
#include "domain/offer_request.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

// The caller's roles are checked by offer_work; `request.transfer` is set.
Outcome<OfferAccepted> transfer_work(Transaction& tx, SysIdGenerator& ids,
                                     const OfferRequest& request);

}  // namespace awa::domain
