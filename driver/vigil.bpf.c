// SPDX-License-Identifier: GPL-2.0-only
/* The vigil capture driver: tracepoint programs that turn syscalls and process lifecycle
 * tracepoints into v2 event records (scap-format.md §11) in per-CPU ring buffers.
 *
 * Every program follows the same path: cheap filters first (interest set, own process), then the
 * record is assembled in a per-CPU scratch slot by interpreting the syscall's recipe
 * (vigil_shared.h) and copied into the CPU's ring buffer. A full ring buffer is a counted drop. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "vigil_maps.h"
#include "vigil_task.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define ERR_EINPROGRESS 115
#define L_S_IFMT 0170000
#define L_S_IFSOCK 0140000
#define L_AF_UNIX 1
#define L_AF_INET 2
#define L_AF_INET6 10
#define MASK (VIGIL_MAX_EVENT - 1)

/* What the recipe interpreter needs to know about the call being recorded. */
struct vigil_fill_state {
  __u64 args[6];
  __s64 ret;
  __u64 task;  /* struct task_struct * */
  __u64 bprm;  /* struct linux_binprm * on sched_process_exec, else 0 */
  __u32 off;   /* next free byte of the record */
  __u32 nr;    /* native syscall number */
  __u32 ppm_sc;
  __u32 truncated;
  __u32 path_n;  /* vigil_put_path: components found (in memory so loop states stay prunable) */
  __u32 cg_n;    /* vigil_put_cgroups: path components, likewise */
  __u32 pad;
  __u32 cg_start;
};

static __always_inline struct vigil_counters *counters(void) {
  __u32 zero = 0;
  return bpf_map_lookup_elem(&vigil_counters_map, &zero);
}

static __always_inline void set_len(struct vigil_scratch *s, __u32 i, __u32 len) {
  __u16 l = len;
  __builtin_memcpy(&s->data[(VIGIL_HEADER_SIZE + 2 * (i & (VIGIL_MAX_PARAMS - 1))) & MASK], &l, 2);
}

/* Room check: `need` more bytes must fit below VIGIL_MAX_EVENT. */
static __always_inline bool fits(struct vigil_fill_state *st, __u32 need) {
  if (st->off + need <= VIGIL_MAX_EVENT) return true;
  st->truncated++;
  return false;
}

static __always_inline void put_raw(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                    const void *v, __u32 size) {
  if (!fits(st, 8)) {
    set_len(s, i, 0);
    return;
  }
  __u8 *dst = &s->data[st->off & MASK];
  switch (size) {
    case 1: __builtin_memcpy(dst, v, 1); break;
    case 2: __builtin_memcpy(dst, v, 2); break;
    case 4: __builtin_memcpy(dst, v, 4); break;
    default: __builtin_memcpy(dst, v, 8); size = 8; break;
  }
  st->off += size;
  set_len(s, i, size);
}

static __always_inline void put_u64(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u64 v) {
  put_raw(s, st, i, &v, 8);
}
static __always_inline void put_u32(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u32 v) {
  put_raw(s, st, i, &v, 4);
}
static __always_inline void put_u16(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u16 v) {
  put_raw(s, st, i, &v, 2);
}
static __always_inline void put_u8(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u8 v) {
  put_raw(s, st, i, &v, 1);
}

/* A NUL-terminated string; `user` selects user or kernel memory. Unreadable pointers give an
 * empty parameter, as in the reference drivers. */
static __always_inline void put_str(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                    const void *src, bool user) {
  long n = 0;
  if (src && fits(st, VIGIL_MAX_PATH)) {
    __u8 *dst = &s->data[st->off & MASK];
    n = user ? bpf_probe_read_user_str(dst, VIGIL_MAX_PATH, src) : bpf_probe_read_kernel_str(dst, VIGIL_MAX_PATH, src);
  }
  if (n < 0) n = 0;
  st->off += n;
  set_len(s, i, n);
}

/* `len` raw bytes of user memory, cut at `cap`. */
static __always_inline void put_user_bytes(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                           const void *src, __u64 len, __u32 cap) {
  if (len > cap) len = cap;
  if (len > VIGIL_MAX_ARGS_BYTES) len = VIGIL_MAX_ARGS_BYTES;
  if (!src || len == 0 || !fits(st, VIGIL_MAX_ARGS_BYTES) ||
      bpf_probe_read_user(&s->data[st->off & MASK], len & (VIGIL_MAX_ARGS_BYTES * 2 - 1), src) != 0) {
    set_len(s, i, 0);
    return;
  }
  st->off += len;
  set_len(s, i, len);
}

/* The path of a struct path, walking dentries up to the root and across mount points. A global
 * function: verified once. The write position lives in *st (memory the verifier does not track),
 * which keeps the loop's states few enough to prune. */
