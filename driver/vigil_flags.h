/* Conversions from Linux (x86_64/generic) flag values to the PPM encodings of the event schema
 * (flag-tables.tsv). Linux values are spelled out here because vmlinux.h carries no macros. */
#pragma once

/* Linux open(2) flags (asm-generic/fcntl.h, x86 values). */
#define L_O_WRONLY 01
#define L_O_RDWR 02
#define L_O_CREAT 0100
#define L_O_EXCL 0200
#define L_O_TRUNC 01000
#define L_O_APPEND 02000
#define L_O_NONBLOCK 04000
#define L_O_DSYNC 010000
#define L_O_DIRECT 040000
#define L_O_LARGEFILE 0100000
#define L_O_DIRECTORY 0200000
#define L_O_CLOEXEC 02000000
#define L_O_SYNC 04010000     /* __O_SYNC | O_DSYNC: any of the bits counts, as in the reference */
#define L_O_TMPFILE 020200000 /* __O_TMPFILE | O_DIRECTORY, likewise */

/* PPM_O_* (flag table file_flags). */
#define PPM_O_RDONLY 1
#define PPM_O_WRONLY 2
#define PPM_O_RDWR 3
#define PPM_O_CREAT 4
#define PPM_O_APPEND 8
#define PPM_O_DSYNC 16
#define PPM_O_EXCL 32
#define PPM_O_NONBLOCK 64
#define PPM_O_SYNC 128
#define PPM_O_TRUNC 256
#define PPM_O_DIRECT 512
#define PPM_O_DIRECTORY 1024
#define PPM_O_LARGEFILE 2048
#define PPM_O_CLOEXEC 4096
#define PPM_O_TMPFILE 8192
#define PPM_FD_UPPER_LAYER 32768
#define PPM_FD_LOWER_LAYER 65536

static __always_inline __u32 vigil_open_flags(__u32 f) {
  __u32 r;
  switch (f & (L_O_WRONLY | L_O_RDWR)) {
    case L_O_WRONLY: r = PPM_O_WRONLY; break;
    case L_O_RDWR: r = PPM_O_RDWR; break;
    default: r = PPM_O_RDONLY; break;
  }
  if (f & L_O_CREAT) r |= PPM_O_CREAT;
  if (f & L_O_TMPFILE) r |= PPM_O_TMPFILE;
  if (f & L_O_APPEND) r |= PPM_O_APPEND;
  if (f & L_O_DSYNC) r |= PPM_O_DSYNC;
  if (f & L_O_EXCL) r |= PPM_O_EXCL;
  if (f & L_O_NONBLOCK) r |= PPM_O_NONBLOCK;
  if (f & L_O_SYNC) r |= PPM_O_SYNC;
  if (f & L_O_TRUNC) r |= PPM_O_TRUNC;
  if (f & L_O_DIRECT) r |= PPM_O_DIRECT;
  if (f & L_O_DIRECTORY) r |= PPM_O_DIRECTORY;
  if (f & L_O_LARGEFILE) r |= PPM_O_LARGEFILE;
  if (f & L_O_CLOEXEC) r |= PPM_O_CLOEXEC;
  return r;
}

/* The PPM mode bits equal the Linux permission bits; the mode only means something when the
 * call can create a file. */
static __always_inline __u32 vigil_open_mode(__u32 flags, __u32 mode) {
  if ((flags & (L_O_CREAT | L_O_TMPFILE)) == 0) return 0;
  return mode & 07777;
}

static __always_inline __u32 vigil_pipe2_flags(__s32 f) {
  __u32 r = 0;
  if (f < 0) return 0;
  if (f & L_O_CLOEXEC) r |= PPM_O_CLOEXEC;
  if (f & L_O_DIRECT) r |= PPM_O_DIRECT;
  if (f & L_O_NONBLOCK) r |= PPM_O_NONBLOCK;
  return r;
}

static __always_inline __u32 vigil_dup3_flags(__s32 f) { return (f & L_O_CLOEXEC) ? PPM_O_CLOEXEC : 0; }

