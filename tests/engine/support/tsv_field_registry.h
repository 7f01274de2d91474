// Test support: a FieldRegistry built from shared/docs/fields.tsv with fake extraction, so the
// engine can be tested without the inspection layer. Values come from a FakeEvent the test fills.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vigil/inspect/field.h"

namespace vigil::test {

// An event for the fake registry: field expression ("proc.name", "proc.aname[2]",
// "evt.arg.flags") -> values. A field with no entry has no value (<NA>).
class FakeEvent {
 public:
  FakeEvent& set(const std::string& field, std::vector<std::string> values);
  FakeEvent& set_num(const std::string& field, std::vector<uint64_t> values);
  FakeEvent& set_bool(const std::string& field, bool v);
  FakeEvent& set_ip(const std::string& field, const std::string& ip);
  const inspect::EventContext& ctx() const { return *reinterpret_cast<const inspect::EventContext*>(this); }
  static const FakeEvent& from(const inspect::EventContext& c) { return *reinterpret_cast<const FakeEvent*>(&c); }

  struct Stored {
    std::vector<std::string> strings;
    std::vector<inspect::FieldValue> values;
  };
  const Stored* find(const std::string& key) const;

 private:
  std::map<std::string, std::unique_ptr<Stored>> values_;
};

class TsvFieldRegistry : public inspect::FieldRegistry {
 public:
  // with_plugin_fields: include the container plugin's fields (container.*, k8s.*).
  explicit TsvFieldRegistry(bool with_plugin_fields = true);
  std::span<const inspect::FieldInfo> fields() const override { return infos_; }
  Result<std::unique_ptr<inspect::BoundField>> bind(std::string_view token,
                                                    std::optional<std::string_view> bracket_arg) const override;
  const inspect::FieldInfo* find(std::string_view name) const override {
    for (auto& f : infos_)
      if (f.name == name) return &f;
    return nullptr;
  }

 private:
  std::vector<std::string> names_, descs_;
  std::vector<inspect::FieldInfo> infos_;
};

// The registry used by most engine tests (with container fields).
const TsvFieldRegistry& tsv_registry();
// Falco's unit-test setting: libsinsp fields only (engine-cases.md conventions).
const TsvFieldRegistry& tsv_registry_without_plugins();

}  // namespace vigil::test
