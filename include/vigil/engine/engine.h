// Engine: Falco-compatible rules for vigil. Loads rules files (YAML), compiles conditions against
// a field registry, keeps rulesets (which rules are enabled), evaluates events and builds alerts.
//
// Typical use (what the `vigil` CLI does):
//   vigil::engine::Engine engine(registry);
//   for (auto& r : engine.load_paths({"/etc/falco/falco_rules.yaml"})) if (!r.ok) ...;
//   engine.enable_tag("network", false);                         // -T network
//   for each event: for (const Match& m : engine.evaluate(type, ctx)) print(engine.alert(m, ctx, ts));
//
// Thread safety: one thread at a time per Engine (evaluation uses per-filter scratch buffers).
// Two Engines are fully independent. Not copyable.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/engine/diagnostic.h"
#include "vigil/engine/filter.h"
#include "vigil/common/result.h"
#include "vigil/engine/priority.h"
#include "vigil/inspect/field.h"

namespace vigil::engine {

enum class RuleMatching : uint8_t { First, All };

struct EngineOptions {
  Priority min_priority = Priority::Debug;  // rules less severe are compiled but never enabled
  RuleMatching rule_matching = RuleMatching::First;
};

// Falco's advisory JSON-schema check of a rules file (§A.11): None when the file could not be
// read or parsed as YAML. It never makes a load fail.
enum class SchemaStatus : uint8_t { None, Ok, Failed };

// Outcome of loading one rules file.
struct LoadResult {
  std::string name;  // file path or the name given to load_string
  bool ok = false;
  std::vector<Diagnostic> diagnostics;  // errors (at most one) and warnings, in order
  SchemaStatus schema = SchemaStatus::None;
  std::vector<std::string> schema_problems;  // "line L, column C: ..." when schema is Failed
  bool has_warnings() const;
};

// How a condition compares a field with a literal string.
//   Equality: =, ==, !=, in, intersects: the literal is a whole value of the field.
//   Prefix:   startswith, pmatch: the literal is a leading part (pmatch: a directory or a path).
//   Other:    contains, endswith, glob, regex, <, ... : the literal says little about the values.
enum class LiteralComparison : uint8_t { Equality, Prefix, Other };

// One literal a rule's final condition (lists substituted, macros inlined, exceptions added)
// compares a field with, e.g. {"fd.sip.name", Equality, "pool.minergate.com"}. Negated checks
// count too: `not fd.name in (x)` needs to know x as much as `fd.name in (x)` does. Checks whose
// left side is a transformer (tolower(fd.name) = x) do not: x is not a value of the field.
struct ComparedLiteral {
  std::string field;  // the field's name, without its [argument]
  LiteralComparison how = LiteralComparison::Equality;
  std::string value;  // unescaped, as the field's value would read
};

// Which rules Engine::compared_strings() looks at.
enum class RuleScope : uint8_t {
  Enabled,  // enabled in the ruleset and admitted by the minimum priority: what evaluate() runs
  Loaded,   // every compiled rule, enabled or not
};

// A compiled rule, as `--list`/describe shows it.
struct RuleInfo {
  std::string name;
  std::string desc;
  std::string condition;           // merged source text (appends applied), before exceptions
  std::string compiled_condition;  // canonical text of the final tree (§B.9)
  std::string output;
  Priority priority = Priority::Debug;
  std::string source;
  std::set<std::string> tags;
  bool enabled_in_file = true;     // the rule's `enabled` key
  bool capture = false;
  uint32_t capture_duration = 0;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  std::vector<std::string> event_types;  // names; empty when the rule can match no event
  bool all_event_types = false;          // true when the set has more than 100 codes
  std::set<std::string> exception_fields;
  std::map<std::string, std::string> extra_output_fields;  // name -> format, from ExtraOutput::fields
  std::vector<ComparedLiteral> compared_literals;  // in condition order, duplicates removed
  std::string file;
  uint32_t line = 0;
};

// A rule whose condition held on an event.
struct Match {
  uint32_t rule;  // index into rules()
};

// One alert, ready to print (§D.2, §D.3).
struct Alert {
  uint64_t time_ns = 0;
  std::string rule;
  Priority priority = Priority::Debug;
  std::string source;
  std::set<std::string> tags;
  std::string message;  // formatted output without the time/priority prefix
  std::string text;     // "<time>: <Priority> <message>"
  std::string hostname;
  struct Field {
    std::string name;   // "proc.name"
    std::string value;  // rendered text
    enum class Kind : uint8_t { String, Number, Bool, Null, List } kind = Kind::String;
  };
  std::vector<Field> output_fields;  // in output order; time field first

