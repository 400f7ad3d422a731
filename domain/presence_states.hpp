// The out-of-box presence states and service channel, with the vendor's sys_ids (contract 3).
#pragma once

#include <string_view>

namespace awa::domain::presence_states {

inline constexpr std::string_view available = "0b10223c57a313005baaaa65ef94f970";
inline constexpr std::string_view away = "41f9b8dfb31313005baa6e5f26a8dcac";
inline constexpr std::string_view offline = "9cd83267575313005baaaa65ef94f98b";
inline constexpr std::string_view chat_channel = "27f675e3739713004a905ee515f6a7c3";

}  // namespace awa::domain::presence_states
