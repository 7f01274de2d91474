// File behaviours against real sensitive paths: reads (direct, through symlinks and ".." tricks,
// by a renamed binary), links, no-op ownership/mode changes, writes below system directories and
// /dev, opening a system binary for writing, clearing a log. Everything created is removed and
// everything changed is put back.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <thread>

#include "files.h"
#include "process.h"
#include "scenario.h"

namespace vigil::scenarios {
namespace {

constexpr const char* kShadow = "/etc/shadow";

// Opens `path` for reading and reads up to 4 KiB; returns how many bytes came back.
Result<size_t> read_some(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return system_error("open " + path + " for reading");
  char buf[4096];
  const ssize_t n = ::read(fd.get(), buf, sizeof buf);
  if (n < 0) return system_error("read " + path);
  return static_cast<size_t>(n);
}

Status read_sensitive_file(Report& report) {
  Result<size_t> n = read_some(kShadow);
  if (!n) return n.error();
  report.did("read " + std::to_string(*n) + " bytes of /etc/shadow");

  Result<TempDir> home = TempDir::create("vigil-scenario-home");
  if (!home) return home.error();
  const std::string ssh_dir = *home / ".ssh";
  if (::mkdir(ssh_dir.c_str(), 0700) != 0) return system_error("mkdir " + ssh_dir);
  const std::string key = ssh_dir + "/id_rsa";
  SCENARIO_TRY(write_new_file(key,
                              "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                              "dmlnaWwtc2NlbmFyaW9zOiBub3QgYSByZWFsIGtleQ==\n"
                              "-----END OPENSSH PRIVATE KEY-----\n",
                              0600));
  n = read_some(key);
  if (!n) return n.error();
  report.did("created and read a fake private key " + key);
  report.pid(::getpid());
  return {};
}

// Done in a child so its parent is this program (the traversal rule ignores shells' children).
Status read_sensitive_file_via_path_tricks(Report& report) {
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  const std::string file_link = *dir / "notes";
  if (::symlink(kShadow, file_link.c_str()) != 0) return system_error("symlink " + file_link);

  // A symlink to a directory below /etc, then "link/../shadow": the kernel resolves the link
  // first, so this opens /etc/shadow, while a purely textual normalization sees TMP/shadow.
  std::string etc_subdir;
  for (const char* candidate : {"/etc/default", "/etc/security", "/etc/ssl", "/etc/apt"}) {
    struct stat st {};
    if (::stat(candidate, &st) == 0 && S_ISDIR(st.st_mode)) {
      etc_subdir = candidate;
      break;
    }
  }
  if (etc_subdir.empty()) return Error{"no directory below /etc to point a symlink at"};
  const std::string dir_link = *dir / "conf";
  if (::symlink(etc_subdir.c_str(), dir_link.c_str()) != 0) return system_error("symlink " + dir_link);

  const std::string via_dir_link = dir_link + "/../shadow";
  const std::string traversal = etc_subdir + "/../../etc/shadow";
  const auto body = [&](int report_fd) -> int {
    for (const std::string& path : {file_link, via_dir_link, traversal}) {
      Result<size_t> n = read_some(path);
      if (!n) return report_failure(report_fd, n.error());
    }
    // Stay alive a moment, like an interactive reader would: a live detector that resolves
    // paths in /proc/<pid>/root can only do so while the process exists.
    std::this_thread::sleep_for(milliseconds(500));
    return 0;
  };
  Result<ChildRun> child = run_in_child(body, milliseconds(5000), "reader");
  SCENARIO_TRY(check_child(child, "reader"));
  report.pid(child->exit.pid);
  report.did("read /etc/shadow as " + file_link + " (symlink), as " + via_dir_link + " (" + dir_link +
             " -> " + etc_subdir + ") and as " + traversal);
  return {};
}

Status link_sensitive_file(Report& report) {
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  const std::string soft = *dir / "shadow-symlink";
  if (::symlink(kShadow, soft.c_str()) != 0) return system_error("symlink " + soft + " -> /etc/shadow");
  CreatedFile soft_file(soft);
  SCENARIO_TRY(soft_file.remove());
  report.did("created and removed symlink " + soft + " -> /etc/shadow");

  // A hard link needs the same file system; when TMPDIR is elsewhere, try directories that
  // usually share one with /etc before giving up on this half.
  Result<struct stat> shadow = stat_path(kShadow);
  if (!shadow) return shadow.error();
  std::optional<TempDir> elsewhere;
  const TempDir* same_fs = nullptr;
  if (Result<struct stat> st = stat_path(dir->path()); st && st->st_dev == shadow->st_dev) same_fs = &*dir;
  for (const char* parent : {"/var/tmp", "/root"}) {
    if (same_fs) break;
    Result<TempDir> candidate = TempDir::create_in(parent, "vigil-scenario");
    if (!candidate) continue;
    Result<struct stat> st = stat_path(candidate->path());
    if (st && st->st_dev == shadow->st_dev) same_fs = &elsewhere.emplace(std::move(*candidate));
  }
  report.pid(::getpid());
  if (!same_fs) {
    report.did("skipped the hard link: no writable directory shares a file system with /etc/shadow");
    return {};
  }
  const std::string hard = *same_fs / "shadow-hardlink";
  if (::link(kShadow, hard.c_str()) != 0) return system_error("link /etc/shadow " + hard);
  CreatedFile hard_file(hard);
  SCENARIO_TRY(hard_file.remove());
  report.did("created and removed hard link " + hard + " to /etc/shadow");
  return {};
}

// chown and chmod of /etc/shadow to the owner and mode it already has: real syscalls on the real
// path that change nothing.
Status chmod_chown_sensitive_file(Report& report) {
  Result<struct stat> before = stat_path(kShadow);
  if (!before) return before.error();
  const mode_t mode = before->st_mode & 07777;
  if (::chown(kShadow, before->st_uid, before->st_gid) != 0) return system_error("chown /etc/shadow");
  // chown may clear set-id bits; setting the mode again restores them.
  if (::chmod(kShadow, mode) != 0) return system_error("chmod /etc/shadow");
  Result<struct stat> after = stat_path(kShadow);
  if (!after) return after.error();
  if ((after->st_mode & 07777) != mode || after->st_uid != before->st_uid || after->st_gid != before->st_gid)
    return Error{"/etc/shadow owner or mode differs after the no-op chown/chmod"};
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
  report.did("chown /etc/shadow " + std::to_string(before->st_uid) + ":" + std::to_string(before->st_gid) +
             " and chmod " + octal + " (its current owner and mode)");
  report.pid(::getpid());
  return {};
}

Status write_below_system_dirs(Report& report) {
  std::string done;
  for (const char* dir : {"/etc", "/bin", "/usr/bin", "/sbin", "/usr/sbin", "/root", "/usr/lib"}) {
    struct stat st {};
    if (::stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    Result<CreatedFile> file = create_unique_file(std::string(dir) + "/vigil-scenario-XXXXXX", "vigil-scenarios\n");
    if (!file) return file.error();
    const std::string path = file->path();
    SCENARIO_TRY(file->remove());
    done += (done.empty() ? "" : ", ") + path;
  }
  if (done.empty()) return Error{"none of /etc, /bin, /usr/bin, /sbin, /usr/sbin, /root, /usr/lib exists"};
  report.did("created, wrote and removed " + done);
  report.pid(::getpid());
  return {};
}

Status create_file_below_dev(Report& report) {
  Result<CreatedFile> file = create_unique_file("/dev/vigil-scenario-XXXXXX", "");
  if (!file) return file.error();
  const std::string path = file->path();
  SCENARIO_TRY(file->remove());
  report.did("created and removed regular file " + path);
  report.pid(::getpid());
  return {};
}

// Opens a set-uid system binary for writing (append, zero bytes written) and touches it with its
// own timestamps; verifies the mode, owner and size are unchanged.
Status modify_system_binary(Report& report) {
  Result<std::string> target = find_program({"/usr/bin/passwd", "/usr/bin/chsh", "/bin/login"});
  if (!target) return target.error();
  Result<struct stat> before = stat_path(*target);
  if (!before) return before.error();

  UniqueFd fd(::open(target->c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (!fd.valid()) return system_error("open " + *target + " for writing");
  if (::write(fd.get(), "", 0) != 0) return system_error("write 0 bytes to " + *target);
  fd.reset();
  report.did("opened " + *target + " O_WRONLY|O_APPEND and wrote 0 bytes");

  Result<std::string> touch = find_program({"/usr/bin/touch", "/bin/touch"});
  if (!touch) return touch.error();
  const Command command{.program = *touch, .argv = {"touch", "-r", *target, *target}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), "touch -r"));
  report.did("touch -r " + *target + " " + *target);

  Result<struct stat> after = stat_path(*target);
  if (!after) return after.error();
  if (after->st_mode != before->st_mode) {
    ::chmod(target->c_str(), before->st_mode & 07777);
    return Error{*target + " changed mode; restored it"};
  }
  if (after->st_size != before->st_size || after->st_uid != before->st_uid || after->st_gid != before->st_gid)
    return Error{*target + " changed size or owner"};
  report.pid(::getpid());
  return {};
}

Status clear_log(Report& report) {
  std::string path = "/var/log/vigil-scenario-XXXXXX.log";
  UniqueFd created(::mkstemps(path.data(), 4));
  if (!created.valid()) return system_error("create /var/log/vigil-scenario-XXXXXX.log");
  CreatedFile log(path);
  SCENARIO_TRY(write_all(created.get(), "vigil-scenarios: line 1\nvigil-scenarios: line 2\n", path));
  created.reset();
  UniqueFd truncated(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!truncated.valid()) return system_error("open " + path + " with O_TRUNC");
  truncated.reset();
  SCENARIO_TRY(log.remove());
  report.did("created " + path + ", wrote two lines, truncated it (O_TRUNC) and removed it");
  report.pid(::getpid());
  return {};
}

// cat copied under the name of a trusted daemon reads /etc/shadow.
Status renamed_binary(Report& report) {
  Result<std::string> cat = find_program({"/bin/cat", "/usr/bin/cat"});
  if (!cat) return cat.error();
  Result<TempDir> dir = TempDir::create("vigil-scenario");
  if (!dir) return dir.error();
  const std::string copy = *dir / "systemd-logind";
  SCENARIO_TRY(copy_file(*cat, copy, 0755));
  const Command command{.program = copy, .argv = {"systemd-logind", kShadow}};
  Result<Child> child = spawn(command);
  if (!child) return child.error();
  report.pid(child->pid());
  SCENARIO_TRY(check_exit(child->wait(command.timeout), copy));
  report.did("ran " + copy + " (a copy of " + *cat + ") on /etc/shadow");
  return {};
}

constexpr Scenario kFileScenarios[] = {
    {"read-sensitive-file", "read /etc/shadow; create and read a fake id_rsa in a temporary HOME",
     "Sensitive file read by untrusted program; Private key read by untrusted program", "", read_sensitive_file},
    {"read-sensitive-file-via-path-tricks",
     "read /etc/shadow through a symlink, through dirlink/../shadow and as /etc/X/../../etc/shadow",
     "Sensitive file read by untrusted program",
     "evasions: the symlink and dirlink/../shadow reads are caught by fd.realpath (the kernel-resolved "
     "path), X/../../etc/shadow by path normalization",
     read_sensitive_file_via_path_tricks},
    {"link-sensitive-file", "ln -s /etc/shadow TMP/x and ln /etc/shadow TMP/y, then remove both",
     "Symlink created over sensitive file; Hardlink created over sensitive file",
     "the hard link is skipped (and said so) when no writable directory shares /etc's file system",
     link_sensitive_file},
    {"chmod-chown-sensitive-file", "chown and chmod /etc/shadow to its current owner and mode",
     "Sensitive file ownership or mode changed", "", chmod_chown_sensitive_file},
    {"write-below-system-dirs",
     "create, write and remove a file in /etc, /bin, /usr/bin, /sbin, /usr/sbin, /root, /usr/lib",
     "File written below /etc; File written below binary directory; File written below /root; "
     "File written below library or boot directory",
     "", write_below_system_dirs},
    {"create-file-below-dev", "create and remove a regular file /dev/vigil-scenario-XXXXXX",
     "File created below /dev", "", create_file_below_dev},
    {"modify-system-binary",
     "open /usr/bin/passwd O_WRONLY|O_APPEND, write 0 bytes; touch -r it onto itself (content untouched)",
     "System binary mutated", "", modify_system_binary},
    {"clear-log", "create /var/log/vigil-scenario-XXXXXX.log, write, truncate with O_TRUNC, remove",
     "Clear log activities", "", clear_log},
    {"renamed-binary", "copy cat to TMP/systemd-logind and run it on /etc/shadow",
     "Sensitive file read by untrusted program",
     "evasion: the name systemd-logind is trusted; the allow list holds executable paths, so the copy is not",
     renamed_binary},
};

}  // namespace

std::span<const Scenario> file_scenarios() { return kFileScenarios; }

}  // namespace vigil::scenarios
