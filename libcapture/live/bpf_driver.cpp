#include "bpf_driver.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <mutex>
#include <set>

#include "syscall_table.h"
#include "vigil.skel.h"

namespace vigil::capture::live {
namespace {

enum Program { kSysExit = 0, kSysEnter = 1, kSchedExec = 2, kSchedExit = 3 };

// libbpf reports through one process-wide print callback. Messages go to the loading thread's
// log (if it installed one) so a verifier rejection can be returned inside the Error.
thread_local std::string* t_libbpf_log = nullptr;

int libbpf_print(enum libbpf_print_level level, const char* fmt, va_list args) {
  if (!t_libbpf_log || level == LIBBPF_DEBUG) return 0;
  va_list copy;
  va_copy(copy, args);
  const int n = vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return n;
  const size_t old = t_libbpf_log->size();
  t_libbpf_log->resize(old + n + 1);
  vsnprintf(t_libbpf_log->data() + old, n + 1, fmt, args);
  t_libbpf_log->resize(old + n);
  return n;
}

struct LogScope {
  explicit LogScope(std::string* log) {
    static std::once_flag once;
    std::call_once(once, [] { libbpf_set_print(libbpf_print); });
    t_libbpf_log = log;
  }
  ~LogScope() { t_libbpf_log = nullptr; }
};

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

Error err(std::string message) { return Error{std::move(message)}; }

std::string errno_text(int e) { return std::strerror(e < 0 ? -e : e); }

// libbpf's own error codes (-4000 and below: bad ELF, bad BTF, ...) besides errno values.
std::string libbpf_error_text(int e) {
  char buf[256];
  if (libbpf_strerror(e, buf, sizeof buf) != 0) return errno_text(e);
  return buf;
}

// CAP_BPF and CAP_PERFMON exist since 5.8; CAP_SYS_ADMIN stands in for both.
Status check_capabilities() {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &hdr, data) != 0) return err("cannot read process capabilities: " + errno_text(errno));
  auto has = [&](int cap) { return (data[cap / 32].effective >> (cap % 32)) & 1u; };
  constexpr int kSysAdmin = 21, kPerfmon = 38, kBpf = 39;
  std::string missing;
  if (!has(kBpf) && !has(kSysAdmin)) missing += "CAP_BPF";
  if (!has(kPerfmon) && !has(kSysAdmin)) missing += missing.empty() ? "CAP_PERFMON" : " and CAP_PERFMON";
  if (!missing.empty())
    return err("live capture needs root or CAP_BPF + CAP_PERFMON; this process lacks " + missing);
  return {};
}

}  // namespace

