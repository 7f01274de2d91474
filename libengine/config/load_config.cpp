// load_config_*: vigil.yaml (Falco's falco.yaml keys) into a Config.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config_reader.h"
#include "config/yaml_override.h"
#include "vigil/engine/config.h"

namespace vigil::engine {

namespace {

using config::ConfigReader;
using Handlers = std::map<std::string, ConfigReader::Handler>;

// Falco keys vigil accepts without acting on them (no warning: a falco.yaml loads as is).
const std::set<std::string> kIgnoredTopLevel = {
    "load_plugins", "plugins", "plugins_hostinfo", "grpc", "grpc_output",
    "libs_logger", "syscall_event_timeouts", "base_syscalls", "falco_libs", "container_engines",
    "output_timeout", "outputs_queue_recovery", "json_include_output_fields_property_legacy",
    "modern_bpf", "snaplen", "metadata_download", "log_stderr_format", "capture", "static_fields",
    "container", "cpus_for_each_syscall_buffer", "syscall_buf_size_preset",
    "rules_files_dir", "stdout_output_buffered"};

// "jq '{text: .output}'" -> {"jq", "{text: .output}"}: blanks separate words, quotes group, and
// nothing else is special (no variables, no globs, no pipes: there is no shell).
Result<std::vector<std::string>> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : s) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (std::string_view("|&;<>`$()").find(c) != std::string_view::npos) {
      // Falco runs this string with a shell; vigil never does, so refuse rather than surprise.
      return Error{std::string("shell syntax '") + c +
                   "' in a program string: vigil runs no shell; give the argv as a list, e.g. "
                   "[/bin/sh, -c, \"...\"]"};
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote) return Error{"unterminated quote"};
  if (in_word) out.push_back(std::move(cur));
  return out;
}

void read_priority_key(Handlers& h, ConfigReader& r, Priority& p) {
  h["priority"] = [&r, &p](const YAML::Node& n, const std::string& path) { r.read(n, path, p); };
}

// append_output[i].extra_fields, Falco's shapes: a list whose items are either a field name
// (`evt.cpu`: the field's own value under its own name) or a one-key map `{name: format}` (the
// formatted text under `name`). A name given twice is an error, as in Falco.
void read_extra_fields(ConfigReader& r, const YAML::Node& v, const std::string& path, ExtraOutput& x) {
  if (v.IsNull()) return;
  if (!v.IsSequence()) {
    return r.fail(v, path, "expected a list of field names and {name: format} maps");
  }
  auto add = [&](const YAML::Node& at, const std::string& p, const std::string& name, std::string format) {
    if (name.empty()) return r.fail(at, p, "an extra field needs a name");
    if (format.empty()) return r.fail(at, p, "extra field '" + name + "' has an empty format");
    if (!x.fields.emplace(name, std::move(format)).second) {
      r.fail(at, p, "extra field '" + name + "' is defined twice");
    }
  };
  for (size_t i = 0; i < v.size() && !r.failed(); ++i) {
    const YAML::Node& e = v[i];
    std::string ipath = ConfigReader::item(path, i);
    if (e.IsScalar()) {
      add(e, ipath, e.Scalar(), "%" + e.Scalar());
    } else if (e.IsMap() && e.size() == 1) {
      auto kv = e.begin();
      std::string format;
      if (!kv->first.IsScalar()) return r.fail(kv->first, ipath, "keys must be strings");
      r.read(kv->second, ConfigReader::child(ipath, kv->first.Scalar()), format);
      if (!r.failed()) add(kv->second, ConfigReader::child(ipath, kv->first.Scalar()), kv->first.Scalar(), format);
    } else {
      r.fail(e, ipath, "expected a field name or a one-key map {name: format}");
    }
  }
}

