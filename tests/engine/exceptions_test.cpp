// engine-cases.md §7 (exceptions) and §8 (deprecated fields).
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"

using vigil::test::load_rules;

namespace {

vigil::test::LoadedRules rule_with_exceptions(const std::string& cond, const std::string& exceptions) {
  return load_rules("- rule: r\n  desc: d\n  condition: " + cond +
                    "\n  output: o\n  priority: INFO\n  exceptions:\n" + exceptions);
}

}  // namespace

TEST_CASE("a list-form exception becomes an and-not term with quoted values") {
  auto l = rule_with_exceptions("proc.cmdline contains curl or proc.cmdline contains wget",
                                "    - name: ex\n      fields: [proc.cmdline]\n      comps: [contains]\n      values:\n        - [curl 127.0.0.1]\n");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("r") ==
        "((proc.cmdline contains curl or proc.cmdline contains wget) and not proc.cmdline contains \"curl 127.0.0.1\")");
}

TEST_CASE("appending an exception without values warns, by append true and by override") {
  const std::string base = R"(
- rule: r
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  exceptions:
    - name: proc_names
      fields: [proc.name]
      values: [[cat]]
)";
  auto a = load_rules(base + "- rule: r\n  exceptions:\n    - name: proc_names\n      value: [[dog]]\n  append: true\n");
  INFO(a.all_messages());
  CHECK(a.ok());
  CHECK(a.has_warning("Overriding/appending exception with no values"));
  auto b = load_rules(base + "- rule: r\n  exceptions:\n    - name: proc_names\n      value: [[dog]]\n  override:\n    exceptions: append\n");
  CHECK(b.ok());
  CHECK(b.has_warning("Overriding/appending exception with no values"));
}

TEST_CASE("two exceptions with the same name in one rule warn") {
  auto l = rule_with_exceptions("evt.type = open",
                                "    - name: a\n      fields: [proc.name]\n      values: [[cat]]\n"
                                "    - name: a\n      fields: [proc.name]\n      values: [[dog]]\n");
  REQUIRE(l.ok());
  CHECK(l.has_warning("Multiple definitions of exception"));
}

TEST_CASE("an exception value that names a field is a string constant with a warning") {
  for (const char* v : {"proc.pname", "\"proc.pname\""}) {
    auto l = rule_with_exceptions("evt.type = open", std::string("    - name: a\n      fields: [proc.name]\n      comps: [=]\n      values:\n        - [") + v + "]\n");
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.compiled("r") == "(evt.type = open and not proc.name = proc.pname)");
    CHECK(l.has_warning("'proc.pname' may be a valid field misused as a const string value"));
  }
  auto t = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.name]\n      comps: [=]\n      values:\n        - [\"proc.pname \"]\n");
  REQUIRE(t.ok());
  CHECK(t.compiled("r") == "(evt.type = open and not proc.name = \"proc.pname \")");
  CHECK(t.has_warning("'proc.pname ' may be a valid field misused as a const string value"));
}

TEST_CASE("an exception value that is a transformer compares two fields") {
  for (const char* v : {"toupper(proc.pname)", "\"toupper(proc.pname)\""}) {
    auto l = rule_with_exceptions("evt.type = open", std::string("    - name: a\n      fields: [proc.name]\n      comps: [=]\n      values:\n        - [") + v + "]\n");
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.compiled("r") == "(evt.type = open and not proc.name = toupper(proc.pname))");
  }
  for (const char* v : {"toupper( proc.pname)", "\"toupper( proc.pname)\""}) {
    auto l = rule_with_exceptions("evt.type = open", std::string("    - name: a\n      fields: [proc.name]\n      comps: [=]\n      values:\n        - [") + v + "]\n");
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.compiled("r") == "(evt.type = open and not proc.name = \"toupper( proc.pname)\")");
    CHECK(l.has_warning("'toupper( proc.pname)' may be a valid field transformer misused as a const string value"));
  }
}

TEST_CASE("an exception field may be a transformer expression") {
  for (const char* f : {"tolower(proc.name)", "\"tolower(proc.name)\"", "\"tolower( proc.name)\""}) {
    auto l = rule_with_exceptions("evt.type = open", std::string("    - name: a\n      fields: [") + f + "]\n      comps: [=]\n      values:\n        - [test]\n");
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.warning_count() == 0);
    CHECK(l.compiled("r") == "(evt.type = open and not tolower(proc.name) = test)");
  }
}

