// The built-in conversion table and its parser.
//
// Notation, one rule per line ('#' starts a comment, blank lines are ignored):
//
//   EVENT  NPARAMS  ACTION [NEW_EVENT]  RECIPE...
//
// EVENT and NEW_EVENT are enum names from the newest event table without the "PPME_" prefix.
// ACTION is store, store+pass, pass, add or retype (retype names NEW_EVENT). Each RECIPE fills one
// new parameter, in order:
//   oN     parameter N of the event being converted; oA..B is oA oA+1 ... oB
//   eN     parameter N of the thread's stored enter event, the type's default if none is stored
//   eN-    the same, but an empty parameter if none is stored
//   -      an empty parameter
//   d      the type's default value
//   json   the container JSON built from a legacy 4-field container event (empty on failure)
//
// The rows are the facts of the falcosecurity libs' savefile converter (newest libs); the
// notation is vigil's own.
#include "scap/conversion_table.h"

#include <algorithm>
#include <charconv>

#include "vigil/capture/event_schema.h"

namespace vigil::capture::detail {
namespace {

constexpr std::string_view kBuiltinRules = R"(
GENERIC_E                   2  store
GENERIC_X                   1  add                             e1-

SYSCALL_OPEN_E              0  add                             - - -
SYSCALL_OPEN_E              3  pass
SYSCALL_OPEN_X              4  add                             -
SYSCALL_OPEN_X              5  add                             -

SYSCALL_CLOSE_E             1  store
SYSCALL_CLOSE_X             1  add                             e0

SYSCALL_READ_E              2  store
SYSCALL_READ_X              2  add                             e0 e1

SYSCALL_LINK_E              2  store
SYSCALL_LINK_X              1  retype SYSCALL_LINK_2_X         o0 e0- e1-

SYSCALL_LINKAT_E            4  store
SYSCALL_LINKAT_X            1  retype SYSCALL_LINKAT_2_X       o0 e0- e1- e2- e3- -

SYSCALL_UNLINK_E            1  store
SYSCALL_UNLINK_X            1  retype SYSCALL_UNLINK_2_X       o0 e0-

SYSCALL_UNLINKAT_E          2  store
SYSCALL_UNLINKAT_X          1  retype SYSCALL_UNLINKAT_2_X     o0 e0- e1- -

SYSCALL_PREAD_E             3  store
SYSCALL_PREAD_X             2  add                             e0 e1 e2

SYSCALL_DUP_E               1  store
SYSCALL_DUP_X               1  retype SYSCALL_DUP_1_X          o0 e0-

SYSCALL_SIGNALFD_E          3  store
SYSCALL_SIGNALFD_X          1  add                             e0 e1 e2

SYSCALL_KILL_E              2  store
SYSCALL_KILL_X              1  add                             e0 e1

SYSCALL_TKILL_E             2  store
SYSCALL_TKILL_X             1  add                             e0 e1

SYSCALL_TGKILL_E            3  store
SYSCALL_TGKILL_X            1  add                             e0 e1 e2

SYSCALL_NANOSLEEP_E         1  store
SYSCALL_NANOSLEEP_X         1  add                             e0

SYSCALL_TIMERFD_CREATE_E    2  store
SYSCALL_TIMERFD_CREATE_X    1  add                             e0 e1

SYSCALL_INOTIFY_INIT_E      1  store
SYSCALL_INOTIFY_INIT_X      1  add                             e0

SYSCALL_GETRLIMIT_E         1  store
SYSCALL_GETRLIMIT_X         3  add                             e0

SYSCALL_SETRLIMIT_E         1  store
SYSCALL_SETRLIMIT_X         3  add                             e0

SYSCALL_PRLIMIT_E           2  store
SYSCALL_PRLIMIT_X           5  add                             e0- e1-

SCHEDSWITCH_1_E             1  retype SCHEDSWITCH_6_E          o0 - - - - -

SYSCALL_FCNTL_E             2  store
SYSCALL_FCNTL_X             1  add                             e0 e1
SYSCALL_FCNTL_X             3  add                             d

SYSCALL_BRK_1_E             1  store
SYSCALL_BRK_1_X             1  retype SYSCALL_BRK_4_X          o0 e0- - - -
SYSCALL_BRK_4_E             1  store
SYSCALL_BRK_4_X             4  add                             e0-

SYSCALL_EXECVE_8_E          0  retype SYSCALL_EXECVE_13_E
SYSCALL_EXECVE_8_X          8  retype SYSCALL_EXECVE_13_X      o0..7 - - - - -
SYSCALL_EXECVE_13_E         0  retype SYSCALL_EXECVE_14_E
SYSCALL_EXECVE_13_X        13  retype SYSCALL_EXECVE_14_X      o0..12 -
SYSCALL_EXECVE_14_E         0  retype SYSCALL_EXECVE_15_E
SYSCALL_EXECVE_14_X        14  retype SYSCALL_EXECVE_15_X      o0..12 - o13
SYSCALL_EXECVE_15_E         0  retype SYSCALL_EXECVE_16_E
SYSCALL_EXECVE_15_X        15  retype SYSCALL_EXECVE_16_X      o0..13 - o14
SYSCALL_EXECVE_16_E         0  retype SYSCALL_EXECVE_17_E
SYSCALL_EXECVE_16_X        16  retype SYSCALL_EXECVE_17_X      o0..15 -
SYSCALL_EXECVE_17_E         0  retype SYSCALL_EXECVE_18_E      -
SYSCALL_EXECVE_17_X        17  retype SYSCALL_EXECVE_18_X      o0..16
SYSCALL_EXECVE_18_E         1  retype SYSCALL_EXECVE_19_E      o0
SYSCALL_EXECVE_18_X        17  retype SYSCALL_EXECVE_19_X      o0..16 -
SYSCALL_EXECVE_19_X        18  add                             -
SYSCALL_EXECVE_19_E         1  store+pass
SYSCALL_EXECVE_19_X        19  add                             -
SYSCALL_EXECVE_19_X        20  add                             - - -
SYSCALL_EXECVE_19_X        23  add                             - - -
SYSCALL_EXECVE_19_X        26  add                             -
SYSCALL_EXECVE_19_X        27  add                             -
SYSCALL_EXECVE_19_X        28  add                             -
SYSCALL_EXECVE_19_X        29  add                             -
SYSCALL_EXECVE_19_X        30  add                             e0-

SYSCALL_CLONE_11_X         11  retype SYSCALL_CLONE_16_X       o0..7 - - - - - o8..10
SYSCALL_CLONE_16_X         16  retype SYSCALL_CLONE_17_X       o0..12 - o13..15
SYSCALL_CLONE_17_X         17  retype SYSCALL_CLONE_20_X       o0..13 - o14..16 - -
SYSCALL_CLONE_20_X         20  add                             -

SOCKET_BIND_E               1  store
SOCKET_BIND_X               2  add                             e0

SOCKET_CONNECT_E            1  add                             d
SOCKET_CONNECT_E            2  store+pass
SOCKET_CONNECT_X            2  add                             e0
SOCKET_CONNECT_X            3  add                             e1

PROCEXIT_E                  0  retype PROCEXIT_1_E             - - - - -

SOCKET_SOCKET_E             3  store
SOCKET_SOCKET_X             1  add                             e0 e1 e2
SOCKET_SOCKET_X             4  add                             d

SOCKET_LISTEN_E             2  store
SOCKET_LISTEN_X             1  add                             e0 e1

SOCKET_ACCEPT_X             3  retype SOCKET_ACCEPT_5_X        o0..2 d d

SYSCALL_WRITE_E             2  store
SYSCALL_WRITE_X             2  add                             e0 e1

SYSCALL_PWRITE_E            3  store
SYSCALL_PWRITE_X            2  add                             e0 e1 e2

SYSCALL_READV_E             1  store
SYSCALL_READV_X             3  add                             e0

SYSCALL_WRITEV_E            2  store
SYSCALL_WRITEV_X            2  add                             e0 e1

SYSCALL_PREADV_E            2  store
SYSCALL_PREADV_X            3  add                             e0 e1

SYSCALL_PWRITEV_E           3  store
SYSCALL_PWRITEV_X           2  add                             e0 e1 e2

SYSCALL_SETRESUID_E         3  store
SYSCALL_SETRESUID_X         1  add                             e0- e1- e2-

SYSCALL_SETUID_E            1  store
SYSCALL_SETUID_X            1  add                             e0-

SOCKET_RECV_E               2  store
SOCKET_RECV_X               2  add                             e0 e1 d

SOCKET_RECVFROM_E           2  store
SOCKET_RECVFROM_X           3  add                             e0 e1

SOCKET_SEND_E               2  store
SOCKET_SEND_X               2  add                             e0 e1 d

SOCKET_SENDTO_E             3  store
SOCKET_SENDTO_X             2  add                             e0 e1 e2

SOCKET_SHUTDOWN_E           2  store
SOCKET_SHUTDOWN_X           1  add                             e0 e1

SOCKET_SOCKETPAIR_E         3  store
SOCKET_SOCKETPAIR_X         5  add                             e0 e1 e2

SOCKET_SENDMSG_E            3  store
SOCKET_SENDMSG_X            2  add                             e0 e1 e2

SOCKET_SENDMMSG_X           0  add                             d - - - -

SOCKET_RECVMSG_E            1  store
SOCKET_RECVMSG_X            4  add                             d
SOCKET_RECVMSG_X            5  add                             e0

SOCKET_RECVMMSG_X           0  add                             d - - - - -

SYSCALL_CREAT_E             0  add                             - -
SYSCALL_CREAT_E             2  pass
SYSCALL_CREAT_X             3  add                             -
SYSCALL_CREAT_X             4  add                             -
SYSCALL_CREAT_X             5  add                             -

SYSCALL_EVENTFD_E           2  store
SYSCALL_EVENTFD_X           1  add                             e0 e1

SYSCALL_MKDIR_2_E           1  store
SYSCALL_MKDIR_2_X           2  add                             e0-
SYSCALL_MKDIR_E             2  store
SYSCALL_MKDIR_X             1  retype SYSCALL_MKDIR_2_X        o0 e0- e1-

SYSCALL_RMDIR_E             1  store
SYSCALL_RMDIR_X             1  retype SYSCALL_RMDIR_2_X        o0 e0-

SYSCALL_OPENAT_E            4  store
SYSCALL_OPENAT_X            1  retype SYSCALL_OPENAT_2_X       o0 e0- e1- e2- e3- - -
SYSCALL_OPENAT_2_E          0  add                             - - - -
SYSCALL_OPENAT_2_E          4  pass
SYSCALL_OPENAT_2_X          5  add                             -
SYSCALL_OPENAT_2_X          6  add                             -

SYSCALL_UNSHARE_E           1  store
SYSCALL_UNSHARE_X           1  add                             e0

SYSCALL_FUTEX_E             3  store
SYSCALL_FUTEX_X             1  add                             e0 e1 e2

SYSCALL_FSTAT_E             1  store
SYSCALL_FSTAT_X             1  add                             e0

SYSCALL_EPOLLWAIT_E         1  store
SYSCALL_EPOLLWAIT_X         1  add                             e0

SYSCALL_POLL_E              2  store
SYSCALL_POLL_X              2  add                             e1

SYSCALL_NEWSELECT_X         1  retype SYSCALL_SELECT_X         o0

SYSCALL_LSEEK_E             3  store
SYSCALL_LSEEK_X             1  add                             e0 e1 e2

SYSCALL_LLSEEK_E            3  store
SYSCALL_LLSEEK_X            1  add                             e0 e1 e2

SYSCALL_IOCTL_2_E           2  store
SYSCALL_IOCTL_2_X           1  retype SYSCALL_IOCTL_3_X        o0 e0- e1- -
SYSCALL_IOCTL_3_E           3  store
SYSCALL_IOCTL_3_X           1  add                             e0 e1 e2

SYSCALL_MMAP_E              6  store
SYSCALL_MMAP_X              4  add                             e0 e1 e2 e3 e4 e5

SYSCALL_MMAP2_E             6  store
SYSCALL_MMAP2_X             4  add                             e0 e1 e2 e3 e4 e5

SYSCALL_MUNMAP_E            2  store
SYSCALL_MUNMAP_X            4  add                             e0 e1

SYSCALL_SPLICE_E            4  store
SYSCALL_SPLICE_X            1  add                             e0 e1 e2 e3

SYSCALL_PTRACE_E            2  store
SYSCALL_PTRACE_X            0  add                             - - -
SYSCALL_PTRACE_X            3  add                             e0- e1-

SYSCALL_FORK_X             16  retype SYSCALL_FORK_17_X        o0..12 - o13..15
SYSCALL_FORK_17_X          17  retype SYSCALL_FORK_20_X        o0..13 - o14..16 - -
SYSCALL_FORK_20_X          20  add                             -

SYSCALL_VFORK_X            16  retype SYSCALL_VFORK_17_X       o0..12 - o13..15
SYSCALL_VFORK_17_X         17  retype SYSCALL_VFORK_20_X       o0..13 - o14..16 - -
SYSCALL_VFORK_20_X         20  add                             -

SYSCALL_SENDFILE_E          4  store
SYSCALL_SENDFILE_X          2  add                             e0 e1 e3

SYSCALL_QUOTACTL_E          4  store
SYSCALL_QUOTACTL_X         14  add                             e0 e1 e2 e3

SYSCALL_FCHDIR_E            1  store
SYSCALL_FCHDIR_X            1  add                             e0-

SYSCALL_GETDENTS_E          1  store
SYSCALL_GETDENTS_X          1  add                             e0

SYSCALL_GETDENTS64_E        1  store
SYSCALL_GETDENTS64_X        1  add                             e0

SYSCALL_SETNS_E             2  store
SYSCALL_SETNS_X             1  add                             e0- e1-

SYSCALL_FLOCK_E             2  store
SYSCALL_FLOCK_X             1  add                             e0 e1

SYSCALL_SEMOP_E             1  store
SYSCALL_SEMOP_X             8  add                             e0

SYSCALL_SEMCTL_E            4  store
SYSCALL_SEMCTL_X            1  add                             e0 e1 e2 e3

SYSCALL_PPOLL_E             3  store
SYSCALL_PPOLL_X             2  add                             e1 e2

SYSCALL_MOUNT_E             1  store
SYSCALL_MOUNT_X             4  add                             e0

SYSCALL_UMOUNT_X            2  retype SYSCALL_UMOUNT_1_X       o0 o1

SYSCALL_SEMGET_E            3  store
SYSCALL_SEMGET_X            1  add                             e0 e1 e2

SYSCALL_ACCESS_E            1  store
SYSCALL_ACCESS_X            2  add                             e0

CONTAINER_E                 4  retype CONTAINER_JSON_E         json

CONTAINER_JSON_E            1  retype CONTAINER_JSON_2_E       o0

SYSCALL_SETGID_E            1  store
SYSCALL_SETGID_X            1  add                             e0-

SYSCALL_SETPGID_E           2  store
SYSCALL_SETPGID_X           1  add                             e0- e1-

SYSCALL_BPF_E               1  store
SYSCALL_BPF_X               1  retype SYSCALL_BPF_2_X          o0 e0-

SYSCALL_SECCOMP_E           1  add                             d
SYSCALL_SECCOMP_E           2  store
SYSCALL_SECCOMP_X           1  add                             e0 e1

SYSCALL_OPENAT2_E           0  add                             - - - - -
SYSCALL_OPENAT2_E           5  pass
SYSCALL_OPENAT2_X           6  add                             - -

SYSCALL_MPROTECT_E          3  store
SYSCALL_MPROTECT_X          1  add                             e0 e1 e2

SYSCALL_EXECVEAT_E          3  pass
SYSCALL_EXECVEAT_X         19  add                             -
SYSCALL_EXECVEAT_X         20  add                             - - -
SYSCALL_EXECVEAT_X         23  add                             - - -
SYSCALL_EXECVEAT_X         26  add                             -
SYSCALL_EXECVEAT_X         27  add                             -
SYSCALL_EXECVEAT_X         28  add                             -
SYSCALL_EXECVEAT_X         29  add                             -

SYSCALL_COPY_FILE_RANGE_E   3  store
SYSCALL_COPY_FILE_RANGE_X   3  add                             e0 e1 e2

SYSCALL_CLONE3_X           20  add                             -

SYSCALL_EPOLL_CREATE_E      1  store
SYSCALL_EPOLL_CREATE_X      1  add                             e0

SYSCALL_EPOLL_CREATE1_E     1  store
SYSCALL_EPOLL_CREATE1_X     1  add                             e0

SYSCALL_SETRESGID_E         3  store
SYSCALL_SETRESGID_X         1  add                             e0- e1- e2-

SOCKET_ACCEPT4_E            1  store
SOCKET_ACCEPT4_X            3  retype SOCKET_ACCEPT4_6_X       o0..2 d d e0
SOCKET_ACCEPT4_5_E          1  store
SOCKET_ACCEPT4_5_X          5  retype SOCKET_ACCEPT4_6_X       o0..4 e0
SOCKET_ACCEPT4_6_E          1  store
SOCKET_ACCEPT4_6_X          5  add                             e0

SYSCALL_UMOUNT2_E           1  store
SYSCALL_UMOUNT2_X           2  add                             e0

SYSCALL_EVENTFD2_E          1  store
SYSCALL_EVENTFD2_X          2  add                             e0

SYSCALL_SIGNALFD4_E         2  store
SYSCALL_SIGNALFD4_X         2  add                             e0 e1
)";

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

bool parse_number(std::string_view s, uint32_t& value) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size();
}

