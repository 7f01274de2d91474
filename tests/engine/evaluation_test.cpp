// Operator and value semantics of compiled conditions (rules-language.md §B.4, §B.5, §B.10,
// §B.11, §E), evaluated on fake events of the fields.tsv registry.
#include <catch2/catch.hpp>

#include "condition/event_type_names.h"
#include "condition/filter_compiler.h"
#include "condition/parser.h"
#include "support/tsv_field_registry.h"

using vigil::test::FakeEvent;
using namespace vigil::engine;

namespace {

struct Compiled {
  eval::FilterPtr filter;
  std::vector<condition::CompileMessage> messages;
  std::string error() const {
    for (auto& m : messages)
      if (m.error) return m.message;
    return {};
  }
};

const condition::EventTypeNames& type_names() {
  static const condition::EventTypeNames names;
  return names;
}

Compiled compile(const std::string& text) {
  Compiled c;
  condition::Expr e;
  condition::ParseError err;
  if (!condition::parse_condition(text, e, err)) {
    c.messages.push_back({true, "parse", err.message, err.offset, false});
    return c;
  }
  condition::FilterCompiler fc(vigil::test::tsv_registry(), type_names());
  c.filter = fc.compile(e, c.messages);
  return c;
}

bool eval_on(const std::string& text, const FakeEvent& ev, uint16_t type = 3) {
  auto c = compile(text);
  INFO(text << " -> " << c.error());
  REQUIRE(c.filter);
  return c.filter->eval({&ev.ctx(), type});
}

uint16_t code_of(const char* name) {
  auto* set = type_names().find(name);
  REQUIRE(set);
  for (uint16_t i = 0; i < eval::kMaxEventCodes; ++i)
    if (set->test(i) && (i & 1)) return i;
  return 0;
}

}  // namespace

TEST_CASE("string operators compare bytes, case-sensitively except the i-variants") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"}).set("fd.name", {"/var/run/docker.sock"});
  CHECK(eval_on("proc.name = cat", ev));
  CHECK_FALSE(eval_on("proc.name = CAT", ev));
  CHECK(eval_on("proc.name icontains CA", ev));
  CHECK(eval_on("proc.name != dog", ev));
  CHECK(eval_on("fd.name contains docker", ev));
  CHECK(eval_on("fd.name startswith /var/", ev));
  CHECK(eval_on("fd.name endswith .sock", ev));
  CHECK(eval_on("fd.name glob '/var/*/docker.*'", ev));
  CHECK(eval_on("fd.name iglob '/VAR/*'", ev));
  CHECK_FALSE(eval_on("fd.name glob '/var/run'", ev));
  CHECK(eval_on("fd.name regex /var/run/[a-z]+\\.sock", ev));
  CHECK(compile("fd.name regex '/var/run/\\.sock'").error() == "unsupported string escape sequence");
  CHECK_FALSE(eval_on("fd.name regex 'docker'", ev));
  CHECK(eval_on("proc.name > 5", ev));  // byte order: "cat" > "5"
  CHECK(eval_on("proc.name in (ls, cat)", ev));
  CHECK_FALSE(eval_on("proc.name in ()", ev));
  CHECK(eval_on("proc.name intersects (cat)", ev));
}

TEST_CASE("pmatch matches whole path components, with globs in components") {
  FakeEvent ev;
  auto on = [&](const std::string& path, const std::string& list) {
    ev.set("fd.name", {path});
    return eval_on("fd.name pmatch (" + list + ")", ev);
  };
  CHECK(on("/var/run", "/var/run"));
  CHECK(on("/var/run/x", "/var/run"));
  CHECK_FALSE(on("/var/runx", "/var/run"));
  CHECK(on("/etc/ssh/sshd_config", "/usr, /etc/s*"));
  CHECK(on("//var//run/", "/var/run"));
  CHECK_FALSE(on("/usr", "/usr/bin"));
}

TEST_CASE("missing values make every comparison false and not-comparisons true") {
  FakeEvent ev;
  ev.set("proc.name", {"cat"});
  CHECK_FALSE(eval_on("fd.cport != 0", ev));
  CHECK(eval_on("not fd.cport = 0", ev));
  CHECK_FALSE(eval_on("fd.name in (a, b)", ev));
  CHECK_FALSE(eval_on("fd.name exists", ev));
  CHECK(eval_on("not fd.name exists", ev));
  CHECK(eval_on("proc.name exists", ev));
  CHECK_FALSE(eval_on("fd.name = \"<NA>\"", ev));
}

