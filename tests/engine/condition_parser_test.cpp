// The condition grammar (rules-language.md §B.2, §B.6, §B.7, §B.9) and engine-cases.md §14-§16.
#include <catch2/catch.hpp>

#include "condition/details.h"
#include "condition/list_substitution.h"
#include "condition/macro_expander.h"
#include "condition/parser.h"

using namespace vigil::engine::condition;

namespace {

std::string canon(const std::string& text) {
  Expr e;
  ParseError err;
  if (!parse_condition(text, e, err)) return "ERROR: " + err.message + " @" + std::to_string(err.offset);
  return to_string(e);
}

}  // namespace

TEST_CASE("conditions parse to the canonical form with not tightest, then and, then or") {
  CHECK(canon("evt.type=open and proc.name in (ash, bash, pwsh)") == "(evt.type = open and proc.name in (ash, bash, pwsh))");
  CHECK(canon("a and b or c and d") == "((a and b) or (c and d))");
  CHECK(canon("not a and b") == "(not a and b)");
  CHECK(canon("not not a") == "not not a");
  CHECK(canon("not(a or b)") == "not (a or b)");
  CHECK(canon("evt.type in(open,openat)") == "evt.type in (open, openat)");
  CHECK(canon("proc.name=cat") == "proc.name = cat");
  CHECK(canon("  (proc.name exists)  ") == "proc.name exists");
  CHECK(canon("proc.aname[2] = bash") == "proc.aname[2] = bash");
  CHECK(canon("proc.env[\"HOME\"] = x") == "proc.env[HOME] = x");
  CHECK(canon("tolower(proc.name) = nginx") == "tolower(proc.name) = nginx");
  CHECK(canon("toupper(tolower(proc.aname[2])) = X") == "toupper(tolower(proc.aname[2])) = X");
  CHECK(canon("concat(proc.name, \"-x\") = a") == "concat(proc.name,-x) = a");
  CHECK(canon("proc.name = val(proc.pname)") == "proc.name = val(proc.pname)");
  CHECK(canon("proc.name startswith oneof (a, b)") == "proc.name startswith oneof (a, b)");
  CHECK(canon("proc.name = oneof") == "proc.name = oneof");
  CHECK(canon("proc.pid <= 10") == "proc.pid <= 10");
  CHECK(canon("fd.name in my_list") == "fd.name in (my_list)");
  CHECK(canon("proc.name = \"proc.pname \"") == "proc.name = \"proc.pname \"");
}

TEST_CASE("quoted strings support Falco's escapes and reject others") {
  CHECK(canon(R"(proc.name = "a\tb")") == "proc.name = \"a\\tb\"");
  CHECK(canon(R"(proc.name = "\x41\/")") == "proc.name = A/");
  CHECK(canon(R"(proc.name = 'it\'s')") == "proc.name = \"it's\"");
  CHECK(canon(R"(proc.name = "a\ b")") == "proc.name = \"a\\\\b\"");
  CHECK(canon(R"(proc.name = "bad\q")").rfind("ERROR: unsupported string escape sequence", 0) == 0);
  CHECK(canon(R"(proc.name = "\x4")").rfind("ERROR", 0) == 0);
  CHECK(canon(R"(fd.name = "/tmp/a=b")") == "fd.name = \"/tmp/a=b\"");
}

TEST_CASE("syntax errors name the problem and the offset") {
  CHECK(canon("") == "ERROR: filter input string is empty @0");
  CHECK(canon("evt.type=open bar") == "ERROR: unexpected token after 'open', expecting 'or', 'and' @14");
  CHECK(canon("(evt.type=open").rfind("ERROR: expected a ')' token", 0) == 0);
  CHECK(canon("proc.name ~ x").rfind("ERROR: expected a valid check operator", 0) == 0);
  CHECK(canon("proc.name < d").rfind("ERROR: expected a number", 0) == 0);
  CHECK(canon("a and(b)") == "(a and b)");
  CHECK(canon("AND").rfind("AND", 0) == 0);
  CHECK(canon("proc.name contains(x)").rfind("ERROR: expected a valid check operator", 0) == 0);
  CHECK(canon("= x").rfind("ERROR: expected a '(' token, a field check, or an identifier", 0) == 0);
}

