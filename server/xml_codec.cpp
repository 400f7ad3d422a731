#include "server/xml_codec.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

#include "server/body_format.hpp"

namespace awa::server::xml {
namespace bj = boost::json;
namespace {

// pugixml takes bytes as they come; an XML document must be valid in its encoding (UTF-8).
bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      return false;
    }
    i += length;
  }
  return true;
}

bool has_element_children(const pugi::xml_node& node) {
  for (const auto& child : node.children()) {
    if (child.type() == pugi::node_element) return true;
  }
  return false;
}

// An element as a value: text, an object of its children, or an array of its <entry>s.
std::optional<bj::value> to_value(const pugi::xml_node& node, std::size_t depth) {
  if (depth > kMaxBodyDepth) return std::nullopt;
  if (!has_element_children(node)) {
    std::string text;
    for (const auto& child : node.children()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        text += child.value();
      }
    }
    return bj::value(bj::string(text));
  }
  bool all_entries = true;
  for (const auto& child : node.children()) {
    if (child.type() == pugi::node_element && std::string_view(child.name()) != "entry") {
      all_entries = false;
    }
  }
  if (all_entries) {
    bj::array array;
    for (const auto& child : node.children("entry")) {
      auto value = to_value(child, depth + 1);
      if (!value) return std::nullopt;
      array.push_back(std::move(*value));
    }
    return bj::value(std::move(array));
  }
  bj::object object;
  for (const auto& child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    auto value = to_value(child, depth + 1);
    if (!value) return std::nullopt;
    object[child.name()] = std::move(*value);
  }
  return bj::value(std::move(object));
}

void escape(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        // XML 1.0 cannot hold other control characters (a record kept from before they were
        // refused may): written as printable.hpp writes them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[c & 15];
        } else {
          out += c;
        }
    }
  }
}

void write(std::string& out, std::string_view name, const bj::value& value) {
  out += '<';
  out += name;
  out += '>';
  switch (value.kind()) {
    case bj::kind::object: {
      const auto& object = value.get_object();
      std::vector<const bj::key_value_pair*> members;
      for (const auto& member : object) members.push_back(&member);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      for (const auto* member : members) write(out, member->key(), member->value());
      break;
    }
    case bj::kind::array:
      for (const auto& element : value.get_array()) write(out, "entry", element);
      break;
    case bj::kind::string:
      escape(out, value.get_string());
      break;
    case bj::kind::bool_:
      out += value.get_bool() ? "true" : "false";
      break;
    case bj::kind::int64:
      out += std::to_string(value.get_int64());
      break;
    case bj::kind::uint64:
      out += std::to_string(value.get_uint64());
      break;
    case bj::kind::double_: {
      char buffer[64];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
      out.append(buffer, end);
      break;
    }
    case bj::kind::null:
      break;
  }
  out += "</";
  out += name;
  out += '>';
}

}  // namespace

std::optional<bj::object> parse_request(std::string_view body) {
  if (!is_utf8(body)) return std::nullopt;
  pugi::xml_document document;
  // parse_doctype keeps a DOCTYPE as a node, so that it can be refused below.
  const auto parsed = document.load_buffer(
      body.data(), body.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!parsed) return std::nullopt;
  pugi::xml_node root;
  for (const auto& node : document.children()) {
    if (node.type() == pugi::node_doctype) return std::nullopt;
    if (node.type() == pugi::node_element) {
      if (root) return std::nullopt;
      root = node;
    }
  }
  if (!root || std::string_view(root.name()) != "request") return std::nullopt;
  auto value = to_value(root, 1);
  if (!value) return std::nullopt;
  if (value->is_string()) return bj::object{};  // <request/> or <request>text</request>
  if (!value->is_object()) return std::nullopt;
  return std::move(value->get_object());
}

void append_element(std::string& out, std::string_view name, const bj::value& value) {
  write(out, name, value);
}

std::string render_response(const bj::value& message) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?>)";
  write(out, "response", message);
  return out;
}

}  // namespace awa::server::xml