Result<std::unique_ptr<BpfDriver>> BpfDriver::load(const LiveOptions& options, const DriverLoadFaults& faults) {
  const std::string& btf = options.kernel_btf_path;
  if (btf.empty() && access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    return err("the kernel exposes no BTF (/sys/kernel/btf/vmlinux is missing; CONFIG_DEBUG_INFO_BTF=y is "
               "required for the CO-RE driver, or pass a BTF file for this kernel as kernel_btf_path)");
  if (!btf.empty() && access(btf.c_str(), R_OK) != 0)
    return err("cannot read the kernel BTF file " + btf + ": " + errno_text(errno));
  if (Status s = check_capabilities(); !s) return s.error();
  const uint32_t rb = options.ring_buffer_bytes;
  const long page = sysconf(_SC_PAGESIZE);
  if (rb < static_cast<uint32_t>(page) || (rb & (rb - 1)) != 0)
    return err("ring_buffer_bytes must be a power of two of at least one page, got " + std::to_string(rb));
  if (options.cpus_per_ring_buffer == 0) return err("cpus_per_ring_buffer must be at least 1");

  // Kernels since 5.11 charge BPF memory to the cgroup; older ones to RLIMIT_MEMLOCK. Raising the
  // limit can fail without CAP_SYS_RESOURCE, which only matters on the older kernels: a failed
  // load below says so.
  rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
  const bool memlock_raised = setrlimit(RLIMIT_MEMLOCK, &unlimited) == 0;

  std::string log;
  LogScope scope(&log);
  std::unique_ptr<BpfDriver> d(new BpfDriver());
  LIBBPF_OPTS(bpf_object_open_opts, open_opts);
  if (!btf.empty()) open_opts.btf_custom_path = btf.c_str();
  d->skel_ = vigil_bpf__open_opts(&open_opts);
  if (!d->skel_) return err("cannot open the embedded BPF object: " + errno_text(errno) + "\n" + tail(log, 2000));
  // sched_process_exit has one argument; sys_exit's program reads two, which the verifier refuses.
  if (faults.reject_in_verifier) bpf_program__set_attach_target(d->skel_->progs.vigil_sys_exit, 0, "sched_process_exit");

  const int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return err("cannot count the possible CPUs: " + errno_text(ncpus));
  d->cpus_per_ringbuf_ = options.cpus_per_ring_buffer;
  const uint32_t nrb = (ncpus + options.cpus_per_ring_buffer - 1) / options.cpus_per_ring_buffer;
  for (uint32_t i = 0; i < nrb; i++) {
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "vigil_rb", 0, 0, rb, nullptr);
    if (fd < 0) {
      std::string m = "cannot create a " + std::to_string(rb) + "-byte ring buffer: " + errno_text(errno);
      if (errno == EPERM && !memlock_raised)
        m += " (RLIMIT_MEMLOCK is too low and cannot be raised without CAP_SYS_RESOURCE)";
      return err(m);
    }
    d->ringbuf_fds_.push_back(fd);
  }
  bpf_map__set_max_entries(d->skel_->maps.vigil_ringbufs, nrb);
  bpf_map__set_inner_map_fd(d->skel_->maps.vigil_ringbufs, d->ringbuf_fds_[0]);
  bpf_map__set_max_entries(d->skel_->maps.vigil_scratch_map, ncpus);

  if (int e = vigil_bpf__load(d->skel_); e != 0) {
    // libbpf logs which program failed and, for a verifier rejection, the verifier's own log.
    std::string m = "the kernel rejected the BPF driver: " + libbpf_error_text(e);
    if (!btf.empty()) m += " (CO-RE relocations resolved against " + btf + ")";
    if ((e == -EPERM || e == EPERM) && !memlock_raised)
      m += " (RLIMIT_MEMLOCK is too low and cannot be raised without CAP_SYS_RESOURCE)";
    return err(m + "\n" + tail(log, 4000));
  }
  const int outer = bpf_map__fd(d->skel_->maps.vigil_ringbufs);
  for (uint32_t i = 0; i < nrb; i++) {
    if (bpf_map_update_elem(outer, &i, &d->ringbuf_fds_[i], BPF_ANY) != 0)
      return err("cannot install ring buffer " + std::to_string(i) + ": " + errno_text(errno));
  }
  const int table = bpf_map__fd(d->skel_->maps.vigil_syscalls);
  const auto& descs = syscall_descs();
  for (uint32_t nr = 0; nr < descs.size(); nr++) {
    if (bpf_map_update_elem(table, &nr, &descs[nr], BPF_ANY) != 0)
      return err("cannot fill the syscall table: " + errno_text(errno));
  }

  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  vigil_config& cfg = d->skel_->bss->vigil_cfg;
  cfg.boot_to_epoch_ns = (real.tv_sec - boot.tv_sec) * 1000000000ull + (real.tv_nsec - boot.tv_nsec);
  cfg.self_tgid = options.filter_self ? static_cast<uint32_t>(getpid()) : 0;
  cfg.snaplen = options.snaplen;
  cfg.nr_ringbufs = nrb;
  return d;
}

BpfDriver::~BpfDriver() {
  detach();
  if (skel_) vigil_bpf__destroy(skel_);
  for (int fd : ringbuf_fds_) close(fd);
}

