/* Record assembly for the driver: the per-call fill state, and the writers that append one
 * parameter to the record being built in the CPU's scratch slot (length array + data, §11). */
#pragma once

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
  __u64 tid;   /* the record's thread id */
  __u64 ino;   /* VK_FD_DEV leaves the inode of the same file here for VK_FD_INO (ino_fd + 1) */
  __s64 ino_fd;
  __u32 off;   /* next free byte of the record */
  __u32 nr;    /* native syscall number */
  __u32 ppm_sc;
  __u32 truncated;
  __u32 path_n;  /* vigil_put_path: components found (in memory so loop states stay prunable) */
  __u32 cg_n;    /* vigil_put_cgroups: path components, likewise */
  __u32 msg_index; /* sendmmsg/recvmmsg: the message this record describes */
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
