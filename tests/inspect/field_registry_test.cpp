#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "test_paths.h"
#include "vigil/inspect/field.h"

using namespace vigil::inspect;

namespace {

struct TsvField {
  std::string name, type, flags;
};

std::vector<TsvField> read_fields_tsv() {
  std::ifstream in(vigil::test::shared_path("docs/fields.tsv"));
  std::vector<TsvField> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    TsvField f;
    std::getline(cells, f.name, '\t');
    std::getline(cells, f.type, '\t');
    std::getline(cells, f.flags, '\t');
    if (!f.name.empty()) out.push_back(f);
  }
  return out;
}

std::string bind_error(const FieldRegistry& reg, std::string_view token,
                       std::optional<std::string_view> arg = std::nullopt) {
  auto r = reg.bind(token, arg);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

// vigil's own fields (libinspect/fields/vigil_fields.tsv): name and the field each follows.
std::vector<std::pair<std::string, std::string>> read_vigil_fields_tsv() {
  std::ifstream in(vigil::test::source_path("libinspect/fields/vigil_fields.tsv"));
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  std::getline(in, line);  // header: name type flags after description
  while (std::getline(in, line)) {
    std::istringstream cells(line);
    std::string name, type, flags, after;
    std::getline(cells, name, '\t');
    std::getline(cells, type, '\t');
    std::getline(cells, flags, '\t');
    std::getline(cells, after, '\t');
    if (!name.empty()) out.emplace_back(name, after);
  }
  return out;
}

TEST_CASE("the syscall registry lists every field of fields.tsv with its type, in file order") {
  auto reg = make_syscall_field_registry();
  auto expected = read_fields_tsv();
  REQUIRE(expected.size() == 294);
  // vigil's extensions are marked as such and left out here.
  std::vector<FieldInfo> fields;
  for (const auto& f : reg->fields())
    if (!f.description.starts_with("(vigil extension)")) fields.push_back(f);
  REQUIRE(fields.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i].name);
    CHECK(fields[i].name == expected[i].name);
    CHECK(field_type_name(fields[i].type) == expected[i].type);
    CHECK(!fields[i].description.empty());
    CHECK(((fields[i].flags & kFieldArgRequired) != 0) == (expected[i].flags.find("ARG_REQUIRED") != std::string::npos));
    CHECK(((fields[i].flags & kFieldDeprecated) != 0) == (expected[i].flags.find("DEPRECATED") != std::string::npos));
  }
}

TEST_CASE("vigil's own fields are listed right after the field they extend, marked as extensions") {
  auto reg = make_syscall_field_registry();
  auto extensions = read_vigil_fields_tsv();
  REQUIRE_FALSE(extensions.empty());
  auto fields = reg->fields();
  for (const auto& [name, after] : extensions) {
    INFO(name);
    auto at = std::find_if(fields.begin(), fields.end(), [&](const FieldInfo& f) { return f.name == name; });
    REQUIRE(at != fields.end());
    CHECK(at->description.starts_with("(vigil extension) "));
    // Directly after `after`, or after other extensions that follow it.
    auto prev = at;
    while (prev != fields.begin() && (prev - 1)->description.starts_with("(vigil extension)")) --prev;
    REQUIRE(prev != fields.begin());
    CHECK((prev - 1)->name == after);
  }
  CHECK(reg->find("fd.realpath") != nullptr);
}

TEST_CASE("every field without a required argument binds by its plain name") {
  auto reg = make_syscall_field_registry();
  for (const auto& f : reg->fields()) {
    INFO(f.name);
    auto r = reg->bind(f.name, std::nullopt);
    bool required = (f.flags & kFieldArgRequired) != 0 && f.name != "evt.abspath";
    CHECK(r.ok() == !required);
    if (r.ok()) CHECK(r.value()->info().name == f.name);
  }
}

