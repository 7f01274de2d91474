// engine-cases.md §1 (lists) and §2 (macros).
#include <catch2/catch.hpp>

#include "support/rules_fixture.h"

using vigil::test::load_rules;
using vigil::test::rule_yaml;

namespace {
const char* const kNoPrevList = "List uses 'append' or 'override.items: append' but no list by that name already exists";
const char* const kNoPrevMacro =
    "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists";
}  // namespace

TEST_CASE("a list appended with override after the rule that uses it still applies") {
  auto l = load_rules(R"(
- list: shell_binaries
  items: [ash, bash, csh, ksh, sh, tcsh, zsh, dash]
- rule: legit_rule
  desc: legit rule description
  condition: evt.type=open and proc.name in (shell_binaries)
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
- list: shell_binaries
  items: [pwsh]
  override:
    items: append
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("legit_rule") == "(evt.type = open and proc.name in (ash, bash, csh, ksh, sh, tcsh, zsh, dash, pwsh))");
}

TEST_CASE("a list override append before any definition fails") {
  auto l = load_rules(R"(
- list: dev_creation_binaries
  items: ["csi-provisioner", "csi-attacher"]
  override:
    items: append
)");
  CHECK_FALSE(l.ok());
  CHECK(l.has_error(kNoPrevList));
}

TEST_CASE("a list override replace before definition defines it and a later plain definition wins") {
  auto l = load_rules(R"(
- list: dev_creation_binaries
  items: ["csi-provisioner", "csi-attacher"]
  override:
    items: replace
- list: dev_creation_binaries
  items: [blkid]
- rule: test_rule
  desc: test rule description
  condition: evt.type = execve and proc.name in (dev_creation_binaries)
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("test_rule") == "(evt.type = execve and proc.name in (blkid))");
}

TEST_CASE("a list append true before any definition fails") {
  auto l = load_rules(R"(
- list: dev_creation_binaries
  items: ["csi-provisioner", "csi-attacher"]
  append: true
)");
  CHECK_FALSE(l.ok());
  CHECK(l.has_error(kNoPrevList));
}

TEST_CASE("a list appended after its definition, by override or by append true, gains the items") {
  const char* base = R"(
- list: dev_creation_binaries
  items: [blkid]
- rule: test_rule
  desc: test rule description
  condition: evt.type = execve and proc.name in (dev_creation_binaries)
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
)";
  for (const char* tail : {"- list: dev_creation_binaries\n  items: [\"csi-provisioner\", \"csi-attacher\"]\n  override:\n    items: append\n",
                           "- list: dev_creation_binaries\n  items: [\"csi-provisioner\", \"csi-attacher\"]\n  append: true\n"}) {
    auto l = load_rules(std::string(base) + tail);
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.compiled("test_rule") == "(evt.type = execve and proc.name in (blkid, csi-provisioner, csi-attacher))");
  }
}

TEST_CASE("a misspelled override key is ignored with a warning and the later definition wins") {
  auto l = load_rules(R"(
- list: dev_creation_binaries
  items: ["csi-provisioner", "csi-attacher"]
- list: dev_creation_binaries
  items: [blkid]
  override_written_wrong:
    items: append
- rule: test_rule
  desc: test rule description
  condition: evt.type = execve and proc.name in (dev_creation_binaries)
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
)");
  REQUIRE(l.ok());
  CHECK(l.has_warning("Unknown key 'override_written_wrong'"));
  CHECK(l.compiled("test_rule") == "(evt.type = execve and proc.name in (blkid))");
}

TEST_CASE("a list value containing a space is kept as one item and not mistaken for a list reference") {
  auto l = load_rules(R"(
- list: my_list
  items: [non_escaped_val, "escaped val"]
)" +
                      rule_yaml("r", "evt.type = open and proc.name in (my_list)"));
  REQUIRE(l.ok());
  CHECK(l.compiled("r") == "(evt.type = open and proc.name in (non_escaped_val, \"escaped val\"))");
  auto unused = load_rules("- list: my_list\n  items: [non_escaped_val, \"escaped val\"]\n");
  REQUIRE(unused.ok());
  CHECK(unused.has_warning("List not referred to by any other rule/macro"));
  CHECK(unused.engine->rules().empty());
}

TEST_CASE("an invalid list name loads with a warning") {
  auto l = load_rules(R"(
- list: test list
  items: [open, openat]
)" +
                      rule_yaml("r", "evt.type in (test list)"));
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.has_warning("List has an invalid name. List names should match a regular expression"));
}

TEST_CASE("unknown keys on lists, including rule-only keys, are warnings") {
  auto a = load_rules("- list: l\n  items: [a]\n  typo_field: x\n");
  REQUIRE(a.ok());
  CHECK(a.has_warning("Unknown key 'typo_field'"));
  auto b = load_rules("- list: l\n  items: [a]\n  priority: INFO\n");
  REQUIRE(b.ok());
  CHECK(b.has_warning("Unknown key 'priority'"));
}

TEST_CASE("a macro appended with override keeps the original body as one parenthesised node") {
  auto l = load_rules(R"(
- macro: interactive
  condition: >
    ((proc.aname=sshd and proc.name != sshd) or
    proc.name=systemd-logind or proc.name=login)
- rule: legit_rule
  desc: legit rule description
  condition: evt.type=open and interactive
  output: user=%user.name command=%proc.cmdline file=%fd.name
  priority: INFO
- macro: interactive
  condition: or proc.name = ssh
  override:
    condition: append
)");
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("legit_rule") ==
        "(evt.type = open and (((proc.aname = sshd and proc.name != sshd) or proc.name = systemd-logind or "
        "proc.name = login) or proc.name = ssh))");
}

TEST_CASE("macro appends before any definition fail") {
  for (const char* mode : {"  override:\n    condition: append\n", "  append: true\n"}) {
    auto l = load_rules(std::string("- macro: m\n  condition: or evt.type = openat2\n") + mode);
    CHECK_FALSE(l.ok());
    CHECK(l.has_error(kNoPrevMacro));
  }
}

TEST_CASE("a macro override replace before definition defines it and a plain definition replaces it") {
  auto l = load_rules(R"(
- macro: open_simple
  condition: or evt.type = openat2
  override:
    condition: replace
- macro: open_simple
  condition: evt.type in (open,openat)
)" +
                      rule_yaml("r", "open_simple"));
  INFO(l.all_messages());
  REQUIRE(l.ok());
  CHECK(l.compiled("r") == "evt.type in (open, openat)");
}

TEST_CASE("a macro appended after its definition, by override or append true, extends the condition") {
  for (const char* mode : {"  override:\n    condition: append\n", "  append: true\n"}) {
    auto l = load_rules(std::string(R"(
- macro: open_simple
  condition: evt.type in (open,openat)
)" +
                                    rule_yaml("r", "open_simple") +
                                    R"(- macro: open_simple
  condition: or evt.type = openat2
)") + mode);
    INFO(l.all_messages());
    REQUIRE(l.ok());
    CHECK(l.compiled("r") == "(evt.type in (open, openat) or evt.type = openat2)");
  }
}

TEST_CASE("an invalid macro name and unknown macro keys are warnings") {
  auto a = load_rules("- macro: test-macro\n  condition: evt.type = open\n");
  REQUIRE(a.ok());
  CHECK(a.has_warning("Macro has an invalid name. Macro names should match a regular expression"));
  auto b = load_rules("- macro: m\n  condition: evt.type = open\n  typo_field: x\n");
  REQUIRE(b.ok());
  CHECK(b.has_warning("Unknown key 'typo_field'"));
}
