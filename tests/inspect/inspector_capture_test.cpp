// The inspector over every shared capture in normalized mode (what rules see).
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;

namespace {

// Every field the official rules files use, in one format: extraction must hold on every event.
constexpr std::string_view kRuleFields =
    "*%evt.num %evt.type %evt.args %evt.arg.flags %evt.res %evt.rawres %evt.is_open_read %evt.is_open_write "
    "%evt.is_open_exec %evt.buffer %proc.exe %proc.pexe %proc.aexe[2] %proc.exepath %proc.pexepath "
    "%proc.aexepath[2] %proc.name %proc.pname %proc.aname[3] %proc.aname %proc.args %proc.cmdline %proc.pcmdline "
    "%proc.env %proc.cwd %proc.tty %proc.vpid %proc.sname %proc.duration %proc.is_exe_upper_layer "
    "%proc.is_exe_from_memfd %proc.is_vpgid_leader %proc.exe_ino.ctime %proc.exe_ino.mtime "
    "%proc.exe_ino.ctime_duration_proc_start %thread.cap_permitted %thread.cap_effective %user.uid %user.name "
    "%user.loginuid %user.loginname %group.gid %group.name %fd.num %fd.type %fd.typechar %fd.name %fd.directory "
    "%fd.filename %fd.cip %fd.sip %fd.rip %fd.sport %fd.lport %fd.rport %fd.l4proto %fd.sockfamily "
    "%fd.connected %fd.name_changed %fd.cip.name %fd.sip.name %fd.lip.name %fd.rip.name %fd.nameraw "
    "%container.id %container.privileged %container.mounts %container.mount.dest[/var/run/docker.sock] "
    "%container.image.repository %container.start_ts %k8s.pod.name %k8s.ns.name";

struct Replay {
  uint64_t events = 0;
  std::map<std::string, std::string> container_names;  // container.id -> container.name seen
  inspect::InspectorStats stats;
  size_t threads = 0;
};

Replay replay(const std::string& capture, capture::ReadMode mode) {
  Replay r;
  auto reader = capture::ScapReader::open(test::capture_path(capture), {mode});
  REQUIRE(reader.ok());
  inspect::Inspector inspector;
  REQUIRE(inspector.seed((*reader)->metadata()).ok());
  auto fmt = inspect::Formatter::compile(kRuleFields, inspector.fields());
  REQUIRE(fmt.ok());
  auto id = inspector.fields().bind("container.id", std::nullopt);
  auto name = inspector.fields().bind("container.name", std::nullopt);
  inspect::FieldValues idv, namev;
  std::string line;
  capture::EventView ev;
  while ((*reader)->next(ev) == capture::NextStatus::Event) {
    const auto& ctx = inspector.process(ev);
    line.clear();
    CHECK(fmt->format(ctx, line));
    if (id.value()->extract(ctx, idv) && name.value()->extract(ctx, namev))
      r.container_names[std::string(idv[0].str)] = std::string(namev[0].str);
    ++r.events;
  }
  r.stats = inspector.stats();
  r.threads = inspector.threads().size();
  return r;
}

}  // namespace

TEST_CASE("every shared capture replays in both modes with every rule field extractable") {
  for (const auto& entry : std::filesystem::directory_iterator(test::shared_path("captures"))) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".scap") continue;
    auto probe = capture::ScapReader::open(entry.path().string());
    if (!probe.ok()) continue;  // not a capture vigil reads (e.g. empty); the reader tests cover why
    INFO(name);
    for (auto mode : {capture::ReadMode::Normalized, capture::ReadMode::Raw}) {
      const Replay r = replay(name, mode);
      CHECK(r.stats.events == r.events);
      // Bounded: never more threads than the metadata plus the events could introduce.
      CHECK(r.threads <= r.stats.threads_created);
    }
  }
}

TEST_CASE("threads of a capture's container report its id, and the container event its metadata") {
  const Replay r = replay("psp_privileged.scap", capture::ReadMode::Normalized);
  REQUIRE(r.container_names.count("host"));
  CHECK(r.container_names.at("host") == "host");
}

TEST_CASE("normalized and raw mode agree on the fd names rules see on open events") {
  // cat_write.scap: the same file opens must resolve to the same names in both modes.
  auto names = [](capture::ReadMode mode) {
    auto reader = capture::ScapReader::open(test::capture_path("cat_write.scap"), {mode});
    REQUIRE(reader.ok());
    inspect::Inspector inspector;
    REQUIRE(inspector.seed((*reader)->metadata()).ok());
    auto fmt = inspect::Formatter::compile("%proc.name %fd.name %fd.typechar %evt.is_open_read", inspector.fields());
    REQUIRE(fmt.ok());
    std::vector<std::string> out;
    std::string line;
    capture::EventView ev;
    while ((*reader)->next(ev) == capture::NextStatus::Event) {
      const auto& ctx = inspector.process(ev);
      if (ev.direction() != capture::Direction::Exit || !ev.info() || ev.info()->name != "open") continue;
      line.clear();
      if (fmt->format(ctx, line)) out.push_back(line);
    }
    return out;
  };
  const auto normalized = names(capture::ReadMode::Normalized);
  const auto raw = names(capture::ReadMode::Raw);
  CHECK(normalized == raw);
  REQUIRE_FALSE(normalized.empty());
  CHECK(normalized.front() == "cat /etc/ld.so.cache f true");
}
