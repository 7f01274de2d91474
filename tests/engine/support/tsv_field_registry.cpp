#include "support/tsv_field_registry.h"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>

#include "test_paths.h"

namespace vigil::test {

using inspect::FieldType;
using inspect::FieldValue;

FakeEvent& FakeEvent::set(const std::string& field, std::vector<std::string> vals) {
  auto s = std::make_unique<Stored>();
  s->strings = std::move(vals);
  for (auto& v : s->strings) {
    FieldValue fv;
    fv.type = FieldType::CharBuf;
    fv.str = v;
    s->values.push_back(fv);
  }
  values_[field] = std::move(s);
  return *this;
}

FakeEvent& FakeEvent::set_num(const std::string& field, std::vector<uint64_t> vals) {
  auto s = std::make_unique<Stored>();
  for (auto v : vals) {
    FieldValue fv;
    fv.type = FieldType::Uint64;
    fv.u64 = v;
    s->values.push_back(fv);
  }
  values_[field] = std::move(s);
  return *this;
}

FakeEvent& FakeEvent::set_bool(const std::string& field, bool b) {
  auto s = std::make_unique<Stored>();
  FieldValue fv;
  fv.type = FieldType::Bool;
  fv.b = b;
  s->values.push_back(fv);
  values_[field] = std::move(s);
  return *this;
}

FakeEvent& FakeEvent::set_ip(const std::string& field, const std::string& ip) {
  auto s = std::make_unique<Stored>();
  FieldValue fv;
  fv.type = FieldType::IpAddr;
  if (inet_pton(AF_INET, ip.c_str(), fv.ip.addr.data()) == 1) fv.ip.family = 4;
  else if (inet_pton(AF_INET6, ip.c_str(), fv.ip.addr.data()) == 1) fv.ip.family = 6;
  s->values.push_back(fv);
  values_[field] = std::move(s);
  return *this;
}

const FakeEvent::Stored* FakeEvent::find(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : it->second.get();
}

namespace {

FieldType parse_type(const std::string& t) {
  static const std::pair<const char*, FieldType> kTypes[] = {
      {"INT16", FieldType::Int16}, {"INT32", FieldType::Int32}, {"INT64", FieldType::Int64},
      {"UINT32", FieldType::Uint32}, {"UINT64", FieldType::Uint64}, {"CHARBUF", FieldType::CharBuf},
      {"BYTEBUF", FieldType::ByteBuf}, {"BOOL", FieldType::Bool}, {"DOUBLE", FieldType::Double},
      {"ABSTIME", FieldType::AbsTime}, {"RELTIME", FieldType::RelTime}, {"IPADDR", FieldType::IpAddr},
      {"IPNET", FieldType::IpNet}, {"PORT", FieldType::Port}, {"DYN", FieldType::Dyn},
      {"LIST(CHARBUF)", FieldType::ListCharBuf}};
  for (auto& [n, v] : kTypes)
    if (t == n) return v;
  return FieldType::CharBuf;
}

uint32_t parse_flags(const std::string& f) {
  static const std::pair<const char*, uint32_t> kFlags[] = {
      {"ARG_REQUIRED", inspect::kFieldArgRequired}, {"ARG_ALLOWED", inspect::kFieldArgAllowed},
      {"ARG_INDEX", inspect::kFieldArgIndex}, {"ARG_KEY", inspect::kFieldArgKey},
      {"NO_RHS", inspect::kFieldNoRhs}, {"NO_TRANSFORMER", inspect::kFieldNoTransformer},
      {"FILTER_ONLY", inspect::kFieldFilterOnly}, {"PRINT_ONLY", inspect::kFieldPrintOnly},
      {"TABLE_ONLY", inspect::kFieldTableOnly}, {"DEPRECATED", inspect::kFieldDeprecated},
      {"IS_LIST", inspect::kFieldIsList}, {"NO_PTR_STABILITY", inspect::kFieldNoPtrStability},
      {"FORMAT_SUGGESTED", inspect::kFieldFormatSuggested}};
  uint32_t out = 0;
  std::stringstream ss(f);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    for (auto& [n, v] : kFlags)
      if (tok.rfind(n, 0) == 0) out |= v;
  }
  return out;
}

class FakeBoundField final : public inspect::BoundField {
 public:
  FakeBoundField(const inspect::FieldInfo& info, std::string arg, std::string key)
      : info_(info), arg_(std::move(arg)), key_(std::move(key)) {}
  const inspect::FieldInfo& info() const override { return info_; }
  std::string_view argument() const override { return arg_; }
  bool extract(const inspect::EventContext& ctx, inspect::FieldValues& out) const override {
    out.clear();
    const auto* s = FakeEvent::from(ctx).find(key_);
    if (!s) return false;
    for (auto& v : s->values) out.add() = v;
    return !out.empty();
  }

 private:
  const inspect::FieldInfo& info_;
  std::string arg_, key_;
};

}  // namespace

TsvFieldRegistry::TsvFieldRegistry(bool with_plugin_fields) {
  std::ifstream in(shared_path("docs/fields.tsv"));
  std::string line;
  std::getline(in, line);  // header
  struct Row {
    std::string name, type, flags, desc;
  };
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string c;
    while (std::getline(ss, c, '\t')) cols.push_back(c);
    if (cols.size() < 9) continue;
    if (!with_plugin_fields && cols[8].find("plugin") != std::string::npos) continue;
    rows.push_back({cols[0], cols[1], cols[2], cols[3]});
  }
  names_.reserve(rows.size());
  descs_.reserve(rows.size());
  for (auto& r : rows) {
    names_.push_back(r.name);
    descs_.push_back(r.desc);
  }
  for (size_t i = 0; i < rows.size(); ++i)
    infos_.push_back({names_[i], parse_type(rows[i].type), parse_flags(rows[i].flags), descs_[i]});
}

Result<std::unique_ptr<inspect::BoundField>> TsvFieldRegistry::bind(std::string_view token,
                                                                     std::optional<std::string_view> bracket) const {
  const inspect::FieldInfo* best = nullptr;
  for (auto& f : infos_) {
    if (token == f.name || (token.size() > f.name.size() && token.starts_with(f.name) && token[f.name.size()] == '.')) {
      if (!best || f.name.size() > best->name.size()) best = &f;
    }
  }
  if (!best) return Error{"filter_check called with nonexistent field " + std::string(token)};
  std::string dotted = token.size() > best->name.size() ? std::string(token.substr(best->name.size() + 1)) : "";
  bool takes_arg = best->flags & (inspect::kFieldArgRequired | inspect::kFieldArgAllowed);
  if (!dotted.empty() && !takes_arg)
    return Error{"filter_check called with nonexistent field " + std::string(token)};
  if (bracket && !takes_arg)
    return Error{"field '" + std::string(best->name) + "' does not take an argument"};
  if ((best->flags & inspect::kFieldArgRequired) && dotted.empty() && !bracket && best->name != "evt.abspath")
    return Error{"field '" + std::string(best->name) + "' requires an argument"};
  std::string arg = bracket ? std::string(*bracket) : dotted;
  std::string key = std::string(best->name);
  if (bracket) key += "[" + arg + "]";
  else if (!dotted.empty()) key += "." + dotted;
  return std::unique_ptr<inspect::BoundField>(std::make_unique<FakeBoundField>(*best, arg, key));
}

const TsvFieldRegistry& tsv_registry() {
  static const TsvFieldRegistry r(true);
  return r;
}

const TsvFieldRegistry& tsv_registry_without_plugins() {
  static const TsvFieldRegistry r(false);
  return r;
}

}  // namespace vigil::test
