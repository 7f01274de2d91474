#include "sysdig_replay.h"

#include <cstdlib>
#include <ctime>
#include <vector>

namespace vigil::test {

void use_utc() {
  setenv("TZ", "UTC", 1);
  tzset();
}

const std::vector<std::string>& sysdig_captures() {
  static const std::vector<std::string> names = {
      "cat_write.scap",        "connect_localhost.scap",
      "open-multiple-files.scap", "ping_sendto.scap",   "psp_privileged.scap",
      "psp_write_tmp_test.scap", "sample.scap",          "single_ipv6_conn.scap",
      "syscall.scap",          "test_ipv6_client.scap",
  };
  return names;
}

ReplayResult replay_like_sysdig(const std::string& path, inspect::Inspector& inspector,
                                const std::function<void(const inspect::EventContext&)>& visit) {
  ReplayResult result;
  auto reader = capture::ScapReader::open(path, {capture::ReadMode::Raw});
  if (!reader.ok()) {
    result.error = reader.error().to_string();
    return result;
  }
  result.opened = true;
  if (Status s = inspector.seed((*reader)->metadata()); !s.ok()) {
    result.error = s.error().to_string();
    return result;
  }
  const size_t known_to_sysdig = capture::EventSchema::libs_0_29().size();
  uint64_t num = 0;
  bool seen_non_container = false;
  std::vector<uint32_t> offsets;
  capture::EventView ev;
  while ((*reader)->next(ev) == capture::NextStatus::Event) {
    if (ev.type() >= known_to_sysdig) continue;
    ++num;
    // Same record, sysdig's numbering.
    offsets.resize(ev.nparams() + 1);
    const uint8_t* base = ev.record().data();
    uint32_t end = capture::EventView::kHeaderSize;
    for (uint32_t i = 0; i < ev.nparams(); ++i) {
      auto p = ev.param(i);
      offsets[i] = p.data() ? static_cast<uint32_t>(p.data() - base) : end;
      end = offsets[i] + p.size();
    }
    offsets[ev.nparams()] = end;
    capture::EventView renumbered(base, offsets.data(), ev.cpu(), ev.dump_flags(), num, ev.info());
    const inspect::EventContext& ctx = inspector.process(renumbered);
    // Visibility follows the 2022 table, as sysdig sees it.
    const capture::EventInfo& old_info = capture::EventSchema::libs_0_29()[ev.type()];
    const bool container = old_info.name == "container";
    // Container events before the first other event are consumed while opening the file.
    if (container && !seen_non_container) continue;
    seen_non_container = seen_non_container || !container;
    const bool internal = (old_info.category & capture::kCatInternal) != 0;
    if (internal || (ev.dump_flags() & capture::kDumpStateOnly)) continue;
    ++result.shown;
    visit(ctx);
  }
  if ((*reader)->stats().decode_failures) result.error = "decode failures";
  return result;
}

}  // namespace vigil::test
