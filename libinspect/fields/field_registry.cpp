// FieldRegistry of the syscall source: name lookup and argument validation.
#include <cctype>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "fields/extract.h"
#include "fields/field_table.h"
#include "vigil/capture/event_schema.h"

namespace vigil::inspect {
namespace {

using detail::ArgKind;
using detail::FieldArg;
using detail::FieldId;

class SyscallBoundField final : public BoundField {
 public:
  SyscallBoundField(FieldId id, FieldArg arg)
      : id_(id), info_(&detail::field_info(id)), arg_(std::move(arg)), extract_(detail::extractor_for(id)) {}

  const FieldInfo& info() const override { return *info_; }
  std::string_view argument() const override { return arg_.text; }
  bool extract(const EventContext& ctx, FieldValues& out) const override {
    out.clear();
    return extract_(id_, arg_, ctx, out) && !out.empty();
  }

 private:
  FieldId id_;
  const FieldInfo* info_;
  FieldArg arg_;
  detail::ExtractFn extract_;
};

bool parse_non_negative(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

bool accepts_dotted_argument(ArgKind kind) {
  switch (kind) {
    case ArgKind::EventType:
    case ArgKind::EventParam:
    case ArgKind::RawEventParam:
    case ArgKind::AbsPathSide:
    case ArgKind::CgroupSubsystem:
    case ArgKind::LabelKey:
      return true;
    default:
      return false;
  }
}

class SyscallFieldRegistry final : public FieldRegistry {
 public:
  SyscallFieldRegistry() {
    auto fields = detail::field_table();
    for (size_t i = 0; i < fields.size(); ++i) by_name_.emplace(fields[i].name, static_cast<FieldId>(i));
    for (const auto* schema : {&capture::EventSchema::newest(), &capture::EventSchema::libs_0_29()}) {
      for (const auto& ev : schema->events()) {
        for (const auto& p : ev.params) param_names_.insert(p.name);
      }
    }
  }

  std::span<const FieldInfo> fields() const override { return detail::field_table(); }

  const FieldInfo* find(std::string_view name) const override {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &detail::field_info(it->second);
  }

  Result<std::unique_ptr<BoundField>> bind(std::string_view token,
                                           std::optional<std::string_view> bracket_arg) const override {
    FieldId id;
    std::optional<std::string_view> dotted;
    if (auto it = by_name_.find(token); it != by_name_.end()) {
      id = it->second;
    } else {
      // Longest registered prefix that takes a dotted argument: "evt.arg.flags" -> evt.arg + flags.
      bool found = false;
      for (size_t pos = token.rfind('.'); pos != std::string_view::npos && pos > 0;
           pos = token.rfind('.', pos - 1)) {
        auto it2 = by_name_.find(token.substr(0, pos));
        if (it2 == by_name_.end()) continue;
        if (!accepts_dotted_argument(detail::arg_kind(it2->second))) break;
        id = it2->second;
        dotted = token.substr(pos + 1);
        found = true;
        break;
      }
      if (!found) return error("unknown field '" + std::string(token) + "'");
    }
    const std::string_view name = detail::field_info(id).name;
    if (dotted && bracket_arg) {
      return error("field '" + std::string(name) + "' takes one argument, written either ." +
                   std::string(*dotted) + " or [" + std::string(*bracket_arg) + "], not both");
    }
    FieldArg arg;
    if (dotted || bracket_arg) {
      arg.present = true;
      arg.text = std::string(dotted ? *dotted : *bracket_arg);
    }
    if (auto st = validate(id, name, dotted.has_value(), arg); !st.ok()) return st.error();
    return std::unique_ptr<BoundField>(std::make_unique<SyscallBoundField>(id, std::move(arg)));
  }

 private:
  static Error error(std::string message) { return Error{std::move(message)}; }

  Status validate(FieldId id, std::string_view name, bool dotted, FieldArg& arg) const {
    const std::string field(name);
    const std::string& text = arg.text;
    switch (detail::arg_kind(id)) {
      case ArgKind::None:
        if (arg.present) return error("field '" + field + "' does not take an argument (got '" + text + "')");
        return {};
      case ArgKind::AncestorLevel:
      case ArgKind::ArgvIndex:
      case ArgKind::FdNumber:
        if (!arg.present) return {};
        if (!parse_non_negative(text, arg.number)) {
          const char* what = detail::arg_kind(id) == ArgKind::AncestorLevel ? "an ancestor level"
                             : detail::arg_kind(id) == ArgKind::ArgvIndex   ? "an argument index"
                                                                            : "an fd number";
          return error(field + "[" + text + "]: the argument must be a non-negative integer (" + what + ")");
        }
        return {};
      case ArgKind::EnvName:
        if (arg.present && text.empty()) return error(field + "[]: the environment variable name is empty");
        arg.key = text;
        return {};
      case ArgKind::LevelOrEnvName:
        if (!arg.present) return {};
        if (text.empty()) return error(field + "[]: expected an ancestor level or a variable name");
        if (!parse_non_negative(text, arg.number)) arg.key = text;
        return {};
      case ArgKind::EventType:
        return bind_event_type(field, arg);
      case ArgKind::EventParam:
        if (!arg.present) return error("field '" + field + "' requires an argument: " + field + ".NAME or " + field + "[N]");
        if (dotted) return bind_param_name(field, arg);
        if (!parse_non_negative(text, arg.number))
          return error(field + "[" + text + "]: the index must be a non-negative integer; use " + field + "." + text +
                       " to name a parameter");
        return {};
      case ArgKind::RawEventParam:
        if (!arg.present) return error("field '" + field + "' requires a parameter name: " + field + ".NAME");
        if (!dotted) return error(field + "[" + text + "]: this field takes a parameter name, written " + field + ".NAME");
        return bind_param_name(field, arg);
      case ArgKind::Timestamp:
        if (!arg.present || dotted) return error("field '" + field + "' requires a timestamp argument: " + field + "[NS]");
        if (!parse_non_negative(text, arg.number)) return error(field + "[" + text + "]: the timestamp must be an integer (ns)");
        return {};
      case ArgKind::AbsPathSide:
        if (!arg.present) return {};
        if (text != "src" && text != "dst")
          return error(field + ": the argument must be 'src' or 'dst', not '" + text + "'");
        arg.key = text;
        return {};
      case ArgKind::CgroupSubsystem:
        if (!arg.present || text.empty()) return error("field '" + field + "' requires a subsystem: " + field + ".NAME");
        for (char c : text) {
          if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '_'))
            return error(field + "." + text + ": a cgroup subsystem name has only letters and '_'");
        }
        arg.key = text;
        return {};
      case ArgKind::MountSelector:
        if (!arg.present || dotted || text.empty())
          return error("field '" + field + "' requires an argument: " + field + "[N] or " + field + "[PATH-GLOB]");
        if (!parse_non_negative(text, arg.number)) arg.key = text;
        return {};
      case ArgKind::LabelKey:
        if (!arg.present || text.empty())
          return error("field '" + field + "' requires a label key: " + field + "[KEY] or " + field + ".KEY");
        arg.key = text;
        return {};
    }
    return {};
  }

