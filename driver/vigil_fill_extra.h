/* The second half of the recipe interpreter: poll, socket options and messages, System V
 * semaphores, quotactl, fsconfig, accept backlogs, socketpair, prctl. A separate global function
 * so that each half stays small enough for the verifier to check once. */
#pragma once

#include "vigil_ipc_flags.h"
#include "vigil_net.h"
#include "vigil_record.h"
#include "vigil_walks.h"

#define VIGIL_MAX_POLLFD 16
#define VIGIL_MAX_SOCKOPT_BYTES 256
#define VIGIL_MSGHDR_SIZE 56  /* struct user_msghdr */
#define VIGIL_MMSGHDR_SIZE 64 /* struct mmsghdr: the msghdr, msg_len, padding */

static __always_inline __u64 vx_arg(struct vigil_fill_state *st, __u32 a) { return st->args[a < 6 ? a : 0]; }

/* The struct sock behind fd, or NULL when fd is not a socket. */
static __always_inline struct sock *vigil_fd_sock(struct task_struct *task, __s64 fd) {
  struct file *f = vigil_fd_file(task, fd);
  if (!f || (BPF_CORE_READ(f, f_inode, i_mode) & L_S_IFMT) != L_S_IFSOCK) return NULL;
  struct socket *sock = BPF_CORE_READ(f, private_data);
  return sock ? BPF_CORE_READ(sock, sk) : NULL;
}

/* PT_FDLIST: u16 count, then per entry s64 fd and s16 returned events. */
static __always_inline void put_fdlist(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u64 ptr,
                                       __u64 nfds) {
  __s32 fds[VIGIL_MAX_POLLFD * 2] = {}; /* struct pollfd: int fd; short events, revents */
  if (!fits(st, 2 + VIGIL_MAX_POLLFD * 10)) {
    set_len(s, i, 0);
    return;
  }
  __u16 n = nfds < VIGIL_MAX_POLLFD ? nfds : VIGIL_MAX_POLLFD;
  __u32 size = n * 8;
  if (size > sizeof(fds)) size = sizeof(fds);
  if (n == 0 || bpf_probe_read_user(fds, size, (const void *)ptr) != 0) n = 0;
  __u32 start = st->off;
  __builtin_memcpy(&s->data[st->off & MASK], &n, 2);
  st->off += 2;
  for (int k = 0; k < VIGIL_MAX_POLLFD; k++) {
    if (k >= n) break;
    __s64 fd = fds[(2 * k) & (2 * VIGIL_MAX_POLLFD - 1)];
    __s16 revents = (__s16)((__u32)fds[(2 * k + 1) & (2 * VIGIL_MAX_POLLFD - 1)] >> 16);
    __u16 ev = vigil_poll_events(revents);
    __builtin_memcpy(&s->data[st->off & MASK], &fd, 8);
    __builtin_memcpy(&s->data[(st->off + 8) & MASK], &ev, 2);
    st->off += 10;
  }
  set_len(s, i, st->off - start);
}

/* PT_DYN value of a socket option, typed as the reference drivers type it. */
static __always_inline void put_sockopt_val(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                            bool get) {
  __s32 level = vx_arg(st, 1), name = vx_arg(st, 2);
  __u64 val = vx_arg(st, 3);
  __s32 len = vx_arg(st, 4);
  if (get) {
    len = 0;
    bpf_probe_read_user(&len, 4, (const void *)vx_arg(st, 4));
  }
  if (!fits(st, 1 + VIGIL_MAX_SOCKOPT_BYTES)) {
    set_len(s, i, 0);
    return;
  }
  __u8 idx = vigil_sockopt_value_kind(level, name);
  __u32 off = st->off;
  s->data[off & MASK] = idx;
  __u32 n = 0;
  __u64 v[2] = {};
  switch (idx) {
    case VIGIL_SOCKOPT_IDX_ERRNO: {
      bpf_probe_read_user(v, 4, (const void *)val);
      __s64 e = -(__s64)(__s32)v[0];
      __builtin_memcpy(&s->data[(off + 1) & MASK], &e, 8);
      n = 8;
      break;
    }
    case VIGIL_SOCKOPT_IDX_TIMEVAL: {
      bpf_probe_read_user(v, 16, (const void *)val); /* struct timeval: seconds, microseconds */
      __u64 ns = v[0] * 1000000000ull + v[1] * 1000ull;
      __builtin_memcpy(&s->data[(off + 1) & MASK], &ns, 8);
      n = 8;
      break;
    }
    case VIGIL_SOCKOPT_IDX_UINT64:
      bpf_probe_read_user(v, 8, (const void *)val);
      __builtin_memcpy(&s->data[(off + 1) & MASK], &v[0], 8);
      n = 8;
      break;
    case VIGIL_SOCKOPT_IDX_UINT32: {
      bpf_probe_read_user(v, 4, (const void *)val);
      __u32 w = v[0];
      __builtin_memcpy(&s->data[(off + 1) & MASK], &w, 4);
      n = 4;
      break;
    }
    default: {
      __u32 want = len > 0 ? len : 0;
      if (want > VIGIL_MAX_SOCKOPT_BYTES) want = VIGIL_MAX_SOCKOPT_BYTES;
      /* Hide the clamp from the compiler so the mask below survives for the verifier. */
      asm volatile("" : "+r"(want));
      if (want && val &&
          bpf_probe_read_user(&s->data[(off + 1) & MASK], want & (2 * VIGIL_MAX_SOCKOPT_BYTES - 1), (const void *)val) == 0)
        n = want;
      break;
    }
  }
  st->off += 1 + n;
  set_len(s, i, 1 + n);
}

