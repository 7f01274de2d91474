/* Conversions for poll, socket options, System V semaphores and quotactl: Linux values (spelled
 * out, vmlinux.h has no macros) to the PPM encodings of the event schema (flag-tables.tsv). */
#pragma once

/* poll events (asm-generic/poll.h) -> PPM_POLL*. */
static __always_inline __u16 vigil_poll_events(__s16 ev) {
  __u16 r = 0;
  if (ev & 0x0001) r |= 1 << 0;  /* POLLIN */
  if (ev & 0x0002) r |= 1 << 1;  /* POLLPRI */
  if (ev & 0x0004) r |= 1 << 2;  /* POLLOUT */
  if (ev & 0x2000) r |= 1 << 3;  /* POLLRDHUP */
  if (ev & 0x0008) r |= 1 << 4;  /* POLLERR */
  if (ev & 0x0010) r |= 1 << 5;  /* POLLHUP */
  if (ev & 0x0020) r |= 1 << 6;  /* POLLNVAL */
  if (ev & 0x0040) r |= 1 << 7;  /* POLLRDNORM */
  if (ev & 0x0080) r |= 1 << 8;  /* POLLRDBAND */
  if (ev & 0x0100) r |= 1 << 9;  /* POLLWRNORM */
  if (ev & 0x0200) r |= 1 << 10; /* POLLWRBAND */
  return r;
}

#define L_SOL_SOCKET 1
#define L_SOL_TCP 6
#define L_SO_ERROR 4
#define L_SO_RCVTIMEO_OLD 20
#define L_SO_SNDTIMEO_OLD 21
#define L_SO_PEERGROUPS 59
#define L_SO_MEMINFO 55
#define L_SO_COOKIE 57
#define L_SO_RCVTIMEO_NEW 66
#define L_SO_SNDTIMEO_NEW 67

/* PPM_SOCKOPT_LEVEL_*. */
static __always_inline __u8 vigil_sockopt_level(__s32 level) {
  if (level == L_SOL_SOCKET) return 1;
  if (level == L_SOL_TCP) return 2;
  return 0;
}

/* PPM_SOCKOPT_SO_*: the SOL_SOCKET option numbers 1..50 are the kernel's own; the few newer ones
 * the schema knows are renumbered; other levels are not decoded. */
static __always_inline __u8 vigil_sockopt_name(__s32 level, __s32 name) {
  if (level != L_SOL_SOCKET) return 0;
  if (name >= 1 && name <= 50) return name;
  switch (name) {
    case L_SO_RCVTIMEO_NEW: return L_SO_RCVTIMEO_OLD;
    case L_SO_SNDTIMEO_NEW: return L_SO_SNDTIMEO_OLD;
    case L_SO_PEERGROUPS: return 51;
    case L_SO_MEMINFO: return 52;
    case L_SO_COOKIE: return 53;
    default: return 0;
  }
}

/* How the option's value is typed in the PT_DYN parameter (PPM_SOCKOPT_IDX_*). */
#define VIGIL_SOCKOPT_IDX_BYTES 0
#define VIGIL_SOCKOPT_IDX_ERRNO 1
#define VIGIL_SOCKOPT_IDX_UINT32 2
#define VIGIL_SOCKOPT_IDX_UINT64 3
#define VIGIL_SOCKOPT_IDX_TIMEVAL 4

static __always_inline __u8 vigil_sockopt_value_kind(__s32 level, __s32 name) {
  if (level != L_SOL_SOCKET) return VIGIL_SOCKOPT_IDX_BYTES;
  switch (name) {
    case L_SO_ERROR: return VIGIL_SOCKOPT_IDX_ERRNO;
    case L_SO_RCVTIMEO_OLD:
    case L_SO_SNDTIMEO_OLD:
    case L_SO_RCVTIMEO_NEW:
    case L_SO_SNDTIMEO_NEW: return VIGIL_SOCKOPT_IDX_TIMEVAL;
    case L_SO_COOKIE: return VIGIL_SOCKOPT_IDX_UINT64;
    /* Options whose value is a plain int; structures (linger, peercred, filters, names) stay
     * raw bytes. */
    case 13: /* SO_LINGER */
    case 17: /* SO_PEERCRED */
    case 26: /* SO_ATTACH_FILTER */
    case 28: /* SO_PEERNAME */
    case 50: /* SO_ATTACH_BPF */
      return VIGIL_SOCKOPT_IDX_BYTES;
    default: return name >= 1 && name <= 49 ? VIGIL_SOCKOPT_IDX_UINT32 : VIGIL_SOCKOPT_IDX_BYTES;
  }
}