TEST_CASE("list modifiers in comps compile to modifier checks") {
  auto a = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.name]\n      comps: [startswith oneof]\n      values:\n        - [[sshd, sudo, systemd]]\n");
  INFO(a.all_messages());
  REQUIRE(a.ok());
  CHECK(a.compiled("r") == "(evt.type = open and not proc.name startswith oneof (sshd, sudo, systemd))");
  auto b = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.cmdline]\n      comps: [contains allof]\n      values:\n        - [[curl, bash]]\n");
  CHECK(b.compiled("r") == "(evt.type = open and not proc.cmdline contains allof (curl, bash))");
  auto c = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [fd.name]\n      comps: [endswith anyof]\n      values:\n        - [[.sh, .py, .pl]]\n");
  CHECK(c.compiled("r") == "(evt.type = open and not fd.name endswith anyof (.sh, .py, .pl))");
  auto d = rule_with_exceptions("evt.type = open",
                                "    - name: a\n      fields: [fd.name]\n      comps: [glob oneof]\n      values:\n        - [[\"/tmp/*.sh\", \"/var/*\"]]\n"
                                "    - name: b\n      fields: [proc.name]\n      comps: [icontains oneof]\n      values:\n        - [[SSH, sudo]]\n"
                                "    - name: c\n      fields: [proc.name]\n      comps: [regex oneof]\n      values:\n        - [[\"research[0-9]+\", \"pentest-[0-9]{2,4}\"]]\n");
  INFO(d.all_messages());
  CHECK(d.ok());
}

TEST_CASE("multi-field exceptions mix modifier and plain comparisons") {
  auto a = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.name, fd.name]\n      comps: [startswith oneof, startswith]\n      values:\n        - [[sshd, sudo], /etc/]\n");
  INFO(a.all_messages());
  REQUIRE(a.ok());
  CHECK(a.compiled("r") == "(evt.type = open and not (proc.name startswith oneof (sshd, sudo) and fd.name startswith /etc/))");
  auto b = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [fd.name, proc.name]\n      comps: [endswith anyof, glob oneof]\n      values:\n        - [[.sh, .py], [\"ba*\", \"z?h\"]]\n");
  CHECK(b.ok());
}

TEST_CASE("unsupported comparison operators in comps are rejected") {
  auto list_form = [](const char* comp) {
    return rule_with_exceptions("evt.type = open", std::string("    - name: a\n      fields: [proc.name]\n      comps: [\"") + comp + "\"]\n      values:\n        - [[a]]\n");
  };
  CHECK(list_form("frobulate oneof").has_error("'frobulate oneof' is not a supported comparison operator"));
  CHECK(list_form("in oneof").has_error("'in oneof' is not a supported comparison operator"));
  CHECK(list_form(">= oneof").has_error("'>= oneof' is not a supported comparison operator"));
  CHECK(list_form("oneof").has_error("'oneof' is not a supported comparison operator"));
  auto scalar = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: proc.name\n      comps: frobulate oneof\n      values: [a]\n");
  CHECK_FALSE(scalar.ok());
  CHECK(scalar.has_error("comps must be one of"));
}

TEST_CASE("scalar-field exceptions with in and pmatch load") {
  auto a = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: proc.name\n      comps: in\n      values: [cat, grep]\n");
  INFO(a.all_messages());
  REQUIRE(a.ok());
  CHECK(a.compiled("r") == "(evt.type = open and not proc.name in (cat, grep))");
  auto b = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: proc.exepath\n      comps: pmatch\n      values: [/usr/bin/, /usr/local/bin/]\n");
  INFO(b.all_messages());
  CHECK(b.ok());
}