/* The quotactl parameters after `special` (see VK_QUOTACTL). */
static __always_inline void put_quotactl(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u32 field) {
  __u32 cmd = vx_arg(st, 0);
  __u16 pcmd = vigil_quotactl_cmd(cmd);
  __u64 addr = vx_arg(st, 3);
  __u32 id = vx_arg(st, 2);
  if (field == 0) {
    if (pcmd == PPM_Q_QUOTAON) put_str(s, st, i, (const void *)addr, true);
    else set_len(s, i, 0);
    return;
  }
  if (field <= 7) {
    /* struct if_dqblk: bhardlimit, bsoftlimit, curspace, ihardlimit, isoftlimit, curinodes,
     * btime, itime (u64 each), then u32 valid. */
    __u64 q[9] = {};
    if (pcmd == PPM_Q_GETQUOTA || pcmd == PPM_Q_SETQUOTA) bpf_probe_read_user(q, 68, (const void *)addr);
    __u32 valid = q[8], word, bit;
    switch (field) {
      case 1: word = 0; bit = 1; break;  /* QIF_BLIMITS */
      case 2: word = 1; bit = 1; break;
      case 3: word = 2; bit = 2; break;  /* QIF_SPACE */
      case 4: word = 3; bit = 4; break;  /* QIF_ILIMITS */
      case 5: word = 4; bit = 4; break;
      case 6: word = 6; bit = 16; break; /* QIF_BTIME */
      default: word = 7; bit = 32; break; /* QIF_ITIME */
    }
    put_u64(s, st, i, (valid & bit) ? q[word & 7] : 0);
    return;
  }
  if (field <= 10) {
    /* struct if_dqinfo: bgrace, igrace (u64), flags, valid (u32). */
    __u64 q[3] = {};
    if (pcmd == PPM_Q_GETINFO || pcmd == PPM_Q_SETINFO) bpf_probe_read_user(q, 24, (const void *)addr);
    __u32 valid = q[2] >> 32;
    if (field == 8) put_u64(s, st, i, (valid & 1) ? q[0] : 0);
    else if (field == 9) put_u64(s, st, i, (valid & 2) ? q[1] : 0);
    else put_u8(s, st, i, (valid & 4) ? (__u8)q[2] : 0);
    return;
  }
  switch (field) {
    case 11: {
      __u32 fmt = 0;
      __u8 out = PPM_QFMT_NOT_USED;
      if (pcmd == PPM_Q_GETFMT) {
        bpf_probe_read_user(&fmt, 4, (const void *)addr);
        out = vigil_quota_fmt(fmt);
      }
      put_u8(s, st, i, out);
      break;
    }
    case 12: put_u16(s, st, i, pcmd); break;
    case 13: put_u8(s, st, i, vigil_quotactl_type(cmd)); break;
    case 14:
      put_u32(s, st, i,
              (pcmd == PPM_Q_GETQUOTA || pcmd == PPM_Q_SETQUOTA || pcmd == PPM_Q_XGETQUOTA || pcmd == PPM_Q_XSETQLIM)
                  ? id
                  : 0);
      break;
    default: put_u8(s, st, i, pcmd == PPM_Q_QUOTAON ? vigil_quota_fmt(id) : PPM_QFMT_NOT_USED); break;
  }
}

/* One field of a struct user_msghdr (sendmsg/recvmsg) or of message st->msg_index of a struct
 * mmsghdr array (sendmmsg/recvmmsg). */
