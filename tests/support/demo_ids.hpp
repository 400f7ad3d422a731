// The sys_ids of the demo data (domain/seed_data.cpp) that tests name: kept here, once, for
// every layer's tests.
#pragma once

#include <string>

namespace awa::testing {

namespace demo {
inline const std::string alice = "0d584509c323120095ccd02422d3ae5b";  // Available agent
inline const std::string bob = "1d584509c323120095ccd02422d3ae5c";    // Available agent
inline const std::string carol = "2d584509c323120095ccd02422d3ae5d";  // Away agent
inline const std::string dave = "3d584509c323120095ccd02422d3ae5e";   // no awa_external_user
inline const std::string integration = "4d584509c323120095ccd02422d3ae5f";
inline const std::string manager = "5d584509c323120095ccd02422d3ae60";
inline const std::string interaction = "59616aba87bd5210be070d48dabb35e6";  // IMS0000221
inline const std::string interaction2 = "69616aba87bd5210be070d48dabb35e7";
inline const std::string closed_interaction = "79616aba87bd5210be070d48dabb35e8";
inline const std::string task = "89616aba87bd5210be070d48dabb35e9";
inline const std::string queue = "92f8942787851210be070d48dabb35fb";
inline const std::string queue_external_id = "ccaas-customer-service";
inline const std::string reject_reason = "b2f8942787851210be070d48dabb35fd";
}  // namespace demo

}  // namespace awa::testing