void read_document(ConfigReader& r, const YAML::Node& root, Config& c) {
  Handlers top;
  auto rules_files = [&](const YAML::Node& n, const std::string& path) { r.read(n, path, c.rules_files); };
  top["rules_files"] = rules_files;
  top["rules_file"] = rules_files;
  top["rules"] = [&](const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) return r.fail(n, path, "expected a list of {enable: ...} / {disable: ...} entries");
    for (size_t i = 0; i < n.size() && !r.failed(); ++i) {
      const YAML::Node& e = n[i];
      std::string ipath = ConfigReader::item(path, i);
      if (!e.IsMap() || e.size() != 1) {
        r.fail(e, ipath, "expected one of enable: or disable:");
        return;
      }
      auto kv = e.begin();
      std::string verb = kv->first.Scalar();
      if (verb != "enable" && verb != "disable") {
        r.fail(kv->first, ipath, "expected enable or disable, got '" + verb + "'");
        return;
      }
      RuleSelection sel;
      sel.enable = verb == "enable";
      r.read_map(kv->second, ConfigReader::child(ipath, verb),
                 {{"rule", [&](const YAML::Node& v, const std::string& p) { r.read(v, p, sel.rule); }},
                  {"tag", [&](const YAML::Node& v, const std::string& p) { r.read(v, p, sel.tag); }}});
      if (!r.failed() && sel.rule.empty() == sel.tag.empty()) {
        r.fail(kv->second, ConfigReader::child(ipath, verb), "give exactly one of rule: or tag:");
      }
      c.rules.push_back(std::move(sel));
    }
  };
  top["append_output"] = [&](const YAML::Node& n, const std::string& path) {
    if (n.IsNull()) return;
    if (!n.IsSequence()) return r.fail(n, path, "expected a list");
    for (size_t i = 0; i < n.size() && !r.failed(); ++i) {
      ExtraOutput x;
      std::string ipath = ConfigReader::item(path, i);
      r.read_map(n[i], ipath,
                 {{"match",
                   [&](const YAML::Node& m, const std::string& p) {
                     std::vector<std::string> tags;
                     r.read_map(m, p,
                                {{"source", [&](const YAML::Node& v, const std::string& q) { r.read(v, q, x.source); }},
                                 {"rule", [&](const YAML::Node& v, const std::string& q) { r.read(v, q, x.rule); }},
                                 {"tags", [&](const YAML::Node& v, const std::string& q) { r.read(v, q, tags); }}});
                     x.tags.insert(tags.begin(), tags.end());
                   }},
                  {"extra_output", [&](const YAML::Node& v, const std::string& p) { r.read(v, p, x.format); }},
                  {"extra_fields", [&](const YAML::Node& v, const std::string& p) { read_extra_fields(r, v, p, x); }},
                  // Plugins' suggested output formats: vigil loads no plugins, so nothing to add.
                  {"suggested_output", [&](const YAML::Node& v, const std::string& p) {
                     bool ignored = false;
                     r.read(v, p, ignored);
                   }}});
      c.append_output.push_back(std::move(x));
    }
  };
  top["json_output"] = [&](auto& n, auto& p) { r.read(n, p, c.format.json_output); };
  top["json_include_output_property"] = [&](auto& n, auto& p) { r.read(n, p, c.format.include_output); };
  top["json_include_output_fields_property"] = [&](auto& n, auto& p) { r.read(n, p, c.format.include_output_fields); };
  top["json_include_tags_property"] = [&](auto& n, auto& p) { r.read(n, p, c.format.include_tags); };
  top["json_include_message_property"] = [&](auto& n, auto& p) { r.read(n, p, c.format.include_message); };
  top["priority"] = [&](auto& n, auto& p) { r.read(n, p, c.priority); };
  top["rule_matching"] = [&](auto& n, auto& p) {
    size_t i = static_cast<size_t>(c.rule_matching);
    r.read_choice(n, p, {"first", "all"}, i);
    c.rule_matching = static_cast<RuleMatching>(i);
  };
  top["time_format_iso_8601"] = [&](auto& n, auto& p) { r.read(n, p, c.time_format_iso_8601); };
  top["buffered_outputs"] = [&](auto& n, auto& p) { r.read(n, p, c.buffered_outputs); };
  top["outputs"] = [&](auto& n, auto& p) {
    r.read_map(n, p,
               {{"rate", [&](auto& v, auto& q) { r.read(v, q, c.outputs_rate); }},
                {"max_burst", [&](auto& v, auto& q) { r.read(v, q, c.outputs_max_burst, 1); }}});
  };
  top["outputs_queue"] = [&](auto& n, auto& p) {
    r.read_map(n, p, {{"capacity", [&](auto& v, auto& q) {
                         long long cap = static_cast<long long>(c.outputs_queue_capacity);
                         r.read_int(v, q, cap, 0, 1ll << 24);
                         // Falco's 0 means "unbounded"; vigil always bounds, with its default.
                         c.outputs_queue_capacity = cap ? static_cast<size_t>(cap) : 1024;
                       }}});
  };
  top["stdout_output"] = [&](auto& n, auto& p) {
    Handlers h{{"enabled", [&](auto& v, auto& q) { r.read(v, q, c.stdout_output.enabled); }}};
    read_priority_key(h, r, c.stdout_output.min_priority);
    r.read_map(n, p, h);
  };
  top["file_output"] = [&](auto& n, auto& p) {
    auto& f = c.file_output;
    Handlers h{{"enabled", [&](auto& v, auto& q) { r.read(v, q, f.enabled); }},
               {"keep_alive", [&](auto& v, auto& q) { r.read(v, q, f.keep_alive); }},
               {"filename", [&](auto& v, auto& q) { r.read(v, q, f.filename); }}};
    read_priority_key(h, r, f.min_priority);
    r.read_map(n, p, h);
  };
  top["syslog_output"] = [&](auto& n, auto& p) {
    auto& s = c.syslog_output;
    Handlers h{{"enabled", [&](auto& v, auto& q) { r.read(v, q, s.enabled); }},
               {"socket", [&](auto& v, auto& q) { r.read(v, q, s.socket); }},
               {"format",
                [&](auto& v, auto& q) {
                  size_t i = static_cast<size_t>(s.format);
                  r.read_choice(v, q, {"rfc3164", "rfc5424"}, i);
                  s.format = static_cast<SyslogFormat>(i);
                }},
               {"facility", [&](auto& v, auto& q) { r.read_uint(v, q, s.facility, 23); }}};
    read_priority_key(h, r, s.min_priority);
    r.read_map(n, p, h);
  };
  top["program_output"] = [&](auto& n, auto& p) {
    auto& pr = c.program_output;
    Handlers h{{"enabled", [&](auto& v, auto& q) { r.read(v, q, pr.enabled); }},
               {"keep_alive", [&](auto& v, auto& q) { r.read(v, q, pr.keep_alive); }},
               {"program", [&](auto& v, auto& q) {
                  if (v.IsSequence()) return r.read(v, q, pr.argv);
                  std::string text;
                  r.read(v, q, text);
                  if (r.failed()) return;
                  auto words = split_words(text);
                  if (!words.ok()) return r.fail(v, q, words.error().message);
                  pr.argv = std::move(*words);
                }}};
    read_priority_key(h, r, pr.min_priority);
    r.read_map(n, p, h);
  };
  top["http_output"] = [&](auto& n, auto& p) {
    auto& hc = c.http_output;
    Handlers h{{"enabled", [&](auto& v, auto& q) { r.read(v, q, hc.enabled); }},
               {"url", [&](auto& v, auto& q) { r.read(v, q, hc.url); }},
               {"user_agent", [&](auto& v, auto& q) { r.read(v, q, hc.user_agent); }},
               {"insecure", [&](auto& v, auto& q) { r.read(v, q, hc.insecure); }},
               {"ca_cert", [&](auto& v, auto& q) { r.read(v, q, hc.ca_cert); }},
               {"ca_bundle", [&](auto& v, auto& q) { r.read(v, q, hc.ca_bundle); }},
               {"ca_path", [&](auto& v, auto& q) { r.read(v, q, hc.ca_path); }},
               {"mtls", [&](auto& v, auto& q) { r.read(v, q, hc.mtls); }},
               {"client_cert", [&](auto& v, auto& q) { r.read(v, q, hc.client_cert); }},
               {"client_key", [&](auto& v, auto& q) { r.read(v, q, hc.client_key); }},
               {"keep_alive", [&](auto& v, auto& q) { r.read(v, q, hc.keep_alive); }},
               {"timeout_ms", [&](auto& v, auto& q) { r.read_uint(v, q, hc.timeout_ms, 3600000); }},
               {"connect_timeout_ms", [&](auto& v, auto& q) { r.read_uint(v, q, hc.connect_timeout_ms, 3600000); }},
               {"headers", [&](auto& v, auto& q) {
                  if (v.IsNull()) return;
                  if (!v.IsMap()) return r.fail(v, q, "expected a map of header names to values");
                  for (auto it = v.begin(); it != v.end(); ++it) {
                    std::string name = it->first.Scalar(), value;
                    r.read(it->second, ConfigReader::child(q, name), value);
                    if (name.empty() || name.find_first_of(":\r\n") != std::string::npos ||
                        value.find_first_of("\r\n") != std::string::npos) {
                      return r.fail(it->first, ConfigReader::child(q, name), "invalid header");
                    }
                    hc.headers[name] = value;
                  }
                }}};
    read_priority_key(h, r, hc.min_priority);
    r.read_map(n, p, h, {"echo", "compress_uploads"});
  };
  top["syscall_event_drops"] = [&](auto& n, auto& p) {
    auto& d = c.syscall_event_drops;
    r.read_map(n, p,
               {{"threshold", [&](auto& v, auto& q) {
                   r.read(v, q, d.threshold, 0);
                   if (d.threshold > 1) r.fail(v, q, "must be between 0 and 1");
                 }},
                {"rate", [&](auto& v, auto& q) { r.read(v, q, d.rate, 0); }},
                {"max_burst", [&](auto& v, auto& q) { r.read(v, q, d.max_burst, 1); }},
                {"simulate_drops", [&](auto& v, auto& q) { r.read(v, q, d.simulate_drops); }},
                {"actions", [&](auto& v, auto& q) {
                   std::vector<std::string> names;
                   r.read(v, q, names);
                   if (r.failed()) return;
                   d.actions.clear();
                   for (size_t i = 0; i < names.size(); ++i) {
                     const YAML::Node& at = v.IsSequence() ? YAML::Node(v[i]) : v;
                     size_t k = 0;
                     r.read_choice(at, v.IsSequence() ? ConfigReader::item(q, i) : q,
                                   {"ignore", "log", "alert", "exit"}, k);
                     d.actions.push_back(static_cast<DropAction>(k));
                   }
                 }}});
  };
  top["metrics"] = [&](auto& n, auto& p) {
    auto& m = c.metrics;
    r.read_map(n, p,
               {{"enabled", [&](auto& v, auto& q) { r.read(v, q, m.enabled); }},
                {"interval", [&](auto& v, auto& q) {
                   std::string text;
                   r.read(v, q, text);
                   if (r.failed()) return;
                   auto ns = parse_duration(text);
                   if (!ns.ok()) return r.fail(v, q, ns.error().message);
                   if (*ns < 100000000ull) return r.fail(v, q, "must be at least 100ms");
                   m.interval_ns = *ns;
                 }},
                {"output_rule", [&](auto& v, auto& q) { r.read(v, q, m.output_rule); }},
                {"output_file", [&](auto& v, auto& q) { r.read(v, q, m.output_file); }},
                {"prometheus_file", [&](auto& v, auto& q) { r.read(v, q, m.prometheus_file); }},
                {"include_empty_values", [&](auto& v, auto& q) { r.read(v, q, m.include_empty_values); }}},
               {"resource_utilization_enabled", "state_counters_enabled", "kernel_event_counters_enabled",
                "kernel_event_counters_per_cpu_enabled", "libbpf_stats_enabled", "convert_memory_to_mb",
                "plugins_metrics_enabled", "jemalloc_stats_enabled", "rules_counters_enabled"});
  };
  top["webserver"] = [&](auto& n, auto& p) {
    auto& w = c.webserver;
    r.read_map(n, p,
               {{"enabled", [&](auto& v, auto& q) { r.read(v, q, w.enabled); }},
                {"listen_address", [&](auto& v, auto& q) { r.read(v, q, w.listen_address); }},
                {"listen_port", [&](auto& v, auto& q) { r.read_uint(v, q, w.listen_port, 65535); }},
                {"k8s_healthz_endpoint", [&](auto& v, auto& q) { r.read(v, q, w.k8s_healthz_endpoint); }},
                {"prometheus_metrics_enabled", [&](auto& v, auto& q) { r.read(v, q, w.prometheus_metrics_enabled); }},
                {"ssl_enabled", [&](auto& v, auto& q) {
                   bool ssl = false;
                   r.read(v, q, ssl);
                   if (ssl) r.fail(v, q, "TLS is not supported by vigil's metrics endpoint; put a proxy in front");
                 }}},
               {"threadiness", "ssl_certificate"});
  };
  top["engine"] = [&](auto& n, auto& p) {
    auto& e = c.engine;
    Handlers driver{{"buf_size_preset", [&](auto& v, auto& q) { r.read_uint(v, q, e.buf_size_preset, 10); }},
                    {"cpus_for_each_buffer", [&](auto& v, auto& q) { r.read_uint(v, q, e.cpus_for_each_buffer, 1024); }},
                    {"drop_failed_exit", [&](auto& v, auto& q) { r.read(v, q, e.drop_failed_exit); }}};
    r.read_map(n, p,
               {{"kind", [&](auto& v, auto& q) {
                   size_t k = 0;
                   r.read_choice(v, q, {"modern_ebpf", "replay", "nodriver"}, k);
                   e.kind = v.Scalar();
                 }},
                {"modern_ebpf", [&](auto& v, auto& q) { r.read_map(v, q, driver); }},
                {"replay", [&](auto& v, auto& q) { r.read_map(v, q, {}, {"capture_file"}); }}},
               {"kmod", "ebpf", "gvisor"});
  };
  top["config_files"] = [&](auto& n, auto& p) {
    std::vector<std::string> ignored;  // already included by include_config_files
    r.read(n, p, ignored);
  };
  top["log_level"] = [&](auto& n, auto& p) {
    size_t i = static_cast<size_t>(c.log_level);
    r.read_choice(n, p, {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}, i);
    c.log_level = static_cast<LogLevel>(i);
  };
  top["log_stderr"] = [&](auto& n, auto& p) { r.read(n, p, c.log_stderr); };
  top["log_syslog"] = [&](auto& n, auto& p) { r.read(n, p, c.log_syslog); };
  top["watch_config_files"] = [&](auto& n, auto& p) { r.read(n, p, c.watch_config_files); };
  r.read_map(root, "", top, kIgnoredTopLevel);
}