static __always_inline void put_msg_field(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                          struct task_struct *task, __u64 hdr_ptr, __u32 sel) {
  __u32 field = sel & 0xf;
  bool mmsg = sel & VIGIL_MSG_MMSG, in = sel & VIGIL_MSG_IN;
  __s64 fd = (__s32)vx_arg(st, 0);
  /* A failed (or empty) call carries no message. */
  bool ok = mmsg ? st->ret > 0 : (in ? st->ret >= 0 : true);
  __u64 h[8] = {}; /* name, namelen, iov, iovlen, control, controllen, flags, msg_len */
  if (mmsg) hdr_ptr += (__u64)(st->msg_index & 15) * VIGIL_MMSGHDR_SIZE;
  if (ok && bpf_probe_read_user(h, mmsg ? VIGIL_MMSGHDR_SIZE : VIGIL_MSGHDR_SIZE, (const void *)hdr_ptr) != 0) ok = false;
  __u32 msg_len = h[7];
  switch (field) {
    case VIGIL_MSG_RES: put_u64(s, st, i, ok ? (__s64)msg_len : st->ret); return;
    case VIGIL_MSG_LEN: put_u32(s, st, i, ok ? msg_len : 0); return;
    case VIGIL_MSG_IOVSIZE:
      if (!ok) {
        if (mmsg) put_u32(s, st, i, 0);
        else set_len(s, i, 0);
        return;
      }
      vigil_put_iovec(s, st, i | VK_IOVEC_SIZE << 8, h[2], h[3]);
      return;
    case VIGIL_MSG_DATA: {
      __u64 budget = vigil_cfg.snaplen;
      __s64 done = mmsg ? (__s64)msg_len : st->ret;
      if ((in || done > 0) && (__u64)done < budget) budget = done;
      if (!ok || budget == 0) {
        set_len(s, i, 0);
        return;
      }
      if (budget > 0xffff) budget = 0xffff;
      vigil_put_iovec(s, st, i | VK_MSG << 8 | (__u32)budget << 16, h[2], h[3]);
      return;
    }
    case VIGIL_MSG_TUPLE:
      if (!ok || st->ret < 0) {
        set_len(s, i, 0);
        return;
      }
      put_socktuple(s, st, i, task, fd, in, h[0]);
      return;
    default: /* VIGIL_MSG_CONTROL */
      if (!ok || !h[4] || h[5] == 0 || h[5] > 0xffff) {
        set_len(s, i, 0);
        return;
      }
      put_user_bytes(s, st, i, (const void *)h[4], h[5], VIGIL_MAX_ARGS_BYTES);
      return;
  }
}

