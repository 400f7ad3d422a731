// Who is making a request, as authenticated by the server.
#pragma once

#include "domain/roles.hpp"
#include "domain/sys_id.hpp"

namespace awa::domain {

struct Caller {
  SysId user;
  Roles roles;
};

}  // namespace awa::domain