int find_event(std::string_view name) {
  constexpr std::string_view kPrefix = "PPME_";
  for (const EventInfo& e : EventSchema::newest().events()) {
    std::string_view en = e.enum_name;
    if (en.size() == kPrefix.size() + name.size() && en.substr(0, kPrefix.size()) == kPrefix &&
        en.substr(kPrefix.size()) == name)
      return e.id;
  }
  return -1;
}

// Appends the recipes one word stands for; false when the word is not a recipe.
bool parse_recipe(std::string_view w, std::vector<ParamRecipe>& out) {
  if (w == "-") {
    out.push_back({ParamSource::Empty, 0, false});
    return true;
  }
  if (w == "d") {
    out.push_back({ParamSource::Default, 0, false});
    return true;
  }
  if (w == "json") {
    out.push_back({ParamSource::ContainerJson, 0, true});
    return true;
  }
  if (w.size() < 2) return false;
  if (w[0] == 'e') {
    const bool empty_fallback = w.back() == '-';
    uint32_t n = 0;
    if (!parse_number(w.substr(1, w.size() - 1 - (empty_fallback ? 1 : 0)), n) || n > 255) return false;
    out.push_back({ParamSource::Enter, static_cast<uint8_t>(n), empty_fallback});
    return true;
  }
  if (w[0] == 'o') {
    const std::string_view body = w.substr(1);
    const size_t dots = body.find("..");
    uint32_t first = 0, last = 0;
    if (dots == std::string_view::npos) {
      if (!parse_number(body, first)) return false;
      last = first;
    } else if (!parse_number(body.substr(0, dots), first) || !parse_number(body.substr(dots + 2), last)) {
      return false;
    }
    if (last < first || last > 255) return false;
    for (uint32_t i = first; i <= last; ++i) out.push_back({ParamSource::Old, static_cast<uint8_t>(i), false});
    return true;
  }
  return false;
}

}  // namespace