/* Fills parameter i for the kinds after VK_RET_32 (recipe = kind | arg << 8 | arg2 << 16). */
__noinline int vigil_fill_extra(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i, __u32 recipe) {
  if (!s || !st) return 0;
  __u32 kind = recipe & 0xff, a = (recipe >> 8) & 0xff, a2 = (recipe >> 16) & 0xff;
  struct task_struct *task = (struct task_struct *)st->task;
  i &= VIGIL_MAX_PARAMS - 1;
  switch (kind) {
    case VK_FDLIST: put_fdlist(s, st, i, vx_arg(st, a), vx_arg(st, a2)); break;
    case VK_SIGSET_USER: {
      __u32 mask = 0;
      bpf_probe_read_user(&mask, 4, (const void *)vx_arg(st, a));
      put_u32(s, st, i, mask);
      break;
    }
    case VK_TIMESPEC_OR_0: {
      __s64 ts[2] = {};
      __u64 ns = 0;
      if (bpf_probe_read_user(ts, sizeof(ts), (const void *)vx_arg(st, a)) == 0)
        ns = (__u64)ts[0] * 1000000000ull + (__u64)ts[1];
      put_u64(s, st, i, ns);
      break;
    }
    case VK_SOCKOPT_LEVEL: put_u8(s, st, i, vigil_sockopt_level(vx_arg(st, a))); break;
    case VK_SOCKOPT_NAME: put_u8(s, st, i, vigil_sockopt_name(vx_arg(st, 1), vx_arg(st, 2))); break;
    case VK_SOCKOPT_VAL: put_sockopt_val(s, st, i, a2 == 1); break;
    case VK_SEMGET_FLAGS: put_u32(s, st, i, vigil_semget_flags(vx_arg(st, a))); break;
    case VK_SEMOP_FIELD: {
      __u16 sops[6] = {}; /* struct sembuf[2]: u16 num, s16 op, s16 flg */
      __u64 nsops = vx_arg(st, 2), ptr = vx_arg(st, a);
      if (st->ret == 0 && ptr && nsops > 0) bpf_probe_read_user(sops, nsops == 1 ? 6 : 12, (const void *)ptr);
      __u16 v = sops[a2 < 6 ? a2 : 0];
      put_u16(s, st, i, a2 % 3 == 2 ? vigil_semop_flags(v) : v);
      break;
    }
    case VK_SEMCTL_CMD: put_u16(s, st, i, vigil_semctl_cmd(vx_arg(st, a))); break;
    case VK_SEMCTL_VAL: put_u32(s, st, i, (__u32)vx_arg(st, 2) == L_SETVAL ? vx_arg(st, 3) : 0); break;
    case VK_QUOTACTL: put_quotactl(s, st, i, a2); break;
    case VK_FSCONFIG: {
      __u32 cmd = vx_arg(st, 1);
      const void *value = (const void *)vx_arg(st, 3);
      if (st->ret < 0) set_len(s, i, 0);
      else if (a2 == 0 && cmd == L_FSCONFIG_SET_BINARY)
        put_user_bytes(s, st, i, value, (__u32)vx_arg(st, 4), VIGIL_MAX_ARGS_BYTES);
      else if (a2 == 1 && (cmd == L_FSCONFIG_SET_STRING || cmd == L_FSCONFIG_SET_PATH || cmd == L_FSCONFIG_SET_PATH_EMPTY))
        put_str(s, st, i, value, true);
      else set_len(s, i, 0);
      break;
    }
    case VK_MSG: put_msg_field(s, st, i, task, vx_arg(st, a), a2); break;
    case VK_RET_SIZE: put_u32(s, st, i, st->ret > 0 ? st->ret : 0); break;
    case VK_ACCEPT_QUEUE: {
      __u32 len = 0, max = 0;
      struct sock *sk = st->ret >= 0 ? vigil_fd_sock(task, (__s32)vx_arg(st, 0)) : NULL;
      if (sk) {
        len = BPF_CORE_READ(sk, sk_ack_backlog);
        max = BPF_CORE_READ(sk, sk_max_ack_backlog);
      }
      if (a2 == 0) put_u8(s, st, i, len && max ? (__u8)((__u64)len * 100 / max) : 0);
      else put_u32(s, st, i, a2 == 1 ? len : max);
      break;
    }
    case VK_SOCKPAIR_PTR: {
      __u64 v = 0;
      __s32 fds[2] = {-1, -1};
      if (st->ret == 0 && bpf_probe_read_user(fds, sizeof(fds), (const void *)vx_arg(st, a)) == 0) {
        struct sock *sk = vigil_fd_sock(task, fds[0]);
        if (sk) v = a2 == 0 ? (__u64)sk : (__u64)BPF_CORE_READ((struct unix_sock *)sk, peer);
      }
      put_u64(s, st, i, v);
      break;
    }
    case VK_PRCTL_STR: {
      __u32 option = vx_arg(st, 0);
      if (option == L_PR_SET_NAME || option == L_PR_GET_NAME) put_str(s, st, i, (const void *)vx_arg(st, 1), true);
      else set_len(s, i, 0);
      break;
    }
    case VK_PRCTL_INT: {
      __u32 option = vx_arg(st, 0);
      __s64 v = vx_arg(st, 1);
      if (option == L_PR_SET_NAME || option == L_PR_GET_NAME) v = 0;
      else if (option == L_PR_GET_CHILD_SUBREAPER) {
        __s32 r = 0;
        bpf_probe_read_user(&r, 4, (const void *)vx_arg(st, 1));
        v = r;
      }
      put_u64(s, st, i, v);
      break;
    }
    case VK_ZERO_8: put_u8(s, st, i, 0); break;
    case VK_ZERO_32: put_u32(s, st, i, 0); break;
    case VK_CREAT_LAYER: {
      /* creat_flags: FD_UPPER_LAYER_CREAT 1, FD_LOWER_LAYER_CREAT 2 - the vigil_layer values. */
      put_u16(s, st, i, st->ret >= 0 ? vigil_overlay_layer(vigil_fd_file(task, st->ret)) : 0);
      break;
    }
    case VK_FD_PATH: {
      struct file *f = vigil_fd_file(task, st->ret);
      if (f) vigil_put_path(s, st, i, (__u64)&f->f_path);
      else set_len(s, i, 0);
      break;
    }
    default: set_len(s, i, 0); break;
  }
  return 0;
}