TEST_CASE("numeric fields compare as numbers and reject non-decimal values") {
  FakeEvent ev;
  ev.set_num("proc.pid", {123});
  CHECK(eval_on("proc.pid = 123", ev));
  CHECK(eval_on("proc.pid = \"123\"", ev));
  CHECK(eval_on("proc.pid > 99", ev));
  CHECK(eval_on("proc.pid <= 123", ev));
  CHECK(eval_on("proc.pid in (1, 123)", ev));
  CHECK(eval_on("proc.pid = +123", ev));
  CHECK(compile("proc.pid = 0x10").error() == "0x10 is not a valid number");
  CHECK(compile("proc.pid = 1.5").error() == "1.5 is not a valid number");
  CHECK(compile("proc.pid contains 1").error() == "'contains' operator not supported for int64 filters");
}

TEST_CASE("booleans accept only true and false") {
  FakeEvent ev;
  ev.set_bool("evt.is_open_read", true);
  CHECK(eval_on("evt.is_open_read = true", ev));
  CHECK_FALSE(eval_on("evt.is_open_read = false", ev));
  CHECK(compile("evt.is_open_read = yes").error() == "unrecognized boolean value yes");
}

TEST_CASE("IP fields compare as addresses and networks as containment") {
  FakeEvent ev;
  ev.set_ip("fd.sip", "127.0.0.1");
  CHECK(eval_on("fd.sip = 127.0.0.1", ev));
  CHECK_FALSE(eval_on("fd.sip = 127.0.0.2", ev));
  CHECK(eval_on("fd.sip in (10.0.0.1, 127.0.0.1)", ev));
  CHECK(eval_on("fd.sip = 127.0.0.0/8", ev));
  CHECK_FALSE(eval_on("fd.sip = ::1", ev));
  ev.set_ip("fd.net", "127.0.0.1");
  CHECK(eval_on("fd.net in (\"127.0.0.1/24\")", ev));
  CHECK(compile("fd.sip = 300.1.1.1").error() == "unrecognized IPv4 address 300.1.1.1");
  CHECK(compile("fd.sip contains 1").error() == "'contains' operator not supported for ipaddr filters");
}

TEST_CASE("ancestor fields without an argument match if any ancestor does") {
  FakeEvent ev;
  ev.set("proc.aname", {"bash", "sshd", "systemd"});
  CHECK(eval_on("proc.aname = sshd", ev));
  CHECK(eval_on("proc.aname in (init, systemd)", ev));
  CHECK_FALSE(eval_on("proc.aname = cron", ev));
  ev.set("proc.aname[2]", {"sshd"});
  CHECK(eval_on("proc.aname[2] = sshd", ev));
}

TEST_CASE("list fields: in means every element, intersects means some element") {
  FakeEvent ev;
  ev.set("fd.types", {"ipv4", "file"});
  CHECK(eval_on("fd.types in (ipv4, file, unix)", ev));
  CHECK_FALSE(eval_on("fd.types in (ipv4)", ev));
  CHECK(eval_on("fd.types intersects (ipv4)", ev));
  CHECK(compile("fd.types = ipv4").error() == "'=' operator not supported for list filters");
}

TEST_CASE("list modifiers count matching elements") {
  FakeEvent ev;
  ev.set("proc.name", {"sshd"});
  CHECK(eval_on("proc.name startswith oneof (ss, x)", ev));
  CHECK_FALSE(eval_on("proc.name startswith oneof (ss, ssh)", ev));
  CHECK_FALSE(eval_on("proc.name == oneof (sshd, sshd)", ev));
  CHECK(eval_on("proc.name startswith anyof (x, ssh)", ev));
  CHECK(eval_on("proc.name contains allof (s, h, d)", ev));
  CHECK_FALSE(eval_on("proc.name contains allof (s, x)", ev));
  CHECK(eval_on("proc.name regex oneof ('s+hd', 'x')", ev));
}