// Falco's environment references in values: "${NAME}" becomes NAME's value (nothing when unset),
// "$${x}" stays "${x}" literally, any other '$' is kept. Keys are left alone.
std::string expand_env(const std::string& in) {
  std::string out;
  size_t i = 0;
  while (i < in.size()) {
    size_t dollar = in.find('$', i);
    if (dollar == std::string::npos) break;
    out.append(in, i, dollar - i);
    if (in.compare(dollar, 3, "$${") == 0 && in.find('}', dollar) != std::string::npos) {
      size_t close = in.find('}', dollar);
      out.append(in, dollar + 1, close - dollar);  // "${...}" without the escaping '$'
      i = close + 1;
    } else if (in.compare(dollar, 2, "${") == 0 && in.find('}', dollar) != std::string::npos) {
      size_t close = in.find('}', dollar);
      std::string name = in.substr(dollar + 2, close - dollar - 2);
      if (const char* value = std::getenv(name.c_str())) out += value;
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  out.append(in, i, std::string::npos);
  return out;
}

void expand_env_values(YAML::Node node) {
  if (node.IsScalar()) {
    if (node.Scalar().find('$') != std::string::npos) node = expand_env(node.Scalar());
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) expand_env_values(node[i]);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) expand_env_values(it->second);
  }
}

