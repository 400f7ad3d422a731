#include "domain/seed_data.hpp"

#include <initializer_list>

#include "domain/agent_presence.hpp"
#include "domain/presence_states.hpp"

namespace awa::domain {
namespace {

struct Field {
  std::size_t index;
  std::string_view value;
};

void put(Transaction& tx, Table table, std::string_view sys_id,
         std::initializer_list<Field> fields) {
  Record record = tx.state().blank(table, *SysId::parse(sys_id));
  for (const auto& f : fields) record[f.index] = std::string(f.value);
  tx.put(std::move(record));
}

}  // namespace

void seed_presence_states(Transaction& tx) {
  using namespace presence_state_field;
  namespace ps = presence_states;
  put(tx, Table::awa_presence_state, ps::available,
      {{name, "Available"}, {available, "true"}, {order, "0"}});
  put(tx, Table::awa_presence_state, ps::away,
      {{name, "Away"}, {available, "false"}, {order, "1000"}});
  put(tx, Table::awa_presence_state, ps::offline,
      {{name, "Offline"}, {available, "false"}, {order, "2000"}});
}

void seed_admin(Transaction& tx, SysIdGenerator& ids, const std::string& password_hash) {
  Record admin = tx.state().blank(Table::sys_user, ids.next());
  admin[user_field::user_name] = std::string(kAdminUserName);
  admin[user_field::name] = "System Administrator";
  admin[user_field::roles] = "admin";
  admin[user_field::password] = password_hash;
  tx.put(std::move(admin));
}

void seed_demo(Transaction& tx, SysIdGenerator& ids, const PasswordHasher& hasher) {
  namespace ps = presence_states;
  // One hash for every demo user: they share the demo password.
  const std::string hash = hasher.hash(kDemoPassword);
  struct User {
    std::string_view sys_id, user_name, name, roles, presence;
  };
  const User users[] = {
      // The agent of the vendor's curl example.
      {"0d584509c323120095ccd02422d3ae5b", "alice.agent", "Alice Agent",
       "awa_agent,awa_external_user", ps::available},
      {"1d584509c323120095ccd02422d3ae5c", "bob.agent", "Bob Agent", "awa_agent,awa_external_user",
       ps::available},
      {"2d584509c323120095ccd02422d3ae5d", "carol.agent", "Carol Agent (Away)",
       "awa_agent,awa_external_user", ps::away},
      {"3d584509c323120095ccd02422d3ae5e", "dave.agent", "Dave Agent (no awa_external_user)",
       "awa_agent", ps::available},
      {"4d584509c323120095ccd02422d3ae5f",
       "integration",
       "CCaaS Integration",
       "awa_integration_user",
       {}},
      {"5d584509c323120095ccd02422d3ae60", "manager", "AWA Manager", "awa_manager", {}},
  };
  for (const auto& u : users) {
    using namespace user_field;
    put(tx, Table::sys_user, u.sys_id,
        {{user_name, u.user_name}, {name, u.name}, {roles, u.roles}, {password, hash}});
    if (!u.presence.empty()) {
      put_agent_presence(tx, ids, *SysId::parse(u.sys_id), *SysId::parse(u.presence));
    }
  }

  using namespace queue_field;
  put(tx, Table::awa_queue, "92f8942787851210be070d48dabb35fb",
      {{name, "Customer Service"}, {external_id, "ccaas-customer-service"}});
  put(tx, Table::awa_queue, "a2f8942787851210be070d48dabb35fc",
      {{name, "Billing"}, {external_id, "ccaas-billing"}});

  using namespace document_field;
  put(tx, Table::interaction, "59616aba87bd5210be070d48dabb35e6",
      {{number, "IMS0000221"}, {short_description, "Chat: where is my order?"}});
  put(tx, Table::interaction, "69616aba87bd5210be070d48dabb35e7",
      {{number, "IMS0000222"}, {short_description, "Call: billing question"}});
  put(tx, Table::interaction, "79616aba87bd5210be070d48dabb35e8",
      {{number, "IMS0000223"},
       {short_description, "Call: closed yesterday"},
       {document_field::active, "false"}});
  put(tx, Table::task, "89616aba87bd5210be070d48dabb35e9",
      {{number, "TASK0000101"}, {short_description, "Call back the customer"}});

  using namespace reject_reason_field;
  put(tx, Table::awa_reject_reason, "b2f8942787851210be070d48dabb35fd",
      {{value, "busy"},
       {display_value, "Busy with another customer"},
       {order, "100"},
       {service_channel, ps::chat_channel}});
  put(tx, Table::awa_reject_reason, "c2f8942787851210be070d48dabb35fe",
      {{value, "skill"},
       {display_value, "Not my area of expertise"},
       {order, "200"},
       {service_channel, ps::chat_channel}});
}

}  // namespace awa::domain