TEST_CASE("bracket and dotted arguments bind to the right field with the argument as written") {
  auto reg = make_syscall_field_registry();
  struct Case {
    std::string_view token;
    std::optional<std::string_view> arg;
    std::string_view field, argument;
  };
  const Case cases[] = {
      {"proc.aname", "2", "proc.aname", "2"},
      {"proc.aexepath", "1", "proc.aexepath", "1"},
      {"proc.apid", "0", "proc.apid", "0"},
      {"proc.args", "1", "proc.args", "1"},
      {"proc.env", "HOME", "proc.env", "HOME"},
      {"proc.aenv", "3", "proc.aenv", "3"},
      {"proc.aenv", "PATH", "proc.aenv", "PATH"},
      {"evt.arg", "0", "evt.arg", "0"},
      {"evt.arg.name", std::nullopt, "evt.arg", "name"},
      {"evt.arg.flags", std::nullopt, "evt.arg", "flags"},
      {"evt.rawarg.res", std::nullopt, "evt.rawarg", "res"},
      {"fd.types", "1", "fd.types", "1"},
      {"evt.type.is.open", std::nullopt, "evt.type.is", "open"},
      {"evt.type.is.3", std::nullopt, "evt.type.is", "3"},
      {"evt.abspath", std::nullopt, "evt.abspath", ""},
      {"evt.abspath.dst", std::nullopt, "evt.abspath", "dst"},
      {"thread.cgroup.cpuset", std::nullopt, "thread.cgroup", "cpuset"},
      {"container.mount.dest", "/var/run/docker.sock", "container.mount.dest", "/var/run/docker.sock"},
      {"container.label.io.kubernetes.pod.name", std::nullopt, "container.label", "io.kubernetes.pod.name"},
      {"k8s.pod.label", "app", "k8s.pod.label", "app"},
      {"evt.around", "1600000000000000000", "evt.around", "1600000000000000000"},
      {"fd.cip.name", std::nullopt, "fd.cip.name", ""},
      {"proc.sid.exepath", std::nullopt, "proc.sid.exepath", ""},
  };
  for (const auto& c : cases) {
    INFO(c.token << (c.arg ? "[" + std::string(*c.arg) + "]" : std::string()));
    auto r = reg->bind(c.token, c.arg);
    REQUIRE(r.ok());
    CHECK(r.value()->info().name == c.field);
    CHECK(r.value()->argument() == c.argument);
  }
}

TEST_CASE("bad field names and arguments are refused with an error that names the problem") {
  auto reg = make_syscall_field_registry();
  CHECK_THAT(bind_error(*reg, "proc.nme"), Catch::Contains("unknown field 'proc.nme'"));
  CHECK_THAT(bind_error(*reg, "proc.name.x"), Catch::Contains("unknown field"));
  CHECK_THAT(bind_error(*reg, "proc.name", "1"), Catch::Contains("does not take an argument"));
  CHECK_THAT(bind_error(*reg, "proc.aname", "x"), Catch::Contains("ancestor level"));
  CHECK_THAT(bind_error(*reg, "proc.aname", "-1"), Catch::Contains("non-negative integer"));
  CHECK_THAT(bind_error(*reg, "proc.args", "one"), Catch::Contains("argument index"));
  CHECK_THAT(bind_error(*reg, "fd.types", "a"), Catch::Contains("fd number"));
  CHECK_THAT(bind_error(*reg, "evt.arg"), Catch::Contains("requires an argument"));
  CHECK_THAT(bind_error(*reg, "evt.arg.nosuchparam"), Catch::Contains("no event has a parameter named 'nosuchparam'"));
  CHECK_THAT(bind_error(*reg, "evt.arg", "name"), Catch::Contains("evt.arg.name"));
  CHECK_THAT(bind_error(*reg, "evt.arg.name", "0"), Catch::Contains("not both"));
  CHECK_THAT(bind_error(*reg, "evt.rawarg", "0"), Catch::Contains("parameter name"));
  CHECK_THAT(bind_error(*reg, "evt.type.is"), Catch::Contains("requires an event name"));
  CHECK_THAT(bind_error(*reg, "evt.type.is.opne"), Catch::Contains("unknown event name 'opne'"));
  CHECK_THAT(bind_error(*reg, "evt.type.is.99999"), Catch::Contains("no event has number"));
  CHECK_THAT(bind_error(*reg, "evt.abspath.up"), Catch::Contains("'src' or 'dst'"));
  CHECK_THAT(bind_error(*reg, "thread.cgroup"), Catch::Contains("requires a subsystem"));
  CHECK_THAT(bind_error(*reg, "thread.cgroup.cpu-set"), Catch::Contains("letters"));
  CHECK_THAT(bind_error(*reg, "evt.around"), Catch::Contains("timestamp"));
  CHECK_THAT(bind_error(*reg, "container.mount"), Catch::Contains("requires an argument"));
  CHECK_THAT(bind_error(*reg, "container.label"), Catch::Contains("label key"));
}

TEST_CASE("find returns a field by its exact name only") {
  auto reg = make_syscall_field_registry();
  REQUIRE(reg->find("fd.sip") != nullptr);
  CHECK(reg->find("fd.sip")->type == FieldType::IpAddr);
  CHECK(reg->find("fd.types")->type == FieldType::ListCharBuf);
  CHECK(reg->find("evt.arg.name") == nullptr);
}
