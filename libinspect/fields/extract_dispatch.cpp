#include "fields/extract.h"
#include "fields/extract_util.h"

namespace vigil::inspect::detail {

ExtractFn extractor_for(FieldId id) {
  const std::string_view name = field_info(id).name;
  if (name.starts_with("evt.") || name.starts_with("syscall.")) return &extract_evt;
  if (name.starts_with("proc.is_container")) return &extract_container;
  if (name.starts_with("proc.") || name.starts_with("thread.")) return &extract_proc;
  if (name.starts_with("fd.") || name.starts_with("fdlist.") || name.starts_with("fs.path.")) return &extract_fd;
  if (name.starts_with("user.") || name.starts_with("group.")) return &extract_user;
  return &extract_container;
}

}  // namespace vigil::inspect::detail
