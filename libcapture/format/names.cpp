// Name tables for parameter resolutions: errno codes, signals and ppm_sc syscall codes.
#include <array>
#include <string_view>

#include "vigil/capture/param_format.h"

namespace vigil::capture {
namespace {

// Linux errno values 1..125 as sinsp names them; holes (41, 58) are aliases it does not print.
constexpr std::array<std::string_view, 126> kErrnoNames = {
    "", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
    "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
    "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG",
    "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
    "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", "", "ENOMSG", "EIDRM", "ECHRNG",
    "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR",
    "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "", "EBFONT", "ENOSTR", "ENODATA", "ETIME",
    "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
    "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
    "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
    "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT",
    "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE",
    "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET",
    "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
    "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM",
    "ENAVAIL", "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",
};

// Kernel-internal codes 512..530 that can leak to user space through the driver.
constexpr std::array<std::string_view, 19> kKernelErrnoNames = {
    "ERESTARTSYS", "ERESTARTNOINTR", "ERESTARTNOHAND", "ENOIOCTLCMD", "ERESTART_RESTARTBLOCK",
    "", "", "", "", "EBADHANDLE", "ENOTSYNC", "EBADCOOKIE", "ENOTSUPP", "ETOOSMALL",
    "ESERVERFAULT", "EBADTYPE", "EJUKEBOX", "EIOCBQUEUED", "EIOCBRETRY",
};

constexpr std::array<std::string_view, 32> kSignalNames = {
    "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

// ppm_sc codes, append-only numbering shared by the 2022 and newest libs (code 382 is a hole).
constexpr std::string_view kSyscallNames[] = {
    /*   0 */ "unknown", "restart_syscall", "exit", "read", "write", "open", "close", "creat",
    /*   8 */ "link", "unlink", "chdir", "time", "mknod", "chmod", "stat", "lseek",
    /*  16 */ "getpid", "mount", "ptrace", "alarm", "fstat", "pause", "utime", "access",
    /*  24 */ "sync", "kill", "rename", "mkdir", "rmdir", "dup", "pipe", "times",
    /*  32 */ "brk", "acct", "ioctl", "fcntl", "setpgid", "umask", "chroot", "ustat",
    /*  40 */ "dup2", "getppid", "getpgrp", "setsid", "sethostname", "setrlimit", "getrusage", "gettimeofday",
    /*  48 */ "settimeofday", "symlink", "lstat", "readlink", "uselib", "swapon", "reboot", "mmap",
    /*  56 */ "munmap", "truncate", "ftruncate", "fchmod", "getpriority", "setpriority", "statfs", "fstatfs",
    /*  64 */ "syslog", "setitimer", "getitimer", "uname", "vhangup", "wait4", "swapoff", "sysinfo",
    /*  72 */ "fsync", "setdomainname", "adjtimex", "mprotect", "init_module", "delete_module", "quotactl", "getpgid",
    /*  80 */ "fchdir", "sysfs", "personality", "getdents", "select", "flock", "msync", "readv",
    /*  88 */ "writev", "getsid", "fdatasync", "mlock", "munlock", "mlockall", "munlockall", "sched_setparam",
    /*  96 */ "sched_getparam", "sched_setscheduler", "sched_getscheduler", "sched_yield", "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval", "nanosleep",
    /* 104 */ "mremap", "poll", "prctl", "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigtimedwait", "rt_sigqueueinfo",
    /* 112 */ "rt_sigsuspend", "getcwd", "capget", "capset", "sendfile", "getrlimit", "lchown", "getuid",
    /* 120 */ "getgid", "geteuid", "getegid", "setreuid", "setregid", "getgroups", "setgroups", "fchown",
    /* 128 */ "setresuid", "getresuid", "setresgid", "getresgid", "chown", "setuid", "setgid", "setfsuid",
    /* 136 */ "setfsgid", "pivot_root", "mincore", "madvise", "gettid", "setxattr", "lsetxattr", "fsetxattr",
    /* 144 */ "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr",
    /* 152 */ "fremovexattr", "tkill", "futex", "sched_setaffinity", "sched_getaffinity", "set_thread_area", "get_thread_area", "io_setup",
    /* 160 */ "io_destroy", "io_getevents", "io_submit", "io_cancel", "exit_group", "epoll_create", "epoll_ctl", "epoll_wait",
    /* 168 */ "remap_file_pages", "set_tid_address", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete", "clock_settime",
    /* 176 */ "clock_gettime", "clock_getres", "clock_nanosleep", "tgkill", "utimes", "mq_open", "mq_unlink", "mq_timedsend",
    /* 184 */ "mq_timedreceive", "mq_notify", "mq_getsetattr", "kexec_load", "waitid", "add_key", "request_key", "keyctl",
    /* 192 */ "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch", "inotify_rm_watch", "openat", "mkdirat", "mknodat",
    /* 200 */ "fchownat", "futimesat", "unlinkat", "renameat", "linkat", "symlinkat", "readlinkat", "fchmodat",
    /* 208 */ "faccessat", "pselect6", "ppoll", "unshare", "set_robust_list", "get_robust_list", "splice", "tee",
    /* 216 */ "vmsplice", "getcpu", "epoll_pwait", "utimensat", "signalfd", "timerfd_create", "eventfd", "timerfd_settime",
    /* 224 */ "timerfd_gettime", "signalfd4", "eventfd2", "epoll_create1", "dup3", "pipe2", "inotify_init1", "preadv",
    /* 232 */ "pwritev", "rt_tgsigqueueinfo", "perf_event_open", "fanotify_init", "prlimit64", "clock_adjtime", "syncfs", "setns",
    /* 240 */ "getdents64", "socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
    /* 248 */ "socketpair", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg", "sendmmsg",
    /* 256 */ "recvmsg", "recvmmsg", "accept4", "semop", "semget", "semctl", "msgsnd", "msgrcv",
    /* 264 */ "msgget", "msgctl", "shmdt", "shmget", "shmctl", "statfs64", "fstatfs64", "fstatat64",
    /* 272 */ "sendfile64", "ugetrlimit", "bdflush", "sigprocmask", "ipc", "socketcall", "stat64", "lstat64",
    /* 280 */ "fstat64", "fcntl64", "mmap2", "_newselect", "sgetmask", "ssetmask", "sigpending", "olduname",
    /* 288 */ "umount", "signal", "nice", "stime", "_llseek", "waitpid", "pread64", "pwrite64",
    /* 296 */ "arch_prctl", "shmat", "rt_sigreturn", "fallocate", "newfstatat", "process_vm_readv", "process_vm_writev", "fork",
    /* 304 */ "vfork", "setuid32", "getuid32", "setgid32", "geteuid32", "getgid32", "setresuid32", "setresgid32",
    /* 312 */ "getresuid32", "getresgid32", "finit_module", "bpf", "seccomp", "sigaltstack", "getrandom", "fadvise64",
    /* 320 */ "renameat2", "userfaultfd", "openat2", "umount2", "execve", "execveat", "copy_file_range", "clone",
    /* 328 */ "clone3", "open_by_handle_at", "io_uring_setup", "io_uring_enter", "io_uring_register", "mlock2", "getegid32", "fsconfig",
    /* 336 */ "fspick", "fsmount", "fsopen", "open_tree", "move_mount", "mount_setattr", "memfd_create", "memfd_secret",
    /* 344 */ "ioperm", "kexec_file_load", "pidfd_getfd", "pidfd_open", "pidfd_send_signal", "pkey_alloc", "pkey_mprotect", "pkey_free",
    /* 352 */ "landlock_create_ruleset", "quotactl_fd", "landlock_restrict_self", "landlock_add_rule", "epoll_pwait2", "migrate_pages", "move_pages", "preadv2",
    /* 360 */ "pwritev2", "kcmp", "sched_setattr", "mbind", "epoll_ctl_old", "lookup_dcookie", "modify_ldt", "statx",
    /* 368 */ "set_mempolicy", "io_pgetevents", "set_mempolicy_home_node", "semtimedop", "get_kernel_syms", "readahead", "futex_waitv", "getpmsg",
    /* 376 */ "name_to_handle_at", "process_mrelease", "nfsservctl", "epoll_wait_old", "rseq", "create_module", "", "sched_getattr",
    /* 384 */ "faccessat2", "_sysctl", "query_module", "get_mempolicy", "sync_file_range", "process_madvise", "membarrier", "iopl",
    /* 392 */ "close_range", "fanotify_mark", "recv", "send", "sched_process_exit", "sched_switch", "page_fault_user", "page_fault_kernel",
    /* 400 */ "signal_deliver",
};

}  // namespace

std::string_view errno_name(int64_t negative_errno) {
  if (negative_errno >= 0) return {};
  const uint64_t code = static_cast<uint64_t>(-(negative_errno + 1)) + 1;
  if (code < kErrnoNames.size()) return kErrnoNames[code];
  if (code >= 512 && code < 512 + kKernelErrnoNames.size()) return kKernelErrnoNames[code - 512];
  return {};
}

std::string_view signal_name(uint32_t signo) {
  return signo < kSignalNames.size() ? kSignalNames[signo] : std::string_view{};
}

std::string_view ppm_sc_name(uint16_t code) {
  if (code == 0) return "<unknown>";
  return code < std::size(kSyscallNames) ? kSyscallNames[code] : std::string_view{};
}

}  // namespace vigil::capture