Result<YAML::Node> parse_yaml(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Error err{"invalid YAML: " + e.msg, name};
    if (e.mark.line >= 0) {
      err.line = static_cast<uint32_t>(e.mark.line + 1);
      err.column = static_cast<uint32_t>(e.mark.column + 1);
    }
    return err;
  }
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    Error err{"the configuration must be a map of keys", name};
    err.line = static_cast<uint32_t>(root.Mark().line + 1);
    err.column = static_cast<uint32_t>(root.Mark().column + 1);
    return err;
  }
  if (!root.IsDefined() || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  return root;
}

Result<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read configuration file", path};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Loads config_files into `root` (top-level keys replace), noting where each key came from.
Status include_config_files(YAML::Node& root, const std::string& name, std::vector<std::string>& files,
                            std::map<std::string, std::string>& key_files, std::vector<std::string>& warnings) {
  const YAML::Node& croot = root;
  YAML::Node list = croot["config_files"];
  if (!list.IsDefined() || list.IsNull()) return {};
  std::vector<std::string> entries;
  ConfigReader r(name, {});
  r.read(list, "config_files", entries);
  if (r.failed()) return r.error();
  std::filesystem::path base = std::filesystem::path(name).parent_path();
  for (auto& entry : entries) {
    std::filesystem::path p(entry);
    if (p.is_relative() && !base.empty()) p = base / p;
    std::vector<std::string> paths;
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) {
      // Like a config.d directory nobody created yet: not an error.
      warnings.push_back(name + ": config_files: " + p.string() + " does not exist, skipped");
      continue;
    }
    if (std::filesystem::is_directory(p, ec)) {
      for (auto& de : std::filesystem::directory_iterator(p, ec)) {
        auto ext = de.path().extension();
        if (de.is_regular_file() && (ext == ".yaml" || ext == ".yml")) paths.push_back(de.path().string());
      }
      std::sort(paths.begin(), paths.end());
    } else {
      paths.push_back(p.string());
    }
    for (auto& path : paths) {
      auto text = read_text(path);
      if (!text.ok()) return text.error();
      auto doc = parse_yaml(*text, path);
      if (!doc.ok()) return doc.error();
      files.push_back(path);
      for (auto it = doc->begin(); it != doc->end(); ++it) {
        std::string key = it->first.Scalar();
        if (key == "config_files") continue;  // one level only, as Falco
        root[key] = it->second;
        key_files[key] = path;
      }
    }
  }
  return {};
}

}  // namespace

