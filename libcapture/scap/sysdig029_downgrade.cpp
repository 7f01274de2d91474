#include "scap/sysdig029_downgrade.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>
#include <vector>

#include "scap/conversion_table.h"

namespace vigil::capture::detail {

namespace {

constexpr size_t kMaxParams = 32;
constexpr uint16_t kFirstIdUnknownTo2022 = 336;
constexpr uint16_t kProcExit1 = 186;
// Generic syscall events carry a ppm_sc code; 2022's table ends at 328 and sysdig 0.29.3 indexes
// it without a bounds check, so a newer code (rseq, statx, ...) would crash it (§12.1).
constexpr uint16_t kGenericE = 0, kGenericX = 1;
constexpr uint64_t kLastPpmScOf2022 = 328;

// Newest ids >= 336 for syscalls the 2022 driver reported under an older event (§16).
constexpr std::pair<uint16_t, uint16_t> kIdMap[] = {
    {362, 124}, {363, 125},  // dup2  -> dup
    {364, 124}, {365, 125},  // dup3  -> dup
    {366, 124}, {367, 125},  // dup_1 -> dup
    {368, 296}, {369, 297},  // bpf_2 -> bpf
    {386, 258}, {387, 259},  // umount_1 -> umount
    {388, 248}, {389, 249},  // accept4_6 -> accept4_5 (named `accept` in 2022)
    {390, 258}, {391, 259},  // umount2 -> umount
    {392, 60},  {393, 61},   // pipe2 -> pipe
    {394, 138}, {395, 139},  // inotify_init1 -> inotify_init
    {396, 62},  {397, 63},   // eventfd2 -> eventfd
    {398, 126}, {399, 127},  // signalfd4 -> signalfd
};

// 2022 parameters whose value sits under another name in the newest layouts.
struct ParamAlias {
  uint16_t target_id;
  std::string_view target_name;
  std::string_view source_name;
};
constexpr ParamAlias kParamAliases[] = {
    {124, "fd", "oldfd"},      // dup_E.fd is the newest dup*_X.oldfd
    {297, "res_or_fd", "fd"},  // bpf_X.res_or_fd is the newest bpf_2_X.fd
};

// Stands for a parameter beyond the newest table (an extension we do not know): copied as is.
constexpr ParamInfo kUnknownParam{"", ParamType::ByteBuf, PrintFormat::NA, -1, -1, {}};

bool is_string_type(ParamType t) {
  return t == ParamType::CharBuf || t == ParamType::FsPath || t == ParamType::FsRelPath;
}

bool is_signed_type(ParamType t) {
  switch (t) {
    case ParamType::Int8: case ParamType::Int16: case ParamType::Int32: case ParamType::Int64:
    case ParamType::Errno: case ParamType::Fd: case ParamType::Pid: case ParamType::Fd32: case ParamType::Pid32:
      return true;
    default:
      return false;
  }
}

}  // namespace

struct EventPlanEntry {
  int16_t target = -1;     // 2022 id, or -1: no 2022 equivalent
  bool positional = false;  // target == source id: parameters keep their positions
  uint8_t nparams = 0;      // 2022 parameter count of `target`
  std::array<int8_t, kMaxParams> source{};  // !positional: source index per target parameter, -1 none
  int16_t enter_target = -1;  // 2022 enter event to restore before this exit, or -1
  bool creates_process = false;  // clone/fork/vfork/clone3: the child's exit (res 0) had no enter
  uint8_t enter_nparams = 0;
  std::array<int8_t, kMaxParams> enter_source{};
};

struct DowngradePlan {
  std::vector<EventPlanEntry> entries;  // indexed by newest id
};

namespace {

int8_t find_source(const EventInfo& source, uint16_t target_id, std::string_view target_name) {
  std::string_view wanted = target_name;
  for (const ParamAlias& a : kParamAliases)
    if (a.target_id == target_id && a.target_name == target_name) wanted = a.source_name;
  for (size_t i = 0; i < source.params.size(); ++i)
    if (source.params[i].name == wanted) return static_cast<int8_t>(i);
  return -1;
}

void map_by_name(const EventInfo& source, const EventInfo& target, std::array<int8_t, kMaxParams>& out) {
  out.fill(-1);
  for (size_t j = 0; j < target.params.size() && j < kMaxParams; ++j)
    out[j] = find_source(source, target.id, target.params[j].name);
}

DowngradePlan build_plan() {
  const EventSchema& newest = EventSchema::newest();
  const EventSchema& old = EventSchema::libs_0_29();
  DowngradePlan plan;
  plan.entries.resize(newest.size());
  for (const EventInfo& src : newest.events()) {
    EventPlanEntry& e = plan.entries[src.id];
    if (src.has(kUnused)) continue;
    int target = -1;
    if (src.id < kFirstIdUnknownTo2022 && src.id < old.size()) {
      target = src.id;
    } else {
      for (const auto& [from, to] : kIdMap)
        if (from == src.id) target = to;
    }
    if (target < 0) continue;
    const EventInfo& tgt = old[static_cast<uint16_t>(target)];
    e.target = static_cast<int16_t>(target);
    e.positional = target == src.id;
    e.nparams = static_cast<uint8_t>(std::min(tgt.params.size(), kMaxParams));
    if (!e.positional) map_by_name(src, tgt, e.source);

    // Only syscall exits had an enter partner in 2022; metaevents are single (§14).
    if (src.direction != Direction::Exit || (src.category & kCatSyscall) == 0 || (target & 1) == 0) continue;
    const EventInfo& enter = old[static_cast<uint16_t>(target - 1)];
    if (enter.has(kUnused) || enter.direction != Direction::Enter || enter.name != tgt.name) continue;
    e.enter_target = static_cast<int16_t>(enter.id);
    e.creates_process = tgt.name == "clone" || tgt.name == "fork" || tgt.name == "vfork" || tgt.name == "clone3";
    e.enter_nparams = static_cast<uint8_t>(std::min(enter.params.size(), kMaxParams));
    map_by_name(src, enter, e.enter_source);
  }
  return plan;
}

const DowngradePlan& shared_plan() {
  static const DowngradePlan plan = build_plan();  // immutable once built
  return plan;
}

// Appends `value` as a `width`-byte integer (the 2022 width of a retyped or remapped parameter).
void add_resized(RecordBuilder& b, const ParamView& value, bool is_signed, uint32_t width) {
  const uint64_t v = is_signed ? static_cast<uint64_t>(value.as_i64()) : value.as_u64();
  uint8_t bytes[8];
  std::memcpy(bytes, &v, 8);
  b.add(bytes, width);
}

// Appends one parameter in its 2022 form. `src` is the newest schema's description of the value
// (nullptr when the value has no source and must be made up).
void add_param(RecordBuilder& b, const ParamInfo& dst, const ParamInfo* src, const ParamView& value, bool exact) {
  const uint32_t width = fixed_param_size(dst.type);
  if (src == nullptr) {
    if (is_string_type(dst.type)) b.add(reinterpret_cast<const uint8_t*>(""), 1);
    else b.add_zeros(width);
    return;
  }
  if (value.empty()) {
    // sysdig 0.29.3 shows stale memory for empty strings and numbers (§13.3): write "" or 0.
    if (is_string_type(dst.type)) b.add(reinterpret_cast<const uint8_t*>(""), 1);
    else b.add_zeros(width);
    return;
  }
  if (exact) {
    b.add(value.bytes());
    return;
  }
  if (dst.type == ParamType::Dyn && src->type != ParamType::Dyn && !dst.dyn.empty()) {
    // Wrap a plain value into the 2022 PT_DYN slot: pick the alternative of the same type; a
    // negative fd is an error code, shown as such when the slot has an ERRNO alternative.
    size_t pick = 0;
    for (size_t i = 0; i < dst.dyn.size(); ++i)
      if (dst.dyn[i].type == src->type) pick = i;
    if (is_signed_type(src->type) && value.as_i64() < 0)
      for (size_t i = 0; i < dst.dyn.size(); ++i)
        if (dst.dyn[i].type == ParamType::Errno) pick = i;
    const uint32_t alt_width = fixed_param_size(dst.dyn[pick].type);
    uint8_t buf[1 + 8];
    buf[0] = static_cast<uint8_t>(pick);
    if (alt_width == 0 || alt_width > 8) {
      b.add(value.bytes());  // cannot wrap a variable-size value without copying; keep it plain
      return;
    }
    const uint64_t v = is_signed_type(src->type) ? static_cast<uint64_t>(value.as_i64()) : value.as_u64();
    std::memcpy(buf + 1, &v, alt_width);
    b.add(buf, 1 + alt_width);
    return;
  }
  if (width > 0 && width <= 8 && value.size() != width) {
    add_resized(b, value, is_signed_type(src->type), width);
    return;
  }
  b.add(value.bytes());
}

// Whether drivers wrote event `id` with only `nparams` parameters, so that sysdig 0.29.3 knows
// that layout: the converter has a rule for exactly those layouts (§15).
bool shorter_layout_known(uint16_t id, uint32_t nparams) {
  return ConversionTable::builtin().find(id, nparams) != nullptr;
}

// The newest 2022 id with the same name and direction as `id` whose parameters are exactly the
// first `nparams` of `id` (execve_19 cut to 16 parameters is execve_16), or -1.
int older_version_with_prefix(uint16_t id, uint32_t nparams) {
  const EventSchema& old = EventSchema::libs_0_29();
  const EventInfo& newer = old[id];
  if (nparams > newer.params.size()) return -1;
  int best = -1;
  for (const EventInfo& e : old.events()) {
    if (e.id == id || e.name != newer.name || e.direction != newer.direction || e.params.size() != nparams) continue;
    bool same = true;
    for (uint32_t i = 0; i < nparams && same; ++i)
      same = e.params[i].name == newer.params[i].name && e.params[i].type == newer.params[i].type;
    if (same) best = e.id;
  }
  return best;
}

}  // namespace

Sysdig029Downgrade::Sysdig029Downgrade(bool restore_all_syscall_exits)
    : plans_(&shared_plan()), restore_all_(restore_all_syscall_exits) {}

void Sysdig029Downgrade::build(const EventView& event, uint16_t target, bool positional, const int8_t* sources,
                               uint32_t nparams, RecordBuilder& builder) {
  const EventInfo& dst = EventSchema::libs_0_29()[target];
  const EventInfo* src = EventSchema::newest().find(event.type());
  // Where each 2022 parameter comes from: an index into the event, or -1 to make it up.
  auto source_of = [&](uint32_t j) { return positional ? static_cast<int>(j) : static_cast<int>(sources[j]); };
  auto droppable = [&](uint32_t j) {
    const int index = source_of(j);
    if (index < 0) return false;
    return static_cast<uint32_t>(index) >= event.nparams() || event.param(static_cast<uint32_t>(index)).empty();
  };
  uint32_t count = positional ? std::min(event.nparams(), nparams) : nparams;
  // Trailing parameters without a value are left out when drivers wrote the event that way
  // before its layout grew: sysdig 0.29.3 reads it so, and would show stale memory for empty
  // numbers and strings. A normalizing reader fills exactly those parameters with empty values.
  const uint32_t full = count;
  while (count > 0 && droppable(count - 1)) --count;
  uint16_t id = target;
  if (count < full && !shorter_layout_known(target, count)) {
    // The id never existed with that few parameters (the reader upgraded an older version to
    // it): use the older version when its layout is exactly the shorter one, else keep them all.
    const int older = positional ? older_version_with_prefix(target, count) : -1;
    if (older >= 0) id = static_cast<uint16_t>(older);
    else count = full;
  }
  builder.begin(event.ts(), event.tid(), id, count, dst.has(kLargePayload) ? 4 : 2);
  for (uint32_t j = 0; j < count; ++j) {
    const int index = source_of(j);
    const ParamInfo* src_param = nullptr;
    ParamView value;
    if (index >= 0 && static_cast<uint32_t>(index) < event.nparams()) {
      value = event.param(static_cast<uint32_t>(index));
      src_param = src && static_cast<size_t>(index) < src->params.size() ? &src->params[index] : &kUnknownParam;
    }
    add_param(builder, dst.params[j], src_param, value, positional);
  }
}

size_t Sysdig029Downgrade::downgrade(const EventView& event, std::span<const uint8_t> (&out)[2]) {
  const uint16_t type = event.type();
  if (type >= plans_->entries.size() || plans_->entries[type].target < 0) {
    ++skipped_;
    return 0;
  }
  if ((type == kGenericE || type == kGenericX) && event.nparams() > 0 && event.param(0u).as_u16() > kLastPpmScOf2022) {
    ++skipped_;
    return 0;
  }
  const EventPlanEntry& plan = plans_->entries[type];
  const auto target = static_cast<uint16_t>(plan.target);
  size_t n = 0;
  const bool newer_layout = !plan.positional || event.nparams() > plan.nparams;
  if (plan.enter_target >= 0 && (newer_layout || restore_all_)) {
    const auto it = last_type_by_tid_.find(event.tid());
    const bool enter_present = it != last_type_by_tid_.end() && it->second == plan.enter_target;
    // Parameters that only the newer exit layout has were copied from the enter event by whoever
    // normalized the stream. All of them empty (the converter's fallback when the thread had no
    // stored enter event, §15) means there was no enter event to restore. Zeros are not taken
    // as "absent": they are real values too often (nanosleep 0, fd 0).
    bool has_appended = false;
    bool appended_filled = false;
    for (uint32_t j = 0; j < plan.enter_nparams; ++j) {
      const int index = plan.enter_source[j];
      if (index < plan.nparams) continue;
      has_appended = true;
      if (static_cast<uint32_t>(index) < event.nparams() && !event.param(static_cast<uint32_t>(index)).empty())
        appended_filled = true;
    }
    // The new process or thread starts inside the call: its exit (res 0) never had an enter (§14).
    const bool child_side = plan.creates_process && event.nparams() > 0 && event.param(0u).as_i64() == 0;
    if (!enter_present && !child_side && (!has_appended || appended_filled)) {
      build(event, static_cast<uint16_t>(plan.enter_target), false, plan.enter_source.data(), plan.enter_nparams,
            enter_builder_);
      out[n++] = enter_builder_.finish();
      ++enters_added_;
    }
  }
  build(event, target, plan.positional, plan.source.data(), plan.nparams, event_builder_);
  out[n++] = event_builder_.finish();
  if (type == kProcExit1) {
    last_type_by_tid_.erase(event.tid());
  } else {
    last_type_by_tid_[event.tid()] = target;
  }
  return n;
}

}  // namespace vigil::capture::detail
