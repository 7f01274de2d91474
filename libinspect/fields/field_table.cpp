#include "fields/field_table.h"

namespace vigil::inspect::detail {
namespace {

constexpr FieldInfo kFields[] = {
#define VIGIL_FIELD(ident, name, type, flags, desc) {name, FieldType::type, flags, desc},
#include "fields/field_table.inc"
#undef VIGIL_FIELD
};
static_assert(std::size(kFields) == static_cast<size_t>(FieldId::kCount));

}  // namespace

std::span<const FieldInfo> field_table() { return kFields; }

ArgKind arg_kind(FieldId id) {
  switch (id) {
    case FieldId::kProcAexe:
    case FieldId::kProcAexepath:
    case FieldId::kProcAname:
    case FieldId::kProcAargs:
    case FieldId::kProcAcmdline:
    case FieldId::kProcApid:
      return ArgKind::AncestorLevel;
    case FieldId::kProcArgs: return ArgKind::ArgvIndex;
    case FieldId::kProcEnv: return ArgKind::EnvName;
    case FieldId::kProcAenv: return ArgKind::LevelOrEnvName;
    case FieldId::kEvtTypeIs: return ArgKind::EventType;
    case FieldId::kEvtArg: return ArgKind::EventParam;
    case FieldId::kEvtRawarg: return ArgKind::RawEventParam;
    case FieldId::kEvtAround: return ArgKind::Timestamp;
    case FieldId::kEvtAbspath: return ArgKind::AbsPathSide;
    case FieldId::kThreadCgroup: return ArgKind::CgroupSubsystem;
    case FieldId::kFdTypes: return ArgKind::FdNumber;
    case FieldId::kContainerMount:
    case FieldId::kContainerMountSource:
    case FieldId::kContainerMountDest:
    case FieldId::kContainerMountMode:
    case FieldId::kContainerMountRdwr:
    case FieldId::kContainerMountPropagation:
      return ArgKind::MountSelector;
    case FieldId::kContainerLabel:
    case FieldId::kK8sPodLabel:
    case FieldId::kK8sRcLabel:
    case FieldId::kK8sSvcLabel:
    case FieldId::kK8sNsLabel:
    case FieldId::kK8sRsLabel:
    case FieldId::kK8sDeploymentLabel:
      return ArgKind::LabelKey;
    default:
      return ArgKind::None;
  }
}

}  // namespace vigil::inspect::detail

namespace vigil::inspect {

std::string_view field_type_name(FieldType type) {
  switch (type) {
    case FieldType::Int16: return "INT16";
    case FieldType::Int32: return "INT32";
    case FieldType::Int64: return "INT64";
    case FieldType::Uint32: return "UINT32";
    case FieldType::Uint64: return "UINT64";
    case FieldType::CharBuf: return "CHARBUF";
    case FieldType::ByteBuf: return "BYTEBUF";
    case FieldType::Bool: return "BOOL";
    case FieldType::Double: return "DOUBLE";
    case FieldType::AbsTime: return "ABSTIME";
    case FieldType::RelTime: return "RELTIME";
    case FieldType::IpAddr: return "IPADDR";
    case FieldType::IpNet: return "IPNET";
    case FieldType::Port: return "PORT";
    case FieldType::Dyn: return "DYN";
    case FieldType::ListCharBuf: return "LIST(CHARBUF)";
  }
  return "?";
}

}  // namespace vigil::inspect