Result<Config> load_config_string(std::string_view yaml, const std::string& name,
                                  const std::vector<std::string>& overrides) {
  auto parsed = parse_yaml(std::string(yaml), name);
  if (!parsed.ok()) return parsed.error();
  YAML::Node root = *parsed;
  std::vector<std::pair<std::string, std::string>> applied;
  try {
    std::vector<std::string> files = {name};
    std::map<std::string, std::string> key_files;
    std::vector<std::string> include_warnings;
    if (Status st = include_config_files(root, name, files, key_files, include_warnings); !st.ok()) {
      return st.error();
    }
    expand_env_values(root);  // before -o: the shell already expanded what the command line says
    for (auto& o : overrides) {
      std::string path;
      if (Status st = config::apply_override(root, o, path); !st.ok()) return st.error();
      applied.emplace_back(path, o);
    }
    Config c;
    c.source = name;
    c.config_files = std::move(files);
    ConfigReader r(name, applied, std::move(key_files));
    read_document(r, root, c);
    if (r.failed()) return r.error();
    c.warnings = std::move(include_warnings);
    c.warnings.insert(c.warnings.end(), r.warnings().begin(), r.warnings().end());
    return c;
  } catch (const YAML::Exception& e) {
    return Error{"configuration: " + e.msg, name};
  }
}

