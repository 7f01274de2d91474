/* Socket parameters: PT_SOCKADDR from a user sockaddr and PT_SOCKTUPLE from a socket's kernel
 * state (scap-format.md §13.1-13.2). */
#pragma once

#include "vigil_record.h"

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

/* PT_SOCKTUPLE of the socket behind fd. `peer_first`: accept's orientation (src = remote).
 * `uaddr`: a user sockaddr (sendmsg's msg_name) that names the remote end of a socket that is not
 * connected (UDP), whose kernel state has no remote address; 0 when there is none. */
static __always_inline void put_socktuple(struct vigil_scratch *s, struct vigil_fill_state *st, __u32 i,
                                          struct task_struct *task, __s64 fd, bool peer_first, __u64 uaddr) {
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
    if (rport == 0 && uaddr) {
      __u8 sin[8] = {}; /* family, port, address */
      if (bpf_probe_read_user(sin, sizeof(sin), (const void *)uaddr) == 0 && *(__u16 *)sin == L_AF_INET) {
        rport = bpf_ntohs(*(__u16 *)(sin + 2));
        __builtin_memcpy(&raddr, sin + 4, 4);
      }
    }
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
    if (rport == 0 && uaddr) {
      __u8 sin6[24] = {}; /* family, port, flowinfo, address */
      if (bpf_probe_read_user(sin6, sizeof(sin6), (const void *)uaddr) == 0 && *(__u16 *)sin6 == L_AF_INET6) {
        rport = bpf_ntohs(*(__u16 *)(sin6 + 2));
        __builtin_memcpy(&ra, sin6 + 8, 16);
      }
    }
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
