#include "domain/errc.hpp"

namespace awa::domain {
namespace {

class DomainCategory final : public std::error_category {
public:
  const char* name() const noexcept override { return "awa.domain"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::bad_request:
        return "bad request";
      case errc::forbidden:
        return "forbidden";
      case errc::not_found:
        return "not found";
      case errc::method_not_allowed:
        return "method not allowed";
      case errc::conflict:
        return "conflict";
      case errc::storage_failure:
        return "storage failure";
      case errc::gone:
        return "gone";
    }
    return "unknown";
  }
};

}  // namespace

const std::error_category& domain_category() {
  static const DomainCategory category;
  return category;
}

std::error_code make_error_code(errc e) {
  return {static_cast<int>(e), domain_category()};
}

}  // namespace awa::domain
