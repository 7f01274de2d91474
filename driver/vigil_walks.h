/* Parameters that need a walk through kernel or user memory: paths (dentries across mounts),
 * cgroups (kernfs), argv/env (the mm's argument areas) and iovec arrays. The heavy ones are global
 * functions so the verifier checks them once. */
#pragma once

#include "vigil_record.h"

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
#define VIGIL_CGROUP_NAME 256 /* a kernfs name is at most NAME_MAX bytes */

/* The path of a cgroup's kernfs node, "/a/b/c" NUL-terminated, at the write position. At most
 * VIGIL_CGROUP_DEPTH levels, the deepest ones (the leaf names a container), and never past the
 * parameter's VIGIL_MAX_ARGS_BYTES budget counted from st->cg_start. */
static __always_inline void vigil_put_cgroup_path(struct vigil_scratch *s, struct vigil_fill_state *st,
                                                  struct kernfs_node *kn) {
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
    if (st->off - st->cg_start > VIGIL_MAX_ARGS_BYTES - VIGIL_CGROUP_NAME - 2) break;
    s->data[st->off & MASK] = '/';
    st->off++;
    long n = bpf_probe_read_kernel_str(&s->data[st->off & MASK], VIGIL_CGROUP_NAME, names[d & (VIGIL_CGROUP_DEPTH - 1)]);
    if (n > 1) st->off += n - 1;
  }
  s->data[st->off & MASK] = 0;
  st->off++;
}

/* The task's cgroups, NUL-separated (PT_BYTEBUF): first "unified=/path", its cgroup in the v2
 * (unified) hierarchy, unless that is the root; then "controller=/path" for every controller.
 * On a v2 host a controller's path is the nearest ancestor where that controller is enabled, so
 * a cgroup without controllers (a container's leaf, often) shows only in the unified item. */
__noinline int vigil_put_cgroups(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u64 task_ptr) {
  if (!s || !st) return 0;
  struct task_struct *task = (struct task_struct *)task_ptr;
  i &= VIGIL_MAX_PARAMS - 1;
  struct css_set *cgroups = BPF_CORE_READ(task, cgroups);
  if (!cgroups || !fits(st, VIGIL_MAX_ARGS_BYTES)) {
    set_len(s, i, 0);
    return 0;
  }
  st->cg_start = st->off;
  struct kernfs_node *unified = NULL;
  if (bpf_core_field_exists(cgroups->dfl_cgrp)) unified = BPF_CORE_READ(cgroups, dfl_cgrp, kn);
  if (unified && vigil_kn_parent(unified)) {
    static const char kUnified[] = "unified=";
    __builtin_memcpy(&s->data[st->off & MASK], kUnified, sizeof(kUnified) - 1);
    st->off += sizeof(kUnified) - 1;
    vigil_put_cgroup_path(s, st, unified);
  }
  const __u32 count = bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
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
    vigil_put_cgroup_path(s, st, kn);
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

#define VIGIL_MAX_IOVEC 16

/* readv/writev family: the total size, or the data of the first buffers up to snaplen.
 * i_kind = parameter | kind << 8 | budget << 16; the budget (bytes of data) counts only for
 * kind VK_MSG, whose caller knows how much the call transferred. */
__noinline int vigil_put_iovec(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i_kind, __u64 iov_ptr,
                               __u64 iovcnt) {
  if (!s || !st) return 0;
  __u32 i = i_kind & (VIGIL_MAX_PARAMS - 1), kind = (i_kind >> 8) & 0xff;
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
  if (kind == VK_MSG) budget = i_kind >> 16;
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