  // Falco's JSON alert, keys in alphabetical order.
  std::string to_json(bool include_output = true, bool include_output_fields = true, bool include_tags = true) const;
};

// A plugin loaded by the application, for required_plugin_versions checks.
struct PluginVersion {
  std::string name;
  std::string version;
};

// Text appended to the output of matching rules (Falco's append_output): a rule qualifies when
// its source equals `source` (if set), its name equals `rule` (if set) and it has all `tags`.
struct ExtraOutput {
  std::string format;
  std::string source;
  std::string rule;
  std::set<std::string> tags;
  // Named extra fields (Falco's extra_fields / formatted fields): name -> format string. They
  // go into the alert's output_fields, not into its text.
  std::map<std::string, std::string> fields = {};
};

// A top-level rules-file item of a kind the application added with Engine::add_item_kind()
// (Falco's custom rules readers): e.g. `- test_object: name` with more keys.
struct ExtensionItem {
  std::string kind;  // the key that selected the handler
  std::string name;  // that key's value
  // The other keys: a scalar gives one value, a sequence of scalars its elements in order.
  std::map<std::string, std::vector<std::string>> properties;
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};
// Called for each such item, in file order. An error fails the load with LOAD_ERR_EXTENSION;
// `warnings` become LOAD_WARNING_EXTENSION diagnostics.
using ExtensionItemHandler = std::function<Status(const ExtensionItem& item, std::vector<std::string>& warnings)>;

// How a rule-name pattern is matched (Falco engine API, §A.12).
enum class NameMatch : uint8_t { Substring, Exact, Wildcard };

class Engine {
 public:
  // `syscall_fields` must outlive the engine. More sources can be added with add_source().
  explicit Engine(const inspect::FieldRegistry& syscall_fields, EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Registers another event source (plugin) with its fields. Rules of unknown sources are kept
  // but skipped with a warning.
  void add_source(const std::string& name, const inspect::FieldRegistry& fields);

  // Loads one rules file. Definitions accumulate across calls; after each file everything loaded
  // so far is recompiled. On error the previously compiled rules stay active.
  LoadResult load_file(const std::string& path);
  LoadResult load_string(std::string_view content, const std::string& name);
  // Loads files and directories in order (a directory contributes its *.yaml/*.yml files sorted
  // by path); stops after the first file that fails.
  std::vector<LoadResult> load_paths(const std::vector<std::string>& paths);

  // Appends `extra` to matching rule outputs from the next load on (§D.1).
  void add_extra_output(ExtraOutput extra);

  // Accepts top-level items keyed by `kind` in later loads (the standard kinds take precedence;
  // items of no known kind stay LOAD_UNKNOWN_ITEM warnings). Their data goes to `handler` only.
  void add_item_kind(const std::string& kind, ExtensionItemHandler handler);

  // Names of the lists and macros loaded so far, in definition order.
  std::vector<std::string> list_names() const;
  std::vector<std::string> macro_names() const;

  // Checks the required_plugin_versions of everything loaded against `loaded` (§A.4). The
  // container plugin's fields are built into vigil, so requirements on `container` always hold.
  Status check_plugin_requirements(const std::vector<PluginVersion>& loaded) const;

  // Compiled rules in evaluation (position) order.
  const std::vector<RuleInfo>& rules() const;
  std::string required_engine_version() const;

  // Rule selection. `ruleset` "" is the default ruleset, which evaluate() uses; others are
  // independent and start empty. Enabling by tags: a rule matches if it has any of the tags.
  void enable_rules(std::string_view pattern, NameMatch how, bool enabled, const std::string& ruleset = "");
  void enable_tags(const std::set<std::string>& tags, bool enabled, const std::string& ruleset = "");
  size_t enabled_count(const std::string& ruleset = "") const;
  bool is_enabled(uint32_t rule, const std::string& ruleset = "") const;
  // Falco -t: disable everything, then enable rules with any of these tags.
  void run_only_tags(const std::set<std::string>& tags);

  void set_min_priority(Priority p);
  void set_rule_matching(RuleMatching m);

  // Rules that match this event (event type code + inspection context). The span is valid until
  // the next call. With RuleMatching::First at most one. Enter events of syscalls that have an
  // exit event never match: rules see one event per syscall, at exit (§E.5).
  const std::vector<Match>& evaluate(uint16_t event_type, const inspect::EventContext& ctx);
  // The same for an event of another source (0 is "syscall", then add_source() order). Rules of
  // sources other than syscall are indexed under the plugin and async event types only (§C.1),
  // so only those events reach them.
  const std::vector<Match>& evaluate(size_t source, uint16_t event_type, const inspect::EventContext& ctx);
  std::optional<size_t> source_index(std::string_view name) const;

  // Builds the alert for a match. `iso8601` selects the time format of the text prefix.
  Alert alert(const Match& m, const inspect::EventContext& ctx, uint64_t time_ns, const std::string& hostname,
              bool iso8601 = true) const;

  // The distinct literals, sorted, that rules compare `field` with in the way `how` says. A
  // consumer whose fields need to know values ahead of the events asks for them after loading and
  // after every change of the enabled rules: fd.*ip.name must resolve the host names rules compare
  // it with (Inspector::watch_hostname), fd.name / fd.realpath can watch the exact paths. Each
  // call walks the rules' lists (no caching): meant for setup time, not per event.
  std::vector<std::string> compared_strings(std::string_view field, LiteralComparison how = LiteralComparison::Equality,
                                            RuleScope scope = RuleScope::Enabled,
                                            const std::string& ruleset = "") const;

  // Compiles a standalone condition (see filter.h) with the lists and macros loaded so far,
  // against the fields of `source`. The filter does not depend on the engine afterwards.
  Result<Filter> compile_filter(std::string_view condition, const std::string& source = "syscall",
                                FilterOptions options = {}) const;

  // Falco -V style JSON for a set of load results.
  static std::string validation_json(const std::vector<LoadResult>& results);
  // Falco --list style listing of the compiled rules (one JSON object per rule).
  std::string rules_json() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// A rule name made safe for metric labels: runs of characters other than letters, digits and ':'
// become one '_', and trailing separators are dropped ("Testing rule 2 (CVE-2244)" ->
// "Testing_rule_2_CVE_2244").
std::string sanitized_rule_name(std::string_view name);

// Falco exit codes: 0 ok, 1 a rules file failed to load or another fatal error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitLoadError = 1;

}  // namespace vigil::engine