ConversionTable::ConversionTable(std::string_view text) {
  struct Parsed {
    ConversionRule rule;
    size_t first_recipe;
    size_t recipe_count;
  };
  std::vector<Parsed> parsed;
  size_t line_no = 0;
  for (size_t pos = 0; pos <= text.size() && error_.empty();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const std::vector<std::string_view> w = split_words(line);
    if (w.empty()) continue;
    auto fail = [&](const std::string& what) {
      error_ = "conversion table line " + std::to_string(line_no) + ": " + what;
    };
    if (w.size() < 3) {
      fail("expected EVENT NPARAMS ACTION");
      break;
    }
    Parsed p{};
    const int type = find_event(w[0]);
    uint32_t nparams = 0;
    if (type < 0) {
      fail("unknown event " + std::string(w[0]));
      break;
    }
    if (!parse_number(w[1], nparams) || nparams > 255) {
      fail("bad parameter count " + std::string(w[1]));
      break;
    }
    p.rule.type = static_cast<uint16_t>(type);
    p.rule.nparams = static_cast<uint8_t>(nparams);
    size_t next = 3;
    if (w[2] == "store") {
      p.rule.action = ConversionAction::Store;
    } else if (w[2] == "store+pass") {
      p.rule.action = ConversionAction::StoreAndPass;
    } else if (w[2] == "pass") {
      p.rule.action = ConversionAction::Pass;
    } else if (w[2] == "add") {
      p.rule.action = ConversionAction::AddParams;
    } else if (w[2] == "retype") {
      const int new_type = w.size() > 3 ? find_event(w[3]) : -1;
      if (new_type < 0) {
        fail("retype needs a known target event");
        break;
      }
      p.rule.action = ConversionAction::ChangeType;
      p.rule.new_type = static_cast<uint16_t>(new_type);
      next = 4;
    } else {
      fail("unknown action " + std::string(w[2]));
      break;
    }
    p.first_recipe = recipes_.size();
    for (; next < w.size(); ++next) {
      if (!parse_recipe(w[next], recipes_)) {
        fail("bad recipe " + std::string(w[next]));
        break;
      }
    }
    p.recipe_count = recipes_.size() - p.first_recipe;
    const bool takes_recipes =
        p.rule.action == ConversionAction::AddParams || p.rule.action == ConversionAction::ChangeType;
    if (error_.empty() && !takes_recipes && p.recipe_count != 0) fail("this action takes no recipes");
    for (const Parsed& q : parsed)
      if (error_.empty() && q.rule.type == p.rule.type && q.rule.nparams == p.rule.nparams)
        fail("duplicate rule for " + std::string(w[0]) + " " + std::string(w[1]));
    parsed.push_back(p);
  }
  if (!error_.empty()) {
    recipes_.clear();
    parsed.clear();
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const Parsed& a, const Parsed& b) { return a.rule.type < b.rule.type; });
  const size_t ntypes = EventSchema::newest().size();
  first_rule_.assign(ntypes + 1, 0);
  rules_.reserve(parsed.size());
  for (const Parsed& p : parsed) {
    ConversionRule r = p.rule;
    r.recipes = std::span<const ParamRecipe>(recipes_.data() + p.first_recipe, p.recipe_count);
    rules_.push_back(r);
  }
  // first_rule_[t] = number of rules with a type below t.
  size_t i = 0;
  for (size_t t = 0; t <= ntypes; ++t) {
    while (i < rules_.size() && rules_[i].type < t) ++i;
    first_rule_[t] = static_cast<uint32_t>(i);
  }
}

const ConversionTable& ConversionTable::builtin() {
  static const ConversionTable table(kBuiltinRules);
  return table;
}

}  // namespace vigil::capture::detail