TEST_CASE("transformers change values before comparing") {
  FakeEvent ev;
  ev.set("proc.name", {"NGINX"}).set("proc.pname", {"nginx"}).set("fd.name", {"/usr/bin/ls"});
  ev.set("proc.cmdline", {"Y3VybA=="});
  CHECK(eval_on("tolower(proc.name) = nginx", ev));
  CHECK(eval_on("toupper(proc.pname) = NGINX", ev));
  CHECK(eval_on("basename(fd.name) = ls", ev));
  CHECK(eval_on("len(fd.name) = 11", ev));
  CHECK(eval_on("b64(proc.cmdline) = curl", ev));
  CHECK(eval_on("concat(proc.pname, \"-\", proc.pname) = nginx-nginx", ev));
  CHECK(eval_on("proc.name = toupper(proc.pname)", ev));
  CHECK(eval_on("tolower(proc.name) = val(proc.pname)", ev));
  CHECK_FALSE(eval_on("proc.name = val(proc.pname)", ev));
  CHECK_FALSE(eval_on("proc.name = val(proc.exe)", ev));
  CHECK(compile("tolower(proc.pid) = 1").error().find("can't add field transformer") == 0);
  CHECK(compile("tolower(proc.aname) = x").error() == "field 'proc.aname' does not support transformers");
  CHECK(compile("proc.name = val(proc.pid)").error().find("same type") != std::string::npos);
}

TEST_CASE("evt.type compiles to an event-code test and unknown names are errors") {
  FakeEvent ev;
  CHECK(eval_on("evt.type = open", ev, code_of("open")));
  CHECK_FALSE(eval_on("evt.type = open", ev, code_of("close")));
  CHECK(eval_on("evt.type != open", ev, code_of("close")));
  CHECK(eval_on("evt.type in (close, open)", ev, code_of("close")));
  auto bad = compile("evt.type = nosuchevent");
  CHECK(bad.error() == "unknown event type nosuchevent");
  CHECK(bad.messages[0].unknown_filter);
  CHECK(compile("evt.type = madvise").error().empty());
}

TEST_CASE("compile errors for fields, operators and regexes name what is wrong") {
  auto unknown = compile("proc.nobody = x");
  CHECK(unknown.error().find("nonexistent field proc.nobody") != std::string::npos);
  CHECK(unknown.messages[0].unknown_filter);
  CHECK(unknown.messages[0].offset == 0);
  CHECK(compile("proc.name = x and fd.nope = y").messages[0].offset == 18);
  CHECK(compile("proc.name regex '(unclosed'").error().find("invalid regular expression") == 0);
  CHECK(compile("evt.buffer bcontains 6g").error() == "invalid hex string 6g");
  CHECK(compile("proc.name bcontains 636174").error() == "'bcontains' operator not supported for string filters");
}

TEST_CASE("byte buffers support binary operators with hex values") {
  FakeEvent ev;
  ev.set("evt.buffer", {"cat /etc/passwd"});
  CHECK(eval_on("evt.buffer bcontains 636174", ev));
  CHECK(eval_on("evt.buffer bstartswith 636174", ev));
  CHECK_FALSE(eval_on("evt.buffer bstartswith 6574", ev));
  CHECK(eval_on("evt.buffer contains passwd", ev));
}

TEST_CASE("advisory warnings: unsafe <NA> checks on ka./jevt. fields and deprecated fields") {
  auto warns = [](const std::string& text, const std::string& code) {
    auto c = compile(text);
    for (auto& m : c.messages)
      if (!m.error && m.code == code) return true;
    return false;
  };
  CHECK_FALSE(warns("ka.field exists", "LOAD_UNSAFE_NA_CHECK"));
  CHECK_FALSE(warns("some.field = <NA>", "LOAD_UNSAFE_NA_CHECK"));
  for (const char* t : {"jevt.field = <NA>", "ka.field = <NA>", "ka.field == <NA>", "ka.field != <NA>",
                        "ka.field in (<NA>)", "ka.field in (otherval, <NA>)", "ka.field intersects (<NA>)",
                        "ka.field pmatch (<NA>)", "tolower(ka.field) = <NA>", "concat(proc.name, ka.field) = <NA>"}) {
    INFO(t);
    CHECK(warns(t, "LOAD_UNSAFE_NA_CHECK"));
  }
  CHECK_FALSE(warns("tolower(safe.field) = <NA>", "LOAD_UNSAFE_NA_CHECK"));
  compile("join(\",\", (ka.field, proc.name)) = <NA>");  // must not crash
  CHECK(warns("evt.dir = <", "LOAD_DEPRECATED_ITEM"));
  CHECK(warns("evt.type = open and evt.dir = >", "LOAD_DEPRECATED_ITEM"));
}

TEST_CASE("cheap checks run first: an event-type mismatch short-circuits an expensive regex") {
  FakeEvent ev;
  ev.set("proc.name", {"x"});
  // The regex would match; the event type does not. Order in the text must not matter.
  CHECK_FALSE(eval_on("proc.name regex 'x' and evt.type = open", ev, code_of("close")));
  CHECK(eval_on("proc.name regex 'x' or evt.type = open", ev, code_of("close")));
}
