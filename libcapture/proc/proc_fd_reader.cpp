// The fds of one process from /proc/PID/fd, classified the way libscap's scap_fds.c does.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string_view>

#include "proc/proc_scan_context.h"

namespace vigil::capture::proc {
namespace {

// PPM_O_* (flag-tables.tsv, table file_flags).
enum : uint32_t {
  kPpmRdonly = 1, kPpmWronly = 2, kPpmRdwr = 3, kPpmCreat = 4, kPpmAppend = 8, kPpmDsync = 16,
  kPpmExcl = 32, kPpmNonblock = 64, kPpmSync = 128, kPpmTrunc = 256, kPpmDirect = 512,
  kPpmDirectory = 1024, kPpmLargefile = 2048, kPpmCloexec = 4096, kPpmTmpfile = 8192,
};

// Mirrors the driver's and libscap's open_flags_to_scap(): a multi-bit flag (O_SYNC, O_TMPFILE)
// counts as set when any of its bits is, and O_LARGEFILE, which the kernel adds on every 64-bit
// open, is invisible because libc defines it as 0 there.
uint32_t open_flags_to_ppm(uint64_t flags) {
  uint32_t res = 0;
  switch (flags & O_ACCMODE) {
    case O_WRONLY: res |= kPpmWronly; break;
    case O_RDWR: res |= kPpmRdwr; break;
    default: res |= kPpmRdonly; break;
  }
  if (flags & O_CREAT) res |= kPpmCreat;
  if (flags & O_TMPFILE) res |= kPpmTmpfile;
  if (flags & O_APPEND) res |= kPpmAppend;
  if (flags & O_DSYNC) res |= kPpmDsync;
  if (flags & O_EXCL) res |= kPpmExcl;
  if (flags & O_NONBLOCK) res |= kPpmNonblock;
  if (flags & O_SYNC) res |= kPpmSync;
  if (flags & O_TRUNC) res |= kPpmTrunc;
  if (flags & O_DIRECT) res |= kPpmDirect;
  if (flags & O_DIRECTORY) res |= kPpmDirectory;
  if (O_LARGEFILE != 0 && (flags & O_LARGEFILE)) res |= kPpmLargefile;
  if (flags & O_CLOEXEC) res |= kPpmCloexec;
  return res;
}

// Anon inode names ("anon_inode:[eventfd]") to fd types; anything else is unsupported.
FdType classify_anon_inode(std::string_view name) {
  struct Kind { std::string_view name; FdType type; };
  static constexpr Kind kKinds[] = {
      {"[eventfd]", FdType::Event},       {"[eventpoll]", FdType::EventPoll},
      {"inotify", FdType::Inotify},       {"[signalfd]", FdType::SignalFd},
      {"[timerfd]", FdType::TimerFd},     {"[io_uring]", FdType::IoUring},
      {"[userfaultfd]", FdType::UserFaultFd}, {"[pidfd]", FdType::PidFd},
      {"bpf-map", FdType::Bpf},           {"bpf-prog", FdType::Bpf},
      {"bpf-link", FdType::Bpf},          {"bpf_iter", FdType::Bpf},
  };
  for (const Kind& k : kKinds) {
    if (k.name == name) return k.type;
  }
  return FdType::Unsupported;
}

// fdinfo's "flags:" (octal) and "mnt_id:".
void read_fdinfo(ScanContext& ctx, const std::string& path, uint64_t& flags, uint64_t& mnt_id) {
  std::string text;
  if (read_file(path, text, 4096) != 0) return;
  for_each_line(text, [&](std::string_view line) {
    if (line.rfind("flags:", 0) == 0) {
      std::string_view v = line.substr(6);
      if (!take_u64(v, flags, 8)) ctx.malformed(path, "unparsable flags");
    } else if (line.rfind("mnt_id:", 0) == 0) {
      std::string_view v = line.substr(7);
      if (!take_u64(v, mnt_id)) ctx.malformed(path, "unparsable mnt_id");
    }
  });
}

bool parse_socket_link(std::string_view link, uint64_t& ino) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.rfind(kPrefix, 0) != 0 || link.back() != ']') return false;
  std::string_view digits = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  return take_u64(digits, ino) && digits.empty();
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

}  // namespace

bool read_fds(ScanContext& ctx, const std::string& dir, std::vector<FdInfo>& out) {
  const ProcSnapshotOptions& opt = ctx.options();
  ProcSnapshotStats& stats = ctx.stats();
  std::string fd_dir = dir + "fd";
  std::unique_ptr<DIR, DirCloser> d(::opendir(fd_dir.c_str()));
  if (!d) return false;

  struct stat st;
  uint64_t netns = ::stat((dir + "ns/net").c_str(), &st) == 0 ? st.st_ino : 0;

  std::vector<int64_t> numbers;
  while (struct dirent* e = ::readdir(d.get())) {
    std::string_view name = e->d_name;
    uint64_t n;
    if (!take_u64(name, n) || !name.empty() || n > INT64_MAX) continue;
    numbers.push_back(static_cast<int64_t>(n));
  }
  std::sort(numbers.begin(), numbers.end());

  std::string link;
  for (int64_t number : numbers) {
    if (out.size() >= opt.max_fds_per_process) {
      ++stats.fds_over_limit;
      continue;
    }
    std::string path = fd_dir + "/" + std::to_string(number);
    if (::stat(path.c_str(), &st) != 0 || read_link(path, link) != 0) {
      ++stats.fds_vanished;
      continue;
    }
    FdInfo fd;
    fd.fd = number;
    fd.ino = st.st_ino;
    if (link.rfind("anon_inode:", 0) == 0) {
      // Checked before the mode: some anon inodes (pidfs) report a regular-file mode.
      fd.type = classify_anon_inode(std::string_view(link).substr(11));
    } else {
      switch (st.st_mode & S_IFMT) {
        case S_IFIFO:
          fd.type = FdType::Fifo;
          fd.name = link;
          break;
        case S_IFREG:
        case S_IFBLK:
        case S_IFCHR:
        case S_IFLNK:
          fd.name = link;
          if (link.rfind("/memfd:", 0) == 0) {
            fd.type = FdType::Memfd;
          } else {
            fd.type = FdType::FileV2;
            uint64_t flags = 0, mnt_id = 0;
            read_fdinfo(ctx, dir + "fdinfo/" + std::to_string(number), flags, mnt_id);
            fd.open_flags = open_flags_to_ppm(flags);
            fd.dev = ctx.mount_device(mnt_id, dir);
          }
          break;
        case S_IFDIR:
          fd.type = FdType::Directory;
          fd.name = link;
          break;
        case S_IFSOCK: {
          if (!opt.sockets) continue;
          uint64_t ino;
          if (!parse_socket_link(link, ino)) {
            fd.type = FdType::Unsupported;
            fd.name = link;
            break;
          }
          const SocketTable& table = ctx.sockets(netns, dir);
          auto it = table.find(ino);
          if (it == table.end()) {
            ++stats.sockets_unresolved;
            continue;
          }
          fd = it->second;
          fd.fd = number;
          break;
        }
        default:
          fd.type = FdType::Unsupported;
          break;
      }
    }
    out.push_back(std::move(fd));
  }
  return true;
}

}  // namespace vigil::capture::proc