__noinline int vigil_put_path(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u64 path_ptr) {
  if (!s || !st) return 0;
  struct path *p = (struct path *)path_ptr;
  const unsigned char *names[VIGIL_PATH_DEPTH] = {};
  st->path_n = 0;
  i &= VIGIL_MAX_PARAMS - 1;
  struct dentry *d = BPF_CORE_READ(p, dentry);
  struct vfsmount *vmnt = BPF_CORE_READ(p, mnt);
  if (!d || !vmnt || !fits(st, VIGIL_MAX_PATH)) {
    set_len(s, i, 0);
    return 0;
  }
  struct mount *mnt = container_of(vmnt, struct mount, mnt);
  for (int k = 0; k < VIGIL_PATH_DEPTH * 2; k++) {
    struct dentry *mnt_root = BPF_CORE_READ(vmnt, mnt_root);
    struct dentry *parent = BPF_CORE_READ(d, d_parent);
    if (d == mnt_root) {
      struct mount *up = BPF_CORE_READ(mnt, mnt_parent);
      if (up == mnt || !up) break;
      d = BPF_CORE_READ(mnt, mnt_mountpoint);
      mnt = up;
      vmnt = (struct vfsmount *)((__u8 *)up + bpf_core_field_offset(struct mount, mnt));
      continue;
    }
    if (st->path_n >= VIGIL_PATH_DEPTH) break;
    if (d == parent) {
      /* A disconnected or pseudo dentry (memfd, pipe, socket): its own name is the path. */
      names[st->path_n & (VIGIL_PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
      st->path_n++;
      break;
    }
    names[st->path_n & (VIGIL_PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
    st->path_n++;
    d = parent;
  }
  __u32 start = st->off;
  if (st->path_n == 0) {
    s->data[st->off & MASK] = '/';
    st->off++;
  }
  for (int k = VIGIL_PATH_DEPTH - 1; k >= 0; k--) {
    if ((__u32)k >= st->path_n) continue;
    if (st->off - start > VIGIL_MAX_PATH - 256) break;
    s->data[st->off & MASK] = '/';
    st->off++;
    long r = bpf_probe_read_kernel_str(&s->data[st->off & MASK], 255, names[k & (VIGIL_PATH_DEPTH - 1)]);
    if (r > 1) st->off += r - 1;
  }
  s->data[st->off & MASK] = 0;
  st->off++;
  set_len(s, i, st->off - start);
  return 0;
}

static __always_inline struct kernfs_node *vigil_kn_parent(struct kernfs_node *kn) {
  struct kernfs_node___old *old = (void *)kn;
  if (bpf_core_field_exists(old->parent)) return BPF_CORE_READ(old, parent);
  return BPF_CORE_READ(kn, __parent);
}

#define VIGIL_CGROUP_DEPTH 8
#define VIGIL_CGROUP_SUBSYS 16

/* "controller=/path" for every cgroup subsystem of the task, NUL-separated (PT_BYTEBUF). */
__noinline int vigil_put_cgroups(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u64 task_ptr) {
  if (!s || !st) return 0;
  struct task_struct *task = (struct task_struct *)task_ptr;
  i &= VIGIL_MAX_PARAMS - 1;
  struct css_set *cgroups = BPF_CORE_READ(task, cgroups);
  if (!cgroups || !fits(st, VIGIL_MAX_ARGS_BYTES)) {
    set_len(s, i, 0);
    return 0;
  }
  const __u32 count = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
  st->cg_start = st->off;
  for (int k = 0; k < VIGIL_CGROUP_SUBSYS; k++) {
    if ((__u32)k >= count || st->off - st->cg_start > VIGIL_MAX_ARGS_BYTES - 512) break;
    struct cgroup_subsys_state *css = NULL;
    bpf_probe_read_kernel(&css, sizeof(css), &cgroups->subsys[k & (VIGIL_CGROUP_SUBSYS - 1)]);
    if (!css) continue;
    const char *name = BPF_CORE_READ(css, ss, name);
    struct kernfs_node *kn = BPF_CORE_READ(css, cgroup, kn);
    long r = bpf_probe_read_kernel_str(&s->data[st->off & MASK], 64, name);
    if (r <= 1) continue;
    st->off += r - 1;
    s->data[st->off & MASK] = '=';
    st->off++;
    const char *names[VIGIL_CGROUP_DEPTH] = {};
    st->cg_n = 0;
    for (int d = 0; d < VIGIL_CGROUP_DEPTH; d++) {
      struct kernfs_node *parent = vigil_kn_parent(kn);
      if (!kn || !parent) break;
      names[st->cg_n & (VIGIL_CGROUP_DEPTH - 1)] = BPF_CORE_READ(kn, name);
      st->cg_n++;
      kn = parent;
    }
    if (st->cg_n == 0) {
      s->data[st->off & MASK] = '/';
      st->off++;
    }
    for (int d = VIGIL_CGROUP_DEPTH - 1; d >= 0; d--) {
      if ((__u32)d >= st->cg_n) continue;
      s->data[st->off & MASK] = '/';
      st->off++;
      long n = bpf_probe_read_kernel_str(&s->data[st->off & MASK], 48, names[d & (VIGIL_CGROUP_DEPTH - 1)]);
      if (n > 1) st->off += n - 1;
    }
    s->data[st->off & MASK] = 0;
    st->off++;
  }
  set_len(s, i, st->off - st->cg_start);
  return 0;
}

/* argv[0], argv[1..] or the environment, from the process's mm. */
static __always_inline void put_mm_strings(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                           struct task_struct *task, int which) {
  struct mm_struct *mm = BPF_CORE_READ(task, mm);
  if (!mm) {
    set_len(s, i, 0);
    return;
  }
  unsigned long start, end;
  if (which == 2) {
    start = BPF_CORE_READ(mm, env_start);
    end = BPF_CORE_READ(mm, env_end);
  } else {
    start = BPF_CORE_READ(mm, arg_start);
    end = BPF_CORE_READ(mm, arg_end);
  }
  if (which == 0) {
    put_str(s, st, i, (const void *)start, true);
    return;
  }
  if (which == 1) {
    /* Skip argv[0]: measure it by reading it where the parameter goes, then overwrite it. */
    __u32 skip = 0;
    if (fits(st, VIGIL_MAX_PATH)) {
      long l = bpf_probe_read_user_str(&s->data[st->off & MASK], VIGIL_MAX_PATH, (const void *)start);
      if (l > 0) skip = l;
    }
    start += skip;
  }
  if (end <= start) {
    set_len(s, i, 0);
    return;
  }
  put_user_bytes(s, st, i, (const void *)start, end - start, VIGIL_MAX_ARGS_BYTES);
}

/* PT_SOCKADDR from a user sockaddr. */
static __always_inline void put_sockaddr(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                         const void *uaddr, __u64 ulen) {
  __u8 raw[112] = {};
  if (!uaddr || ulen < 2 || !fits(st, 128)) {
    set_len(s, i, 0);
    return;
  }
  if (ulen > sizeof(raw)) ulen = sizeof(raw);
  if (bpf_probe_read_user(raw, ulen & 127, uaddr) != 0) {
    set_len(s, i, 0);
    return;
  }
  __u16 family = *(__u16 *)raw;
  __u8 *dst = &s->data[st->off & MASK];
  __u32 len = 0;
  if (family == L_AF_INET) {
    dst[0] = L_AF_INET;
    __builtin_memcpy(dst + 1, raw + 4, 4);
    __u16 port = bpf_ntohs(*(__u16 *)(raw + 2));
    __builtin_memcpy(dst + 5, &port, 2);
    len = 7;
  } else if (family == L_AF_INET6) {
    dst[0] = L_AF_INET6;
    __builtin_memcpy(dst + 1, raw + 8, 16);
    __u16 port = bpf_ntohs(*(__u16 *)(raw + 2));
    __builtin_memcpy(dst + 17, &port, 2);
    len = 19;
  } else if (family == L_AF_UNIX) {
    dst[0] = L_AF_UNIX;
    /* Abstract sockets start with a NUL that is dropped. The path is read again from user
     * memory straight into the record. */
    __u64 from = (__u64)uaddr + 2 + (raw[2] == 0 ? 1 : 0);
    long r = bpf_probe_read_user_str(&s->data[(st->off + 1) & MASK], 109, (const void *)from);
    len = 1 + (r > 0 ? r : 0);
    if (r <= 0) {
      s->data[(st->off + 1) & MASK] = 0;
      len = 2;
    }
  }
  st->off += len;
  set_len(s, i, len);
}

/* PT_SOCKTUPLE of the socket behind fd. `peer_first`: accept's orientation (src = remote). */
static __always_inline void put_socktuple(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                          struct task_struct *task, __s64 fd, bool peer_first) {
  struct file *f = vigil_fd_file(task, fd);
  if (!f || !fits(st, 160)) {
    set_len(s, i, 0);
    return;
  }
  umode_t mode = BPF_CORE_READ(f, f_inode, i_mode);
  if ((mode & L_S_IFMT) != L_S_IFSOCK) {
    set_len(s, i, 0);
    return;
  }
  struct socket *sock = BPF_CORE_READ(f, private_data);
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk) {
    set_len(s, i, 0);
    return;
  }
  __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
  __u8 *dst = &s->data[st->off & MASK];
  __u32 len = 0;
  if (family == L_AF_INET) {
    __u32 laddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
    __u32 raddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
    __u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    dst[0] = L_AF_INET;
    if (peer_first) {
      __builtin_memcpy(dst + 1, &raddr, 4);
      __builtin_memcpy(dst + 5, &rport, 2);
      __builtin_memcpy(dst + 7, &laddr, 4);
      __builtin_memcpy(dst + 11, &lport, 2);
    } else {
      __builtin_memcpy(dst + 1, &laddr, 4);
      __builtin_memcpy(dst + 5, &lport, 2);
      __builtin_memcpy(dst + 7, &raddr, 4);
      __builtin_memcpy(dst + 11, &rport, 2);
    }
    len = 13;
  } else if (family == L_AF_INET6) {
    struct in6_addr la = BPF_CORE_READ(sk, __sk_common.skc_v6_rcv_saddr);
    struct in6_addr ra = BPF_CORE_READ(sk, __sk_common.skc_v6_daddr);
    __u16 lport = BPF_CORE_READ(sk, __sk_common.skc_num);
    __u16 rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    dst[0] = L_AF_INET6;
    if (peer_first) {
      __builtin_memcpy(dst + 1, &ra, 16);
      __builtin_memcpy(dst + 17, &rport, 2);
      __builtin_memcpy(dst + 19, &la, 16);
      __builtin_memcpy(dst + 35, &lport, 2);
    } else {
      __builtin_memcpy(dst + 1, &la, 16);
      __builtin_memcpy(dst + 17, &lport, 2);
      __builtin_memcpy(dst + 19, &ra, 16);
      __builtin_memcpy(dst + 35, &rport, 2);
    }
    len = 37;
  } else if (family == L_AF_UNIX) {
    struct unix_sock *us = (void *)sk;
    struct sock *peer = BPF_CORE_READ(us, peer);
    __u64 a = (__u64)sk, b = (__u64)peer;
    dst[0] = L_AF_UNIX;
    __builtin_memcpy(dst + 1, &a, 8);
    __builtin_memcpy(dst + 9, &b, 8);
    struct unix_sock *named = peer ? (struct unix_sock *)peer : us;
    struct unix_address *ua = BPF_CORE_READ(named, addr);
    if (!ua) ua = BPF_CORE_READ(us, addr);
    len = 17;
    long r = 0;
    if (ua) {
      const char *path = (const char *)&ua->name[0].sun_path;
      char first = 0;
      bpf_probe_read_kernel(&first, 1, path);
      __u64 from = (__u64)path + (first == 0 ? 1 : 0);
      r = bpf_probe_read_kernel_str(&s->data[(st->off + 17) & MASK], 109, (const void *)from);
    }
    if (r > 0) {
      len += r;
    } else {
      s->data[(st->off + 17) & MASK] = 0;
      len++;
    }

  }
  st->off += len;
  set_len(s, i, len);
}

static __always_inline __u64 arg(struct vigil_fill_state *st, __u32 a) {
  return st->args[a < 6 ? a : 0];
}

static __always_inline __s64 fd_of(struct vigil_fill_state *st, __u32 a) {
  return a == VIGIL_FD_FROM_RET ? st->ret : (__s64)(int)arg(st, a);
}

#define VIGIL_MAX_IOVEC 16

/* readv/writev family: the total size, or the data of the first buffers up to snaplen. */
__noinline int vigil_put_iovec(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i_kind, __u64 iov_ptr,
                               __u64 iovcnt) {
  if (!s || !st) return 0;
  __u32 i = i_kind & (VIGIL_MAX_PARAMS - 1), kind = i_kind >> 8;
  struct iovec iov[VIGIL_MAX_IOVEC] = {};
  if (iovcnt > VIGIL_MAX_IOVEC) iovcnt = VIGIL_MAX_IOVEC;
  if (bpf_probe_read_user(iov, sizeof(iov), (const void *)iov_ptr) != 0 &&
      bpf_probe_read_user(iov, sizeof(iov[0]), (const void *)iov_ptr) != 0) {
    set_len(s, i, 0);
    return 0;
  }
  if (kind == VK_IOVEC_SIZE) {
    __u64 total = 0;
    for (int k = 0; k < VIGIL_MAX_IOVEC; k++)
      if ((__u64)k < iovcnt) total += iov[k].iov_len;
    put_u32(s, st, i, total);
    return 0;
  }
  __u64 budget = vigil_cfg.snaplen;
  if (kind == VK_IOVEC_DATA_RET) budget = st->ret > 0 ? ((__u64)st->ret < budget ? (__u64)st->ret : budget) : 0;
  if (budget > 256) budget = 256;
  if (!fits(st, 512)) {
    set_len(s, i, 0);
    return 0;
  }
  __u32 start = st->off;
  for (int k = 0; k < 4; k++) {
    if ((__u64)k >= iovcnt || budget == 0) break;
    __u64 n = iov[k].iov_len < budget ? iov[k].iov_len : budget;
    n &= 255;
    if (n && bpf_probe_read_user(&s->data[st->off & MASK], n, iov[k].iov_base) == 0) {
      st->off += n;
      budget -= n;
    } else {
      break;
    }
  }
  set_len(s, i, st->off - start);
  return 0;
}

/* clone3 in the new task: the struct clone_args lives in the parent's memory, which may already
 * be reused, so the flags that matter are derived from what the child shares with its parent. */
static __always_inline __u64 vigil_clone_flags_of_child(struct task_struct *task) {
  __u64 raw = 0;
  bool thread = BPF_CORE_READ(task, pid) != BPF_CORE_READ(task, tgid);
  struct task_struct *other = thread ? BPF_CORE_READ(task, group_leader) : BPF_CORE_READ(task, real_parent);
  if (thread) raw |= 0x00010000;                                                       /* CLONE_THREAD */
  if (BPF_CORE_READ(task, mm) == BPF_CORE_READ(other, mm)) raw |= 0x00000100;          /* CLONE_VM */
  if (BPF_CORE_READ(task, files) == BPF_CORE_READ(other, files)) raw |= 0x00000400;    /* CLONE_FILES */
  if (BPF_CORE_READ(task, fs) == BPF_CORE_READ(other, fs)) raw |= 0x00000200;          /* CLONE_FS */
  if (BPF_CORE_READ(task, sighand) == BPF_CORE_READ(other, sighand)) raw |= 0x00000800; /* CLONE_SIGHAND */
  return raw;
}

/* Fills parameter i from one recipe entry (kind | arg << 8 | arg2 << 16). A global function so
 * the verifier checks it once, not once per parameter slot. */
__noinline int vigil_fill_param(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u32 recipe) {
  if (!s || !st) return 0;
  __u32 kind = recipe & 0xff, a = (recipe >> 8) & 0xff, a2 = (recipe >> 16) & 0xff;
  struct task_struct *task = (struct task_struct *)st->task;
  i &= VIGIL_MAX_PARAMS - 1;
  switch (kind) {
    case VK_RET: put_u64(s, st, i, st->ret); break;
    case VK_RET_32: put_u32(s, st, i, st->ret); break;
    case VK_ARG_64: put_u64(s, st, i, arg(st, a)); break;
    case VK_ARG_FD: put_u64(s, st, i, (__s64)(int)arg(st, a)); break;
    case VK_ARG_32:
    case VK_ARG_U32_ENUM: put_u32(s, st, i, arg(st, a)); break;
    case VK_ARG_16: put_u16(s, st, i, arg(st, a)); break;
    case VK_ARG_8: put_u8(s, st, i, arg(st, a)); break;
    case VK_ARG_STR: put_str(s, st, i, (const void *)arg(st, a), true); break;
    case VK_DATA_RET:
      put_user_bytes(s, st, i, (const void *)arg(st, a), st->ret > 0 ? st->ret : 0, vigil_cfg.snaplen);
      break;
    case VK_DATA_ARGLEN: put_user_bytes(s, st, i, (const void *)arg(st, a), arg(st, a2), vigil_cfg.snaplen); break;
    case VK_OPEN_FLAGS: put_u32(s, st, i, vigil_open_flags(arg(st, a))); break;
    case VK_OPEN_MODE: put_u32(s, st, i, vigil_open_mode(arg(st, a2), arg(st, a))); break;
    case VK_CREAT_FLAGS: put_u32(s, st, i, PPM_O_CREAT | PPM_O_WRONLY | PPM_O_TRUNC); break;
    case VK_FD_DEV:
    case VK_FD_INO: {
      struct file *f = vigil_fd_file(task, fd_of(st, a));
      if (!f) {
        if (kind == VK_FD_DEV) put_u32(s, st, i, 0); else put_u64(s, st, i, 0);
        break;
      }
      struct inode *ino = BPF_CORE_READ(f, f_inode);
      if (kind == VK_FD_DEV)
        put_u32(s, st, i, vigil_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
      else
        put_u64(s, st, i, BPF_CORE_READ(ino, i_ino));
      break;
    }
    case VK_SOCKADDR: put_sockaddr(s, st, i, (const void *)arg(st, a), arg(st, a2)); break;
    case VK_SOCKTUPLE: put_socktuple(s, st, i, task, fd_of(st, a), a2 & 1); break;
    case VK_PIPE_FD0:
    case VK_PIPE_FD1:
    case VK_PIPE_INO: {
      int fds[2] = {-1, -1};
      bpf_probe_read_user(fds, sizeof(fds), (const void *)arg(st, a));
      if (kind == VK_PIPE_FD0) put_u64(s, st, i, (__s64)fds[0]);
      else if (kind == VK_PIPE_FD1) put_u64(s, st, i, (__s64)fds[1]);
      else {
        struct file *f = st->ret == 0 ? vigil_fd_file(task, fds[0]) : NULL;
        put_u64(s, st, i, f ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
      }
      break;
    }
    case VK_PIPE2_FLAGS: put_u32(s, st, i, vigil_pipe2_flags(arg(st, a))); break;
    case VK_DUP3_FLAGS: put_u32(s, st, i, vigil_dup3_flags(arg(st, a))); break;
    case VK_PPM_SC: put_u16(s, st, i, st->ppm_sc); break;
    case VK_NATIVE_ID: put_u16(s, st, i, st->nr); break;
    case VK_CLONE_FLAGS:
    case VK_CLONE3_FLAGS:
    case VK_FORK_FLAGS:
    case VK_VFORK_FLAGS: {
      __u64 raw = 0;
      if (kind == VK_CLONE_FLAGS) raw = arg(st, a);
      else if (kind == VK_CLONE3_FLAGS && st->ret != 0) bpf_probe_read_user(&raw, 8, (const void *)arg(st, a));
      else if (kind == VK_CLONE3_FLAGS) raw = vigil_clone_flags_of_child(task);
      else if (kind == VK_VFORK_FLAGS) raw = 0x00004000 | 0x00000100;
      __u32 f = vigil_clone_flags(raw);
      struct pid *pid = BPF_CORE_READ(task, thread_pid);
      if (pid && BPF_CORE_READ(pid, level) != 0) f |= PPM_CL_CHILD_IN_PIDNS;
      put_u32(s, st, i, f);
      break;
    }
    case VK_EXECVEAT_FLAGS: put_u32(s, st, i, vigil_execveat_flags(arg(st, a))); break;
    case VK_TASK_EXE: put_mm_strings(s, st, i, task, 0); break;
    case VK_TASK_ARGS: put_mm_strings(s, st, i, task, 1); break;
    case VK_TASK_ENV: put_mm_strings(s, st, i, task, 2); break;
    case VK_TASK_TID: put_u64(s, st, i, BPF_CORE_READ(task, pid)); break;
    case VK_TASK_PID: put_u64(s, st, i, BPF_CORE_READ(task, tgid)); break;
    case VK_TASK_PTID: put_u64(s, st, i, BPF_CORE_READ(task, real_parent, pid)); break;
    case VK_TASK_CWD: {
      struct fs_struct *fs = BPF_CORE_READ(task, fs);
      if (!fs) { set_len(s, i, 0); break; }
      vigil_put_path(s, st, i, (__u64)&fs->pwd);
      break;
    }
    case VK_TASK_FDLIMIT: put_u64(s, st, i, BPF_CORE_READ(task, signal, rlim[VIGIL_RLIMIT_NOFILE].rlim_cur)); break;
    case VK_TASK_PGFT_MAJ: put_u64(s, st, i, BPF_CORE_READ(task, maj_flt)); break;
    case VK_TASK_PGFT_MIN: put_u64(s, st, i, BPF_CORE_READ(task, min_flt)); break;
    case VK_TASK_VM_SIZE: {
      struct mm_struct *mm = BPF_CORE_READ(task, mm);
      put_u32(s, st, i, mm ? BPF_CORE_READ(mm, total_vm) * VIGIL_PAGE_KB : 0);
      break;
    }
    case VK_TASK_VM_RSS:
    case VK_TASK_VM_SWAP: {
      struct mm_struct *mm = BPF_CORE_READ(task, mm);
      __s64 pages = 0;
      if (mm) {
        if (kind == VK_TASK_VM_RSS) {
          /* MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES; the per-CPU deltas are not folded in */
          pages = BPF_CORE_READ(mm, rss_stat[0].count) + BPF_CORE_READ(mm, rss_stat[1].count) +
                  BPF_CORE_READ(mm, rss_stat[3].count);
        } else {
          pages = BPF_CORE_READ(mm, rss_stat[2].count);
        }
      }
      put_u32(s, st, i, pages > 0 ? pages * VIGIL_PAGE_KB : 0);
      break;
    }
    case VK_TASK_COMM: {
      char comm[16] = {};
      BPF_CORE_READ_STR_INTO(&comm, task, comm);
      put_str(s, st, i, comm, false);
      break;
    }
    case VK_TASK_TTY: put_u32(s, st, i, vigil_tty(task)); break;
    case VK_TASK_CGROUPS: vigil_put_cgroups(s, st, i, (__u64)task); break;
    case VK_TASK_VPGID: put_u64(s, st, i, vigil_pid_nr(vigil_task_pid(task, PIDTYPE_PGID), true)); break;
    case VK_TASK_PGID: put_u64(s, st, i, vigil_pid_nr(vigil_task_pid(task, PIDTYPE_PGID), false)); break;
    case VK_TASK_VTID: put_u64(s, st, i, vigil_pid_nr(vigil_task_pid(task, PIDTYPE_PID), true)); break;
    case VK_TASK_VPID: put_u64(s, st, i, vigil_pid_nr(vigil_task_pid(task, PIDTYPE_TGID), true)); break;
    case VK_TASK_PIDNS_START: {
      __u64 t = 0;
      if (st->ret == 0) {
        struct pid *pid = BPF_CORE_READ(task, thread_pid);
        unsigned int level = BPF_CORE_READ(pid, level);
        struct upid up = {};
        bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
        t = BPF_CORE_READ(up.ns, child_reaper, start_time);
      }
      put_u64(s, st, i, t);
      break;
    }
    case VK_TASK_LOGINUID: put_u32(s, st, i, BPF_CORE_READ(task, loginuid.val)); break;
    case VK_TASK_EXE_FLAGS: {
      /* A memfd has no link on disk and a dentry named "memfd:<name>". */
      struct file *exe = BPF_CORE_READ(task, mm, exe_file);
      __u32 flags = 0;
      if (exe && BPF_CORE_READ(exe, f_inode, __i_nlink) == 0) {
        char prefix[6] = {};
        bpf_probe_read_kernel(prefix, sizeof(prefix), BPF_CORE_READ(exe, f_path.dentry, d_name.name));
        if (prefix[0] == 'm' && prefix[1] == 'e' && prefix[2] == 'm' && prefix[3] == 'f' && prefix[4] == 'd' &&
            prefix[5] == ':')
          flags |= PPM_EXE_FROM_MEMFD;
      }
      put_u32(s, st, i, flags);
      break;
    }
    case VK_TASK_CAP_INH:
    case VK_TASK_CAP_PRM:
    case VK_TASK_CAP_EFF: {
      const struct cred *cred = BPF_CORE_READ(task, cred);
      kernel_cap_t *c = kind == VK_TASK_CAP_INH   ? (kernel_cap_t *)&cred->cap_inheritable
                        : kind == VK_TASK_CAP_PRM ? (kernel_cap_t *)&cred->cap_permitted
                                                  : (kernel_cap_t *)&cred->cap_effective;
      put_u64(s, st, i, vigil_cap(c));
      break;
    }
    case VK_TASK_EXE_INO:
    case VK_TASK_EXE_CTIME:
    case VK_TASK_EXE_MTIME: {
      struct inode *ino = BPF_CORE_READ(task, mm, exe_file, f_inode);
      __u64 v = 0;
      if (ino) {
        if (kind == VK_TASK_EXE_INO) v = BPF_CORE_READ(ino, i_ino);
        else if (kind == VK_TASK_EXE_CTIME) v = vigil_inode_ctime(ino);
        else v = vigil_inode_mtime(ino);
      }
      put_u64(s, st, i, v);
      break;
    }
    case VK_TASK_UID: put_u32(s, st, i, BPF_CORE_READ(task, cred, euid.val)); break;
    case VK_TASK_GID: put_u32(s, st, i, BPF_CORE_READ(task, cred, egid.val)); break;
    case VK_TASK_EXEPATH: {
      struct file *exe = BPF_CORE_READ(task, mm, exe_file);
      if (!exe) { set_len(s, i, 0); break; }
      vigil_put_path(s, st, i, (__u64)&exe->f_path);
      break;
    }
    case VK_EXEC_FILENAME:
      if (st->bprm) {
        struct linux_binprm *bprm = (struct linux_binprm *)st->bprm;
        put_str(s, st, i, BPF_CORE_READ(bprm, filename), false);
      }
      else
        put_str(s, st, i, (const void *)arg(st, a), true);
      break;
    case VK_HOW_FLAGS:
    case VK_HOW_MODE:
    case VK_HOW_RESOLVE: {
      __u64 how[3] = {};  /* struct open_how: flags, mode, resolve */
      bpf_probe_read_user(how, sizeof(how), (const void *)arg(st, a));
      if (kind == VK_HOW_FLAGS) put_u32(s, st, i, vigil_open_flags(how[0]));
      else if (kind == VK_HOW_MODE) put_u32(s, st, i, vigil_open_mode(how[0], how[1]));
      else put_u32(s, st, i, vigil_openat2_resolve(how[2]));
      break;
    }
    case VK_SOCKET_FLAGS: put_u32(s, st, i, vigil_socket_flags(arg(st, a))); break;
    case VK_NB_CLOEXEC16: put_u16(s, st, i, vigil_socket_flags(arg(st, a))); break;
    case VK_EPOLL1_FLAGS: put_u32(s, st, i, (arg(st, a) & L_O_CLOEXEC) ? 1 : 0); break;
    case VK_PIDFD_FLAGS: put_u32(s, st, i, (arg(st, a) & L_O_NONBLOCK) ? 1 : 0); break;
    case VK_FCNTL_CMD: put_u8(s, st, i, vigil_fcntl_cmd(arg(st, a))); break;
    case VK_FCHOWNAT_FLAGS: put_u32(s, st, i, vigil_fchownat_flags(arg(st, a))); break;
    case VK_USER_U64: {
      __u64 v = 0;
      bpf_probe_read_user(&v, 8, (const void *)(arg(st, a) + 8 * a2));
      put_u64(s, st, i, v);
      break;
    }
    case VK_PROT_FLAGS: put_u32(s, st, i, vigil_prot_flags(arg(st, a))); break;
    case VK_MMAP_FLAGS: put_u32(s, st, i, vigil_mmap_flags(arg(st, a))); break;
    case VK_MOUNT_FLAGS: put_u32(s, st, i, vigil_mount_flags(arg(st, a))); break;
    case VK_TIMESPEC: {
      __s64 ts[2] = {};
      if (bpf_probe_read_user(ts, sizeof(ts), (const void *)arg(st, a)) != 0) {
        set_len(s, i, 0);
        break;
      }
      put_u64(s, st, i, (__u64)ts[0] * 1000000000ull + (__u64)ts[1]);
      break;
    }
    case VK_IOVEC_SIZE:
    case VK_IOVEC_DATA:
    case VK_IOVEC_DATA_RET: vigil_put_iovec(s, st, i | kind << 8, arg(st, a), arg(st, a2)); break;
    case VK_USER_U32:
    case VK_IORING_FLAGS:
    case VK_IORING_FEATS: {
      __u32 v = 0;
      __u32 word = kind == VK_USER_U32 ? a2 : kind == VK_IORING_FLAGS ? 2 : 5;
      bpf_probe_read_user(&v, 4, (const void *)(arg(st, a) + 4 * word));
      if (kind == VK_IORING_FLAGS) v = (v & 3) | ((v & 0x7c) << 1); /* PPM inserts SQ_NEED_WAKEUP at bit 2 */
      if (kind == VK_IORING_FEATS) v &= 0x7ff;
      put_u32(s, st, i, v);
      break;
    }
    case VK_DELMOD_FLAGS: put_u32(s, st, i, vigil_delete_module_flags(arg(st, a))); break;
    case VK_PTRACE_REQ: put_u16(s, st, i, vigil_ptrace_request(arg(st, a))); break;
    case VK_DYN_U64: {
      if (!fits(st, 16)) { set_len(s, i, 0); break; }
      __u64 v = arg(st, a);
      s->data[st->off & MASK] = 0;
      __builtin_memcpy(&s->data[(st->off + 1) & MASK], &v, 8);
      st->off += 9;
      set_len(s, i, 9);
      break;
    }
    default: set_len(s, i, 0); break;
  }
  return 0;
}

/* Writes the record header and copies the record into the CPU's ring buffer. */
static __always_inline void output(struct vigil_scratch *s, __u32 len, __u16 type, __u32 n, __u64 tid,
                                   __u32 cpu, struct vigil_counters *cnt) {
  __u64 ts = bpf_ktime_get_boot_ns() + vigil_cfg.boot_to_epoch_ns;
  __builtin_memcpy(&s->data[0], &ts, 8);
  __builtin_memcpy(&s->data[8], &tid, 8);
  __builtin_memcpy(&s->data[16], &len, 4);
  __builtin_memcpy(&s->data[20], &type, 2);
  __builtin_memcpy(&s->data[22], &n, 4);
  __u32 nrb = vigil_cfg.nr_ringbufs ? vigil_cfg.nr_ringbufs : 1;
  __u32 idx = cpu % nrb;
  void *rb = bpf_map_lookup_elem(&vigil_ringbufs, &idx);
  if (!rb) {
    cnt->failures++;
    return;
  }
  if (bpf_ringbuf_output(rb, s->data, len & (VIGIL_SCRATCH_SIZE - 1), BPF_RB_NO_WAKEUP) != 0)
    cnt->drops++;
  else
    cnt->events++;
}

/* Builds the record for `rec` in the CPU's scratch slot and copies it to the CPU's ring buffer. */
static __always_inline void emit(struct vigil_fill_state *st, const struct vigil_event_recipe *rec,
                                 struct vigil_counters *cnt) {
  __u32 cpu = bpf_get_smp_processor_id();
  struct vigil_scratch *s = bpf_map_lookup_elem(&vigil_scratch_map, &cpu);
  if (!s) {
    cnt->failures++;
    return;
  }
  __u32 n = rec->nparams;
  if (n > VIGIL_MAX_PARAMS) n = VIGIL_MAX_PARAMS;
  st->off = VIGIL_HEADER_SIZE + 2 * n;
  for (__u32 i = 0; i < VIGIL_MAX_PARAMS; i++) {
    if (i >= n) break;
    const struct vigil_param_recipe *r = &rec->params[i];
    vigil_fill_param(s, st, i, r->kind | (__u32)r->arg << 8 | (__u32)r->arg2 << 16);
  }
  if (st->off > VIGIL_MAX_EVENT) {
    cnt->failures++;
    return;
  }
  cnt->truncations += st->truncated;
  output(s, st->off, rec->event_id, n, bpf_get_current_pid_tgid() & 0xffffffff, cpu, cnt);
}

static __always_inline bool is_self(void) {
  __u32 self = vigil_cfg.self_tgid;
  return self != 0 && (bpf_get_current_pid_tgid() >> 32) == self;
}

/* `regs` is a trusted BTF pointer in tp_btf programs: plain loads, no probe-read helper calls. */
/* 32-bit (ia32) syscalls use another numbering; the table is for native ones. */
#define TS_COMPAT 0x0002
static __always_inline bool in_compat_syscall(void) {
  struct task_struct *t = bpf_get_current_task_btf();
  return (t->thread_info.status & TS_COMPAT) != 0;
}

static __always_inline void load_args(struct vigil_fill_state *st, struct pt_regs *regs) {
  st->args[0] = regs->di;
  st->args[1] = regs->si;
  st->args[2] = regs->dx;
  st->args[3] = regs->r10;
  st->args[4] = regs->r8;
  st->args[5] = regs->r9;
}

static __always_inline int on_syscall(struct pt_regs *regs, long id_or_ret, bool is_exit) {
  __u32 nr = is_exit ? (__u32)regs->orig_ax : (__u32)id_or_ret;
  if (nr >= VIGIL_MAX_SYSCALLS || !vigil_interest[nr]) return 0;
  if (is_self() || in_compat_syscall()) return 0;
  const struct vigil_syscall_desc *d = bpf_map_lookup_elem(&vigil_syscalls, &nr);
  if (!d) return 0;
  const struct vigil_event_recipe *rec = is_exit ? &d->exit : &d->enter;
  if (rec->event_id == 0 && rec->nparams == 0) return 0;
  /* A successful exec is recorded by sched_process_exec, with the new image's details. */
  if (is_exit && (d->flags & VIGIL_SC_EXEC) && id_or_ret == 0) return 0;
  struct vigil_counters *cnt = counters();
  if (!cnt) return 0;
  cnt->hits++;
  struct vigil_fill_state st = {};
  load_args(&st, regs);
  st.ret = is_exit ? id_or_ret : 0;
  st.task = (__u64)bpf_get_current_task_btf();
  st.nr = nr;
  st.ppm_sc = d->ppm_sc;
  emit(&st, rec, cnt);
  return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(vigil_sys_enter, struct pt_regs *regs, long id) { return on_syscall(regs, id, false); }

SEC("tp_btf/sys_exit")
int BPF_PROG(vigil_sys_exit, struct pt_regs *regs, long ret) { return on_syscall(regs, ret, true); }

/* A successful execve/execveat: the new image is in place, the syscall has not returned yet. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_sched_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm) {
  if (!(vigil_cfg.tp_interest & VIGIL_TP_EXEC) || is_self()) return 0;
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(p);
  __u32 nr = regs->orig_ax;
  if (nr >= VIGIL_MAX_SYSCALLS || !vigil_interest[nr]) return 0;
  const struct vigil_syscall_desc *d = bpf_map_lookup_elem(&vigil_syscalls, &nr);
  if (!d || !(d->flags & VIGIL_SC_EXEC)) return 0;
  struct vigil_counters *cnt = counters();
  if (!cnt) return 0;
  cnt->hits++;
  struct vigil_fill_state st = {};
  load_args(&st, regs);
  st.ret = 0;
  st.task = (__u64)p;
  st.bprm = (__u64)bprm;
  st.nr = nr;
  st.ppm_sc = d->ppm_sc;
  emit(&st, &d->exit, cnt);
  return 0;
}

/* procexit (PPME_PROCEXIT_1_E): status, ret, sig, core, reaper_tid. */
#define PROCEXIT_E 186
SEC("tp_btf/sched_process_exit")
int BPF_PROG(vigil_sched_exit, struct task_struct *p) {
  if (!(vigil_cfg.tp_interest & VIGIL_TP_PROCEXIT) || is_self()) return 0;
  struct vigil_counters *cnt = counters();
  if (!cnt) return 0;
  cnt->hits++;
  __u32 cpu = bpf_get_smp_processor_id();
  struct vigil_scratch *s = bpf_map_lookup_elem(&vigil_scratch_map, &cpu);
  if (!s) {
    cnt->failures++;
    return 0;
  }
  struct vigil_fill_state st = {};
  st.off = VIGIL_HEADER_SIZE + 2 * 5;
  int code = BPF_CORE_READ(p, exit_code);
  __s64 status = code, ret = (code >> 8) & 0xff;
  __u8 sig = code & 0x7f, core = (code & 0x80) ? 1 : 0;
  put_u64(s, &st, 0, status);
  put_u64(s, &st, 1, ret);
  put_u8(s, &st, 2, sig);
  put_u8(s, &st, 3, core);
  put_u64(s, &st, 4, 0); /* reaper_tid: left to userspace (0 = not computed) */
  output(s, st.off, PROCEXIT_E, 5, BPF_CORE_READ(p, pid), cpu, cnt);
  return 0;
}