TEST_CASE("hostile nesting is refused at the depth limit without crashing") {
  std::string deep(5000, '(');
  deep += "a";
  deep += std::string(5000, ')');
  CHECK(canon(deep).find("exceeded max depth limit") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  CHECK(canon(nots + "a").find("exceeded max depth limit") != std::string::npos);
  std::string ok(900, '(');
  ok += "a" + std::string(900, ')');
  CHECK(canon(ok) == "a");
}

TEST_CASE("list substitution is textual, delimited, quoted and comma-aware") {
  std::string shells = "shells", empty = "empty";
  std::vector<std::string> items = {"ash", "bash", "my shell"}, none;
  std::vector<ListText> lists = {{&shells, &items}, {&empty, &none}};
  std::vector<bool> used;
  CHECK(substitute_lists("proc.name in (shells)", lists, used) == "proc.name in ( ash, bash, \"my shell\" )");
  CHECK(used[0]);
  CHECK_FALSE(used[1]);
  CHECK(substitute_lists("proc.name in (my_shells, shellsx)", lists, used) == "proc.name in (my_shells, shellsx)");
  CHECK(canon(substitute_lists("proc.name in (a, empty)", lists, used)) == "proc.name in (a)");
  CHECK(canon(substitute_lists("proc.name in (empty, a)", lists, used)) == "proc.name in (a)");
  CHECK(canon(substitute_lists("proc.name=shells", lists, used)).rfind("ERROR", 0) == 0);
}

TEST_CASE("macro references are replaced by copies of the macro tree, recursively") {
  Expr m1, m2, rule;
  ParseError err;
  REQUIRE(parse_condition("evt.type = open", m1, err));
  REQUIRE(parse_condition("m1 and proc.name = cat", m2, err));
  std::unordered_map<std::string, MacroSource> macros = {{"m1", {&m1, 1, 1, false}}, {"m2", {&m2, 2, 2, false}}};
  MacroExpander x(macros);
  REQUIRE(parse_condition("m2 or not m1", rule, err));
  ExpandError xerr;
  REQUIRE(x.expand_rule(rule, xerr));
  CHECK(to_string(rule) == "((evt.type = open and proc.name = cat) or not evt.type = open)");
  CHECK(macros["m1"].used);
  CHECK(macros["m2"].used);
  // The copy does not alias the definition.
  m1.children.clear();
  m1.lhs.name = "changed";
  CHECK(to_string(rule) == "((evt.type = open and proc.name = cat) or not evt.type = open)");
  // A second pass finds nothing to resolve.
  std::string before = to_string(rule);
  REQUIRE(x.expand_rule(rule, xerr));
  CHECK(to_string(rule) == before);
  // The whole filter may be one identifier.
  Expr root;
  REQUIRE(parse_condition("m2", root, err));
  REQUIRE(x.expand_rule(root, xerr));
  CHECK(to_string(root) == "(evt.type = open and proc.name = cat)");
}

TEST_CASE("unknown macros are reported with their position and identifiers in transformers are not macros") {
  Expr a, rule;
  ParseError err;
  REQUIRE(parse_condition("evt.type = open", a, err));
  std::unordered_map<std::string, MacroSource> macros = {{"known", {&a, 1, 1, false}}};
  MacroExpander x(macros);
  REQUIRE(parse_condition("known and unknown_one", rule, err));
  ExpandError xerr;
  CHECK_FALSE(x.expand_rule(rule, xerr));
  CHECK(xerr.message == "Undefined macro 'unknown_one' used in filter.");
  CHECK(xerr.offset == 10);
  Expr t;
  REQUIRE(parse_condition("join(\",\", (proc.name, proc.pid)) = value", t, err));
  REQUIRE(x.expand_rule(t, xerr));
}

TEST_CASE("macro reference loops and exponential macro graphs are errors, not hangs") {
  Expr a, b;
  ParseError err;
  REQUIRE(parse_condition("b or proc.name = x", a, err));
  REQUIRE(parse_condition("a and proc.name = y", b, err));
  // Visibility allows the cycle: both were (re)defined after each other's first definition.
  std::unordered_map<std::string, MacroSource> macros = {{"a", {&a, 1, 5, false}}, {"b", {&b, 2, 6, false}}};
  MacroExpander x(macros);
  ExpandError xerr;
  CHECK(x.expand_macro("a", xerr) == nullptr);
  CHECK(xerr.message.find("reference loop in macro") != std::string::npos);

  std::vector<Expr> chain(40);
  std::unordered_map<std::string, MacroSource> big;
  REQUIRE(parse_condition("proc.name = x", chain[0], err));
  big["m0"] = {&chain[0], 1, 1, false};
  for (int i = 1; i < 40; ++i) {
    std::string prev = "m" + std::to_string(i - 1);
    REQUIRE(parse_condition(prev + " and " + prev, chain[i], err));
    big["m" + std::to_string(i)] = {&chain[i], static_cast<uint64_t>(i + 1), static_cast<uint64_t>(i + 1), false};
  }
  MacroExpander y(big);
  Expr rule;
  REQUIRE(parse_condition("m39", rule, err));
  ExpandError yerr;
  CHECK_FALSE(y.expand_rule(rule, yerr));
  CHECK(yerr.message.find("condition too large") != std::string::npos);
}

TEST_CASE("the details collector reports fields, macros, operators, lists and transformers") {
  auto details = [](const std::string& text) {
    Expr e;
    ParseError err;
    REQUIRE(parse_condition(text, e, err));
    return collect_details(e, [](const std::string& m) { return m == "spawned_process"; },
                           [](const std::string& l) { return l == "known_procs"; });
  };
  auto d = details("(spawned_process or evt.type = open) and (proc.name icontains cat or proc.name in (known_procs, ps))");
  CHECK(d.fields == std::set<std::string>{"evt.type", "proc.name"});
  CHECK(d.macros == std::set<std::string>{"spawned_process"});
  CHECK(d.operators == std::set<std::string>{"=", "icontains", "in"});
  CHECK(d.lists == std::set<std::string>{"known_procs"});
  auto t = details("tolower(proc.name) = nginx");
  CHECK(t.transformers == std::set<std::string>{"tolower"});
  CHECK(t.fields == std::set<std::string>{"proc.name"});
  auto c = details("concat(proc.name, proc.pname) = value");
  CHECK(c.fields == std::set<std::string>{"proc.name", "proc.pname"});
  CHECK(c.transformers == std::set<std::string>{"concat"});
  auto j = details("join(\",\", (proc.name, proc.pid)) = value");
  CHECK(j.fields == std::set<std::string>{"proc.name", "proc.pid"});
  CHECK(j.transformers == std::set<std::string>{"join"});
  auto n = details("toupper(tolower(proc.name)) = value");
  CHECK(n.transformers == std::set<std::string>{"toupper", "tolower"});
}