/* Linux CLONE_* -> PPM_CL_* (flag table clone_flags). */
static __always_inline __u32 vigil_clone_flags(__u64 f) {
  __u32 r = 0;
  if (f & 0x00000400) r |= 1u << 0;         /* CLONE_FILES */
  if (f & 0x00000200) r |= 1u << 1;         /* CLONE_FS */
  if (f & 0x80000000ull) r |= 1u << 2;      /* CLONE_IO */
  if (f & 0x08000000) r |= 1u << 3;         /* CLONE_NEWIPC */
  if (f & 0x40000000) r |= 1u << 4;         /* CLONE_NEWNET */
  if (f & 0x00020000) r |= 1u << 5;         /* CLONE_NEWNS */
  if (f & 0x20000000) r |= 1u << 6;         /* CLONE_NEWPID */
  if (f & 0x04000000) r |= 1u << 7;         /* CLONE_NEWUTS */
  if (f & 0x00008000) r |= 1u << 8;         /* CLONE_PARENT */
  if (f & 0x00100000) r |= 1u << 9;         /* CLONE_PARENT_SETTID */
  if (f & 0x00002000) r |= 1u << 10;        /* CLONE_PTRACE */
  if (f & 0x00000800) r |= 1u << 11;        /* CLONE_SIGHAND */
  if (f & 0x00040000) r |= 1u << 12;        /* CLONE_SYSVSEM */
  if (f & 0x00010000) r |= 1u << 13;        /* CLONE_THREAD */
  if (f & 0x00800000) r |= 1u << 14;        /* CLONE_UNTRACED */
  if (f & 0x00000100) r |= 1u << 15;        /* CLONE_VM */
  if (f & 0x10000000) r |= 1u << 20;        /* CLONE_NEWUSER */
  if (f & 0x00200000) r |= 1u << 23;        /* CLONE_CHILD_CLEARTID */
  if (f & 0x01000000) r |= 1u << 24;        /* CLONE_CHILD_SETTID */
  if (f & 0x00080000) r |= 1u << 25;        /* CLONE_SETTLS */
  if (f & 0x00004000) r |= 1u << 27;        /* CLONE_VFORK */
  if (f & 0x02000000) r |= 1u << 28;        /* CLONE_NEWCGROUP */
  return r;
}
#define PPM_CL_CLONE_VM (1u << 15)
#define PPM_CL_CLONE_VFORK (1u << 27)
#define PPM_CL_CHILD_IN_PIDNS (1u << 29)

#define L_AT_EMPTY_PATH 0x1000
#define PPM_EXVAT_AT_EMPTY_PATH 1
#define L_AT_SYMLINK_NOFOLLOW 0x100
#define PPM_EXVAT_AT_SYMLINK_NOFOLLOW 2

static __always_inline __u32 vigil_execveat_flags(__u32 f) {
  __u32 r = 0;
  if (f & L_AT_EMPTY_PATH) r |= PPM_EXVAT_AT_EMPTY_PATH;
  if (f & L_AT_SYMLINK_NOFOLLOW) r |= PPM_EXVAT_AT_SYMLINK_NOFOLLOW;
  return r;
}

/* PPM_EXE_* (flag table execve_flags). */
#define PPM_EXE_WRITABLE 1
#define PPM_EXE_UPPER_LAYER 2
#define PPM_EXE_FROM_MEMFD 4
#define PPM_EXE_LOWER_LAYER 8

/* struct open_how resolve bits -> PPM_RESOLVE_* (flag table openat2_flags). */
static __always_inline __u32 vigil_openat2_resolve(__u64 f) {
  __u32 r = 0;
  if (f & 0x08) r |= 1;  /* RESOLVE_BENEATH */
  if (f & 0x10) r |= 2;  /* RESOLVE_IN_ROOT */
  if (f & 0x02) r |= 4;  /* RESOLVE_NO_MAGICLINKS */
  if (f & 0x04) r |= 8;  /* RESOLVE_NO_SYMLINKS */
  if (f & 0x01) r |= 16; /* RESOLVE_NO_XDEV */
  if (f & 0x20) r |= 32; /* RESOLVE_CACHED */
  return r;
}

static __always_inline __u32 vigil_socket_flags(__u32 type) {
  __u32 r = 0;
  if (type & L_O_NONBLOCK) r |= PPM_O_NONBLOCK; /* SOCK_NONBLOCK */
  if (type & L_O_CLOEXEC) r |= PPM_O_CLOEXEC;   /* SOCK_CLOEXEC */
  return r;
}