Status BpfDriver::apply_interest(const InterestSet& interest) {
  std::set<uint16_t> types(interest.event_types.begin(), interest.event_types.end());
  std::set<std::string_view> names(interest.syscalls.begin(), interest.syscalls.end());
  if (interest.state_events)
    for (std::string_view s : state_syscalls()) names.insert(s);
  const auto& descs = syscall_descs();
  uint8_t* on = skel_->bss->vigil_interest;
  bool any_enter = false, any_exec = false;
  for (const SyscallInfo& sc : native_syscalls()) {
    if (sc.nr < 0 || sc.nr >= VIGIL_MAX_SYSCALLS) continue;
    const vigil_syscall_desc& d = descs[sc.nr];
    bool enabled = interest.all || names.count(sc.name) != 0 || types.count(d.exit.event_id) != 0 ||
                   (d.enter.nparams != 0 && types.count(d.enter.event_id) != 0) ||
                   (d.exit.event_id == 1 && types.count(0) != 0);
    on[sc.nr] = enabled ? VIGIL_INTEREST_ON : VIGIL_INTEREST_OFF;
    if (!enabled) continue;
    any_enter |= d.enter.nparams != 0;
    any_exec |= (d.flags & VIGIL_SC_EXEC) != 0;
  }
  const bool procexit = interest.all || interest.procexit || interest.state_events || types.count(186) != 0;
  skel_->bss->vigil_cfg.tp_interest = (procexit ? VIGIL_TP_PROCEXIT : 0) | (any_exec ? VIGIL_TP_EXEC : 0);
  want_[kSysExit] = true;
  want_[kSysEnter] = any_enter;
  want_[kSchedExec] = any_exec;
  want_[kSchedExit] = procexit;
  if (!attached_) return {};
  for (int p = 0; p < 4; p++)
    if (Status s = attach_program(p, want_[p]); !s) return s;
  return {};
}

Status BpfDriver::attach_program(int which, bool wanted) {
  if (!wanted) {
    if (links_[which]) bpf_link__destroy(links_[which]);
    links_[which] = nullptr;
    return {};
  }
  if (links_[which]) return {};
  bpf_program* progs[] = {skel_->progs.vigil_sys_exit, skel_->progs.vigil_sys_enter, skel_->progs.vigil_sched_exec,
                          skel_->progs.vigil_sched_exit};
  std::string log;
  LogScope scope(&log);
  bpf_link* link = bpf_program__attach(progs[which]);
  if (!link) {
    return err(std::string("cannot attach ") + bpf_program__name(progs[which]) + ": " + errno_text(errno) + "\n" +
               tail(log, 1000));
  }
  links_[which] = link;
  return {};
}

Status BpfDriver::attach() {
  // Exit first, enter last: an enter event never appears without its exit program running.
  for (int p : {kSysExit, kSchedExit, kSchedExec, kSysEnter}) {
    if (Status s = attach_program(p, want_[p]); !s) {
      detach();
      return s;
    }
  }
  attached_ = true;
  return {};
}

void BpfDriver::detach() {
  for (int p : {kSysEnter, kSchedExec, kSchedExit, kSysExit}) {
    if (links_[p]) bpf_link__destroy(links_[p]);
    links_[p] = nullptr;
  }
  attached_ = false;
}

std::vector<DriverCounters> BpfDriver::counters() const {
  const int ncpus = libbpf_num_possible_cpus();
  std::vector<vigil_counters> values(ncpus > 0 ? ncpus : 0);
  std::vector<DriverCounters> out;
  uint32_t key = 0;
  if (values.empty() || bpf_map_lookup_elem(bpf_map__fd(skel_->maps.vigil_counters_map), &key, values.data()) != 0)
    return out;
  for (const vigil_counters& v : values)
    out.push_back({v.hits, v.events, v.drops, v.failures, v.truncations});
  return out;
}

std::vector<int> BpfDriver::enabled_syscalls() const {
  std::vector<int> out;
  for (int nr = 0; nr < VIGIL_MAX_SYSCALLS; nr++)
    if (skel_->bss->vigil_interest[nr]) out.push_back(nr);
  return out;
}

}  // namespace vigil::capture::live