/* semget flags -> PPM_IPC_CREAT / PPM_IPC_EXCL. */
static __always_inline __u32 vigil_semget_flags(__u32 f) {
  __u32 r = 0;
  if (f & 01000) r |= 1 << 13;
  if (f & 02000) r |= 1 << 14;
  return r;
}

/* semop sem_flg -> PPM_IPC_NOWAIT / PPM_SEM_UNDO. */
static __always_inline __u16 vigil_semop_flags(__s16 f) {
  __u16 r = 0;
  if (f & 04000) r |= 1 << 0;
  if (f & 0x1000) r |= 1 << 1;
  return r;
}

#define L_SETVAL 16

/* semctl command -> PPM (one bit per command). */
static __always_inline __u16 vigil_semctl_cmd(__u32 cmd) {
  switch (cmd) {
    case 2: return 1 << 0;   /* IPC_STAT */
    case 1: return 1 << 1;   /* IPC_SET */
    case 0: return 1 << 2;   /* IPC_RMID */
    case 3: return 1 << 3;   /* IPC_INFO */
    case 19: return 1 << 4;  /* SEM_INFO */
    case 18: return 1 << 5;  /* SEM_STAT */
    case 13: return 1 << 6;  /* GETALL */
    case 14: return 1 << 7;  /* GETNCNT */
    case 11: return 1 << 8;  /* GETPID */
    case 12: return 1 << 9;  /* GETVAL */
    case 15: return 1 << 10; /* GETZCNT */
    case 17: return 1 << 11; /* SETALL */
    case L_SETVAL: return 1 << 12;
    default: return 0;
  }
}

/* quotactl: cmd = QCMD(subcommand, type) = subcommand << 8 | type. */
#define PPM_Q_QUOTAON (1 << 0)
#define PPM_Q_GETFMT (1 << 2)
#define PPM_Q_GETINFO (1 << 3)
#define PPM_Q_SETINFO (1 << 4)
#define PPM_Q_GETQUOTA (1 << 5)
#define PPM_Q_SETQUOTA (1 << 6)
#define PPM_Q_XGETQUOTA (1 << 10)
#define PPM_Q_XSETQLIM (1 << 11)
#define PPM_QFMT_NOT_USED 1

static __always_inline __u16 vigil_quotactl_cmd(__u32 cmd) {
  switch (cmd >> 8) {
    case 0x800002: return PPM_Q_QUOTAON;
    case 0x800003: return 1 << 1; /* Q_QUOTAOFF */
    case 0x800004: return PPM_Q_GETFMT;
    case 0x800005: return PPM_Q_GETINFO;
    case 0x800006: return PPM_Q_SETINFO;
    case 0x800007: return PPM_Q_GETQUOTA;
    case 0x800008: return PPM_Q_SETQUOTA;
    case 0x800001: return 1 << 7; /* Q_SYNC */
    case 0x5801: return 1 << 8;   /* Q_XQUOTAON ('X' << 8 | n) */
    case 0x5802: return 1 << 9;
    case 0x5803: return PPM_Q_XGETQUOTA;
    case 0x5804: return PPM_Q_XSETQLIM;
    case 0x5805: return 1 << 12;
    case 0x5806: return 1 << 13;
    case 0x5807: return 1 << 14;
    case 0x5808: return 1 << 15;
    default: return 0;
  }
}

static __always_inline __u8 vigil_quotactl_type(__u32 cmd) {
  switch (cmd & 0xff) {
    case 0: return 1; /* USRQUOTA */
    case 1: return 2; /* GRPQUOTA */
    default: return 0;
  }
}

static __always_inline __u8 vigil_quota_fmt(__u32 fmt) {
  switch (fmt) {
    case 1: return 1 << 1; /* QFMT_VFS_OLD */
    case 2: return 1 << 2; /* QFMT_VFS_V0 */
    case 4: return 1 << 3; /* QFMT_VFS_V1 */
    default: return PPM_QFMT_NOT_USED;
  }
}

/* prctl options whose second argument is a string or a pointer to an int. */
#define L_PR_SET_NAME 15
#define L_PR_GET_NAME 16
#define L_PR_GET_CHILD_SUBREAPER 37

/* fsconfig commands (uapi/linux/mount.h), passed through unchanged. */
#define L_FSCONFIG_SET_STRING 1
#define L_FSCONFIG_SET_BINARY 2
#define L_FSCONFIG_SET_PATH 3
#define L_FSCONFIG_SET_PATH_EMPTY 4