/* Linux ptrace requests (x86_64) -> PPM_PTRACE_* (flag table ptrace_requests). */
static __always_inline __u16 vigil_ptrace_request(__u64 req) {
  if (req <= 9) return req + 1;                       /* TRACEME .. SINGLESTEP */
  if (req >= 0x4200 && req <= 0x420b) return req - 0x4200 + 14; /* SETOPTIONS .. SETSIGMASK */
  switch (req) {
    case 16: return 11; /* ATTACH */
    case 17: return 12; /* DETACH */
    case 24: return 13; /* SYSCALL */
    case 12: return 26; /* GETREGS */
    case 13: return 27; /* SETREGS */
    case 14: return 28; /* GETFPREGS */
    case 15: return 29; /* SETFPREGS */
    case 18: return 30; /* GETFPXREGS */
    case 19: return 31; /* SETFPXREGS */
    case 21: return 32; /* OLDSETOPTIONS */
    case 25: return 33; /* GET_THREAD_AREA */
    case 26: return 34; /* SET_THREAD_AREA */
    case 30: return 35; /* ARCH_PRCTL */
    case 31: return 36; /* SYSEMU */
    case 32: return 37; /* SYSEMU_SINGLESTEP */
    case 33: return 38; /* SINGLEBLOCK */
    default: return 0;  /* UNKNOWN */
  }
}

/* Linux fcntl commands -> PPM_FCNTL_* (flag table fcntl_commands). */
static __always_inline __u8 vigil_fcntl_cmd(__u64 cmd) {
  if (cmd <= 4) return cmd + 1;  /* F_DUPFD .. F_SETFL */
  switch (cmd) {
    case 5: return 6;      /* F_GETLK */
    case 6: return 8;      /* F_SETLK */
    case 7: return 9;      /* F_SETLKW */
    case 8: return 10;     /* F_SETOWN */
    case 9: return 12;     /* F_GETOWN */
    case 10: return 13;    /* F_SETSIG */
    case 11: return 15;    /* F_GETSIG */
    case 15: return 21;    /* F_SETOWN_EX */
    case 16: return 22;    /* F_GETOWN_EX */
    case 36: return 30;    /* F_OFD_GETLK */
    case 37: return 31;    /* F_OFD_SETLK */
    case 38: return 32;    /* F_OFD_SETLKW */
    case 1024: return 23;  /* F_SETLEASE */
    case 1025: return 24;  /* F_GETLEASE */
    case 1026: return 27;  /* F_NOTIFY */
    case 1029: return 25;  /* F_CANCELLK */
    case 1030: return 26;  /* F_DUPFD_CLOEXEC */
    case 1031: return 28;  /* F_SETPIPE_SZ */
    case 1032: return 29;  /* F_GETPIPE_SZ */
    default: return 0;     /* UNKNOWN */
  }
}

static __always_inline __u32 vigil_fchownat_flags(__u32 f) {
  __u32 r = 0;
  if (f & L_AT_SYMLINK_NOFOLLOW) r |= 1024;
  if (f & L_AT_EMPTY_PATH) r |= 4096;
  return r;
}

static __always_inline __u32 vigil_delete_module_flags(__u32 f) {
  __u32 r = 0;
  if (f & L_O_NONBLOCK) r |= 2;
  if (f & L_O_TRUNC) r |= 1;
  return r;
}

static __always_inline __u32 vigil_prot_flags(__u64 f) {
  __u32 r = f & 0xf;                  /* READ, WRITE, EXEC, SEM share their values */
  if (f & 0x01000000) r |= 16;        /* PROT_GROWSDOWN */
  if (f & 0x02000000) r |= 32;        /* PROT_GROWSUP */
  return r;
}

static __always_inline __u32 vigil_mmap_flags(__u64 f) {
  __u32 r = f & 0x3;                  /* MAP_SHARED, MAP_PRIVATE */
  if (f & 0x10) r |= 4;               /* MAP_FIXED */
  if (f & 0x20) r |= 8;               /* MAP_ANONYMOUS */
  if (f & 0x40) r |= 16;              /* MAP_32BIT */
  if (f & 0x4000) r |= 64;            /* MAP_NORESERVE */
  if (f & 0x8000) r |= 128;           /* MAP_POPULATE */
  if (f & 0x10000) r |= 256;          /* MAP_NONBLOCK */
  if (f & 0x100) r |= 512;            /* MAP_GROWSDOWN */
  if (f & 0x800) r |= 1024;           /* MAP_DENYWRITE */
  if (f & 0x1000) r |= 2048;          /* MAP_EXECUTABLE */
  if (f & 0x2000) r |= 16384;         /* MAP_LOCKED */
  return r;
}

/* MS_* equal the PPM values once the pre-2.4 magic number in the top half is stripped. */
static __always_inline __u32 vigil_mount_flags(__u64 f) {
  if ((f & 0xffff0000) == 0xc0ed0000) f &= 0xffff;
  return f;
}
