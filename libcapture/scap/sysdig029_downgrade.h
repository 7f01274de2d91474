// Internal: rewrites events of the newest schema into what sysdig 0.29.3 reads (scap-format.md
// §12.4, §13.3, §15, §16, §19.3): the 2022 id with exactly the 2022 parameters, and an enter
// event restored in front of every exit whose newest layout carries the former enter parameters.
//
// Rules, in order, for one event:
//  * Ids < 336 keep their id; their parameters are cut to the 2022 count (the leading parameters
//    and their widths are the same in both tables). Fewer parameters, as old drivers wrote them,
//    are kept as they are: sysdig 0.29.3 reads those files already.
//  * Ids >= 336 that the 2022 driver reported under an older id (accept4 -> 248/249 `accept`,
//    dup/dup2/dup3 -> 124/125 `dup`, pipe2, eventfd2, signalfd4, inotify_init1, umount/umount2,
//    bpf) are mapped parameter by parameter, by name; the rest are skipped and counted.
//  * An exit of a syscall gets its 2022 enter event (same ts, cpu and tid, written just before
//    it) unless the thread's previous event is already that enter event (TOCTOU enters such as
//    open_E and connect_E arrive on their own); with `restore_all_syscall_exits` false, only
//    when the exit comes in a newer layout than 2022 (more parameters, or a mapped id). The
//    enter's parameters are the exit's parameters of the same name. When every such parameter
//    that only the newer layout has is empty, the capture never had the enter event, and none
//    is made up; nor for the child's exit of clone/fork/vfork/clone3 (res 0), which starts
//    inside the call.
//  * Trailing parameters without a value are left out where the shorter layout is one drivers
//    wrote (an older version's id is used when that is what the shorter layout is); other empty
//    numbers become 0 and empty strings "\0": sysdig 0.29.3 shows stale memory for them.
//
// One thread at a time; it keeps the last event type per thread id.
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>

#include "vigil/capture/event.h"
#include "vigil/capture/record_builder.h"

namespace vigil::capture::detail {

struct DowngradePlan;

class Sysdig029Downgrade {
 public:
  explicit Sysdig029Downgrade(bool restore_all_syscall_exits);

  // Rewrites `event`. Returns how many records to write (0, 1 or 2), in order, in `out`; they stay
  // valid until the next call.
  size_t downgrade(const EventView& event, std::span<const uint8_t> (&out)[2]);

  uint64_t skipped() const { return skipped_; }
  uint64_t enters_added() const { return enters_added_; }

 private:
  void build(const EventView& event, uint16_t target, bool positional, const int8_t* sources,
             uint32_t nparams, RecordBuilder& builder);

  const DowngradePlan* plans_;
  bool restore_all_;
  RecordBuilder enter_builder_;
  RecordBuilder event_builder_;
  std::unordered_map<int64_t, uint16_t> last_type_by_tid_;
  uint64_t skipped_ = 0;
  uint64_t enters_added_ = 0;
};

}  // namespace vigil::capture::detail
