// The Agent Consult API (contract section 4): ending a consult with hand-over (the consulted
// agent keeps the document), without (the consulted agent's work item ends), or before the
// consulted agent accepted it (the consult is cancelled).
#pragma once

#include <optional>
#include <string>

#include "domain/caller.hpp"
#include "domain/errc.hpp"
#include "domain/transaction.hpp"

namespace awa::domain {

struct ConsultEndRequest {
  std::optional<std::string> document_sys_id;
  std::optional<std::string> hand_over;
};

inline constexpr std::string_view kConsultEnded = "Consult is successfully ended.";

// The consult's outcome: transferred, ended or cancelled.
Outcome<std::string> end_consult(Transaction& tx, const Caller& caller,
                                 const ConsultEndRequest& request);

}  // namespace awa::domain
