// The compiled-in field table (generated from docs/fields.tsv) and the parsed form of a field's
// argument. Internal to libinspect.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vigil/inspect/field.h"

namespace vigil::inspect::detail {

enum class FieldId : uint16_t {
#define VIGIL_FIELD(ident, name, type, flags, desc) k##ident,
#include "fields/field_table.inc"
#undef VIGIL_FIELD
  kCount,
};

std::span<const FieldInfo> field_table();
inline const FieldInfo& field_info(FieldId id) { return field_table()[static_cast<size_t>(id)]; }

// How a field takes its argument; decides what bind() accepts.
enum class ArgKind : uint8_t {
  None,
  AncestorLevel,   // optional [N], N >= 0 (proc.aname, proc.apid, ...)
  ArgvIndex,       // optional [N] (proc.args)
  EnvName,         // optional [NAME] (proc.env)
  LevelOrEnvName,  // optional [N] or [NAME] (proc.aenv)
  EventType,       // required .NAME or .NUMBER (evt.type.is)
  EventParam,      // required .NAME or [N] (evt.arg)
  RawEventParam,   // required .NAME (evt.rawarg)
  Timestamp,       // required [NS] (evt.around)
  AbsPathSide,     // optional .src / .dst (evt.abspath)
  CgroupSubsystem, // required .NAME (thread.cgroup)
  FdNumber,        // optional [FD] (fd.types)
  MountSelector,   // required [N] or [PATH-GLOB] (container.mount*)
  LabelKey,        // required .KEY or [KEY] (container.label, k8s.*.label)
};

ArgKind arg_kind(FieldId id);

// A validated argument. Which members are set depends on the field's ArgKind.
struct FieldArg {
  bool present = false;
  std::string text;                 // as written
  int64_t number = -1;              // numeric forms ([N], evt.type.is.<number>, evt.around[T])
  std::string key;                  // name forms (.NAME / [NAME])
  std::vector<uint16_t> event_ids;  // evt.type.is: every id of the named event
};

}  // namespace vigil::inspect::detail