  Status bind_event_type(const std::string& field, FieldArg& arg) const {
    if (!arg.present || arg.text.empty())
      return error("field '" + field + "' requires an event name or number: " + field + ".open");
    const auto& schema = capture::EventSchema::newest();
    int64_t number;
    if (parse_non_negative(arg.text, number)) {
      if (number >= static_cast<int64_t>(schema.size()))
        return error(field + "." + arg.text + ": no event has number " + arg.text);
      arg.number = number;
      arg.event_ids.push_back(static_cast<uint16_t>(number));
      return {};
    }
    for (const auto& ev : schema.events()) {
      if (ev.name == arg.text) arg.event_ids.push_back(ev.id);
    }
    if (arg.event_ids.empty()) return error(field + "." + arg.text + ": unknown event name '" + arg.text + "'");
    return {};
  }

  Status bind_param_name(const std::string& field, FieldArg& arg) const {
    if (arg.text.empty()) return error("field '" + field + "' requires a parameter name");
    if (!param_names_.count(arg.text))
      return error(field + "." + arg.text + ": no event has a parameter named '" + arg.text + "'");
    arg.key = arg.text;
    return {};
  }

  std::unordered_map<std::string_view, FieldId> by_name_;
  std::unordered_set<std::string_view> param_names_;
};

}  // namespace

std::unique_ptr<FieldRegistry> make_syscall_field_registry() { return std::make_unique<SyscallFieldRegistry>(); }

}  // namespace vigil::inspect
