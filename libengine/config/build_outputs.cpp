// From a Config to running outputs and engine settings.
#include "vigil/engine/config.h"

namespace vigil::engine {

Result<std::unique_ptr<Outputs>> build_outputs(const Config& c, OutputsOptions options) {
  options.format = c.format;
  options.rate = c.outputs_rate;
  options.max_burst = c.outputs_max_burst;
  options.buffered = c.buffered_outputs;
  auto policy = [&](Priority p) { return SinkPolicy{p, c.outputs_queue_capacity}; };

  // Check everything before starting any worker.
  if (c.file_output.enabled && c.file_output.filename.empty()) {
    return Error{"file_output is enabled but file_output.filename is empty", c.source};
  }
  if (c.program_output.enabled && c.program_output.argv.empty()) {
    return Error{"program_output is enabled but program_output.program is empty", c.source};
  }
  if (c.http_output.enabled && c.http_output.url.empty()) {
    return Error{"http_output is enabled but http_output.url is empty", c.source};
  }
  if (c.http_output.enabled && c.http_output.mtls &&
      (c.http_output.client_cert.empty() || c.http_output.client_key.empty())) {
    return Error{"http_output.mtls needs client_cert and client_key", c.source};
  }

  auto outputs = std::make_unique<Outputs>(std::move(options));
  if (c.stdout_output.enabled) outputs->add_sink("stdout", make_stdout_sink(), policy(c.stdout_output.min_priority));
  if (c.file_output.enabled) {
    outputs->add_sink("file", make_file_sink({c.file_output.filename, c.file_output.keep_alive}),
                      policy(c.file_output.min_priority));
  }
  if (c.syslog_output.enabled) {
    SyslogSinkOptions s;
    s.socket_path = c.syslog_output.socket;
    s.format = c.syslog_output.format;
    s.facility = c.syslog_output.facility;
    outputs->add_sink("syslog", make_syslog_sink(std::move(s)), policy(c.syslog_output.min_priority));
  }
  if (c.program_output.enabled) {
    outputs->add_sink("program", make_program_sink({c.program_output.argv, c.program_output.keep_alive}),
                      policy(c.program_output.min_priority));
  }
  if (c.http_output.enabled) {
    const auto& h = c.http_output;
    HttpSinkOptions o;
    o.url = h.url;
    o.user_agent = h.user_agent;
    o.headers = h.headers;
    o.insecure = h.insecure;
    o.ca_cert = h.ca_cert.empty() ? h.ca_bundle : h.ca_cert;
    o.ca_path = h.ca_path;
    if (h.mtls) {
      o.client_cert = h.client_cert;
      o.client_key = h.client_key;
    }
    o.timeout_ms = h.timeout_ms;
    o.connect_timeout_ms = h.connect_timeout_ms;
    o.keep_alive = h.keep_alive;
    outputs->add_sink("http", make_http_sink(std::move(o)), policy(h.min_priority));
  }
  return outputs;
}

void apply_append_output(Engine& engine, const Config& config) {
  for (const auto& x : config.append_output) engine.add_extra_output(x);
}

void apply_rule_selection(Engine& engine, const Config& config) {
  for (const auto& sel : config.rules) {
    if (!sel.rule.empty()) {
      engine.enable_rules(sel.rule, NameMatch::Wildcard, sel.enable);
    } else {
      engine.enable_tags({sel.tag}, sel.enable);
    }
  }
}

}  // namespace vigil::engine
