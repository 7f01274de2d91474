/* Readers of task, file and socket state used by the parameter recipes. Everything goes through
 * CO-RE reads so one object runs on every kernel with BTF; struct flavors (___old) cover fields
 * that were renamed across kernel versions. */
#pragma once

#include "vigil_flags.h"

#define VIGIL_PATH_DEPTH 16 /* path components kept (a power of two) */
#define VIGIL_RLIMIT_NOFILE 7
#define VIGIL_PAGE_KB 4

/* Kernels before 6.15 call the kernfs parent `parent`. */
struct kernfs_node___old {
  struct kernfs_node *parent;
} __attribute__((preserve_access_index));

/* Kernels before 6.11 keep inode times as timespec64. */
struct inode___old {
  struct timespec64 i_mtime;
  struct timespec64 i_ctime;
} __attribute__((preserve_access_index));
struct inode___v6_6 {
  struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

/* Kernels before 6.3 store capabilities as two u32 words. */
struct kernel_cap_struct___old {
  __u32 cap[2];
} __attribute__((preserve_access_index));

static __always_inline struct file *vigil_fd_file(struct task_struct *task, __s64 fd) {
  if (fd < 0) return NULL;
  struct files_struct *files = BPF_CORE_READ(task, files);
  if (!files) return NULL;
  struct fdtable *fdt = BPF_CORE_READ(files, fdt);
  if (!fdt) return NULL;
  unsigned int max = BPF_CORE_READ(fdt, max_fds);
  if ((__u64)fd >= max) return NULL;
  struct file **fds = BPF_CORE_READ(fdt, fd);
  struct file *f = NULL;
  bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
  return f;
}

/* Device number as userspace sees it (new_encode_dev of the kernel's MAJOR<<20|MINOR). */
static __always_inline __u32 vigil_encode_dev(__u32 kdev) {
  __u32 major = kdev >> 20, minor = kdev & 0xfffff;
  return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static __always_inline __u64 vigil_epoch_ns(__s64 sec, __s64 nsec) {
  return (__u64)sec * 1000000000ull + (__u64)nsec;
}

static __always_inline __u64 vigil_inode_ctime(struct inode *ino) {
  if (bpf_core_field_exists(ino->i_ctime_sec))
    /* Since 6.13 the top bit of i_ctime_nsec is the multigrain "queried" flag, not time. */
    return vigil_epoch_ns(BPF_CORE_READ(ino, i_ctime_sec), BPF_CORE_READ(ino, i_ctime_nsec) & 0x3fffffff);
  struct inode___v6_6 *i66 = (void *)ino;
  if (bpf_core_field_exists(i66->__i_ctime))
    return vigil_epoch_ns(BPF_CORE_READ(i66, __i_ctime.tv_sec), BPF_CORE_READ(i66, __i_ctime.tv_nsec));
  struct inode___old *io = (void *)ino;
  return vigil_epoch_ns(BPF_CORE_READ(io, i_ctime.tv_sec), BPF_CORE_READ(io, i_ctime.tv_nsec));
}

static __always_inline __u64 vigil_inode_mtime(struct inode *ino) {
  if (bpf_core_field_exists(ino->i_mtime_sec))
    return vigil_epoch_ns(BPF_CORE_READ(ino, i_mtime_sec), BPF_CORE_READ(ino, i_mtime_nsec));
  struct inode___old *io = (void *)ino;
  return vigil_epoch_ns(BPF_CORE_READ(io, i_mtime.tv_sec), BPF_CORE_READ(io, i_mtime.tv_nsec));
}

static __always_inline __u64 vigil_cap(kernel_cap_t *capp) {
  struct kernel_cap_struct___old *old = (void *)capp;
  if (bpf_core_field_exists(old->cap)) {
    __u32 lo = BPF_CORE_READ(old, cap[0]), hi = BPF_CORE_READ(old, cap[1]);
    return ((__u64)hi << 32) | lo;
  }
  return BPF_CORE_READ(capp, val);  /* PPM_CAP_* bits equal the kernel's capability bits */
}

static __always_inline __u32 vigil_tty(struct task_struct *task) {
  struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
  if (!tty) return 0;
  struct tty_driver *drv = BPF_CORE_READ(tty, driver);
  if (!drv) return 0;
  __u32 major = BPF_CORE_READ(drv, major), minor = BPF_CORE_READ(drv, minor_start);
  __u32 index = BPF_CORE_READ(tty, index);
  return vigil_encode_dev(((major << 20) | minor) + index);
}

/* The pid number of `pid` as seen from its own (deepest) namespace, or from the root one. */
static __always_inline __s64 vigil_pid_nr(struct pid *pid, bool in_own_ns) {
  if (!pid) return 0;
  unsigned int level = in_own_ns ? BPF_CORE_READ(pid, level) : 0;
  struct upid up = {};
  bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
  return up.nr;
}

static __always_inline struct pid *vigil_task_pid(struct task_struct *task, enum pid_type type) {
  if (type == PIDTYPE_PID) return BPF_CORE_READ(task, thread_pid);
  return BPF_CORE_READ(task, signal, pids[type]);
}
