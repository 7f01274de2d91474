// Legacy container events converted to container JSON: names, images and ids that contain JSON's
// special characters (or bytes that are not UTF-8) still give one valid document whose values
// are the original strings.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

#include "event_converter_support.h"
#include "scap/event_converter.h"

using namespace vigil::capture;
using namespace vigil::capture::detail;
using vigil::test::Bytes;
using vigil::test::cstr;
using vigil::test::le;
using vigil::test::make_record;

namespace {

constexpr uint16_t kContainerE = 228, kContainerJson2E = 324;

// The JSON parameter of the converted event, or "" when the conversion failed.
std::string convert_container(const std::string& id, uint32_t type, const std::string& name,
                              const std::string& image) {
  EventConverter c;
  std::span<const uint8_t> out;
  std::string message;
  const Bytes record = make_record(kContainerE, -1, {cstr(id), le<uint32_t>(type), cstr(name), cstr(image)});
  REQUIRE(c.convert(record, out, message) == EventConverter::Outcome::Converted);
  const vigil::test::Decoded ev = vigil::test::decode(out);
  EventView v = ev.view();
  REQUIRE(v.type() == kContainerJson2E);
  REQUIRE(v.nparams() == 1);
  REQUIRE(!v.param(0).empty());
  CHECK(v.param(0).bytes().back() == 0);
  return std::string(v.param(0).as_string());
}

}  // namespace

TEST_CASE("a container name with quotes and backslashes converts to valid, escaped JSON") {
  const std::string name = R"(web "prod" \ C:\temp\ {"x":1})";
  const std::string image = "registry.local/team\\app:\"v1\"";
  const std::string text = convert_container("3ad7b26ded6d", 0, name, image);
  CHECK(text == R"({"id":"3ad7b26ded6d","type":0,"name":"web \"prod\" \\ C:\\temp\\ {\"x\":1}",)"
                R"("image":"registry.local/team\\app:\"v1\""})");
  const nlohmann::json doc = nlohmann::json::parse(text);
  CHECK(doc.at("id") == "3ad7b26ded6d");
  CHECK(doc.at("type") == 0);
  CHECK(doc.at("name") == name);
  CHECK(doc.at("image") == image);
}

TEST_CASE("control characters in container strings are escaped and keys cannot be injected") {
  // A name crafted to close the string and add a key of its own, with a newline and a tab.
  const std::string name = "x\",\"privileged\":true,\"n\":\"\n\t\x01";
  const std::string text = convert_container("abc", 6, name, "img");
  CHECK(text.find('\n') == std::string::npos);
  const nlohmann::json doc = nlohmann::json::parse(text);
  CHECK(doc.size() == 4);  // id, type, name, image: nothing injected
  CHECK_FALSE(doc.contains("privileged"));
  CHECK(doc.at("name") == name);
  CHECK(doc.at("type") == 6);
}

TEST_CASE("bytes that are not UTF-8 in a container name become U+FFFD instead of invalid JSON") {
  const std::string text = convert_container("abc", 0, std::string("caf\xe9-\xff\xfe", 7), "img");
  const nlohmann::json doc = nlohmann::json::parse(text);  // throws on invalid UTF-8
  CHECK(doc.at("name") == "caf\xef\xbf\xbd-\xef\xbf\xbd\xef\xbf\xbd");
}