TEST_CASE("equality with oneof, a scalar value with a modifier, and several exceptions in order") {
  auto a = rule_with_exceptions("evt.type = execve", "    - name: a\n      fields: [proc.name]\n      comps: [= oneof]\n      values:\n        - [[nmap, masscan, nikto]]\n");
  REQUIRE(a.ok());
  CHECK(a.compiled("r") == "(evt.type = execve and not proc.name = oneof (nmap, masscan, nikto))");
  auto b = rule_with_exceptions("evt.type = execve", "    - name: a\n      fields: [proc.name]\n      comps: [startswith oneof]\n      values:\n        - [sshd]\n");
  REQUIRE(b.ok());
  CHECK(b.compiled("r") == "(evt.type = execve and not proc.name startswith oneof (sshd))");
  auto c = rule_with_exceptions("evt.type = execve",
                                "    - name: a\n      fields: [proc.name]\n      comps: [startswith oneof]\n      values:\n        - [[ssh, su]]\n"
                                "    - name: b\n      fields: [proc.name]\n      comps: [startswith anyof]\n      values:\n        - [[ssh, su]]\n"
                                "    - name: c\n      fields: [proc.cmdline]\n      comps: [contains allof]\n      values:\n        - [[curl, ci.internal]]\n");
  REQUIRE(c.ok());
  CHECK(c.compiled("r") ==
        "(evt.type = execve and not proc.name startswith oneof (ssh, su) and not proc.name startswith anyof (ssh, su) "
        "and not proc.cmdline contains allof (curl, ci.internal))");
}

TEST_CASE("comps with surrounding whitespace are trimmed") {
  auto l = rule_with_exceptions("evt.type = open",
                                "    - name: a\n      fields: [proc.name]\n      comps: [\"  startswith oneof  \"]\n      values:\n        - [[sshd, sudo]]\n"
                                "    - name: b\n      fields: [proc.name, fd.name]\n      comps: [\"  contains  \", startswith anyof]\n      values:\n        - [agent, [/etc/, /var/]]\n");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("r") ==
        "(evt.type = open and not proc.name startswith oneof (sshd, sudo) and not (proc.name contains agent and "
        "fd.name startswith anyof (/etc/, /var/)))");
}

TEST_CASE("a plain three-field exception is one parenthesised and-term") {
  auto l = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.name, fd.name, proc.exepath]\n      comps: [contains, startswith, =]\n      values:\n        - [agent, /var/log/, /usr/bin/prometheus]\n");
  REQUIRE(l.ok());
  CHECK(l.compiled("r") ==
        "(evt.type = open and not (proc.name contains agent and fd.name startswith /var/log/ and proc.exepath = "
        "/usr/bin/prometheus))");
}

TEST_CASE("exception rows must have one value per field and fields must exist") {
  auto a = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.name, fd.name]\n      values:\n        - [cat]\n");
  CHECK(a.has_error("Fields and values lists must have equal length"));
  auto b = rule_with_exceptions("evt.type = open", "    - name: a\n      fields: [proc.nosuchfield]\n      values:\n        - [cat]\n");
  CHECK(b.has_error("'proc.nosuchfield' is not a supported filter field"));
}

TEST_CASE("evt.dir in an output or a condition warns as deprecated, with the condition as snippet") {
  auto a = load_rules("- rule: r\n  desc: d\n  condition: evt.type = close\n  output: dir=%evt.dir\n  priority: INFO\n");
  REQUIRE(a.ok());
  CHECK(a.has_warning("usage of deprecated field 'evt.dir' has been detected in the rule output"));
  CHECK(a.enabled() == 1);
  auto b = load_rules("- rule: r\n  desc: d\n  condition: evt.type = close\n  output: o %proc.name\n  priority: INFO\n");
  CHECK_FALSE(b.has_warning("evt.dir"));
  auto c = load_rules("- rule: r\n  desc: d\n  condition: >\n    evt.type = close and evt.dir = <\n  output: o\n  priority: INFO\n");
  REQUIRE(c.ok());
  bool found = false;
  for (auto& d : c.result.diagnostics) {
    if (d.code != "LOAD_DEPRECATED_ITEM") continue;
    found = true;
    CHECK(d.message.find("evt.dir") != std::string::npos);
    CHECK(d.snippet.find("condition: >") == std::string::npos);
    CHECK(d.snippet.find("evt.type = close") != std::string::npos);
  }
  CHECK(found);
  auto m = load_rules("- macro: spawned_process\n  condition: evt.type = execve and evt.dir = <\n"
                      "- rule: r\n  desc: d\n  condition: >\n    spawned_process and proc.name = cat\n  output: o\n  priority: INFO\n");
  REQUIRE(m.ok());
  bool found_macro = false;
  for (auto& d : m.result.diagnostics) {
    if (d.code != "LOAD_DEPRECATED_ITEM") continue;
    found_macro = true;
    CHECK(d.snippet.find("condition: >") == std::string::npos);
    CHECK(d.snippet.find("spawned_process") != std::string::npos);
  }
  CHECK(found_macro);
}