Result<Config> load_config_file(const std::string& path, const std::vector<std::string>& overrides) {
  auto text = read_text(path);
  if (!text.ok()) return text.error();
  return load_config_string(*text, path, overrides);
}

Result<uint64_t> parse_duration(std::string_view text) {
  if (text.empty()) return Error{"empty duration"};
  uint64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t n = 0;
    size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (n > (UINT64_MAX - 9) / 10) return Error{"duration too large: '" + std::string(text) + "'"};
      n = n * 10 + static_cast<uint64_t>(text[i++] - '0');
    }
    if (i == start) return Error{"invalid duration '" + std::string(text) + "' (e.g. 500ms, 30s, 15m, 1h)"};
    size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(ustart, i - ustart);
    uint64_t mul;
    if (unit == "ns") mul = 1;
    else if (unit == "us") mul = 1000ull;
    else if (unit == "ms") mul = 1000000ull;
    else if (unit == "s") mul = 1000000000ull;
    else if (unit == "m") mul = 60ull * 1000000000ull;
    else if (unit == "h") mul = 3600ull * 1000000000ull;
    else if (unit == "d") mul = 86400ull * 1000000000ull;
    else if (unit == "w") mul = 7ull * 86400ull * 1000000000ull;
    else return Error{"invalid duration '" + std::string(text) + "': unit must be ns, us, ms, s, m, h, d or w"};
    if (n > UINT64_MAX / mul || total > UINT64_MAX - n * mul) return Error{"duration too large: '" + std::string(text) + "'"};
    total += n * mul;
  }
  return total;
}

uint64_t DriverConfig::buffer_bytes() const {
  if (buf_size_preset == 0 || buf_size_preset > 10) return 8ull << 20;
  return 1ull << (20 + buf_size_preset - 1);
}

}  // namespace vigil::engine
