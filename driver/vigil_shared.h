/* Shared between the BPF programs (driver/vigil.bpf.c) and userspace (libcapture/live): the layout of
 * the tables userspace fills before attaching, the configuration block, and the counters.
 *
 * The driver is table driven. For every native syscall number userspace writes a
 * vigil_syscall_desc: which event ids to emit on enter and exit and, for each parameter of those
 * events (in the newest schema's order), a recipe saying where its bytes come from (the return
 * value, argument N, a user string, the task, ...). One BPF loop interprets the recipes, so adding
 * a syscall is a table row in userspace, not new BPF code, and the parameter lists are checked
 * against the schema by the tests.
 *
 * Records leave the kernel in the v2 layout of a .scap event (scap-format.md §11): 26-byte header
 * (ts, tid, len, type, nparams), u16 length array, parameter bytes.
 */
#pragma once

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define VIGIL_MAX_SYSCALLS 512  /* native syscall numbers covered (x86_64 goes to ~462) */
#define VIGIL_MAX_PARAMS 32     /* the largest event (execve exit) has 31 */
#define VIGIL_HEADER_SIZE 26
/* Largest record; parameters that would not fit are emitted empty and counted as truncations. */
#define VIGIL_MAX_EVENT 65536
#define VIGIL_SCRATCH_SIZE (2 * VIGIL_MAX_EVENT)
#define VIGIL_MAX_PATH 4096
#define VIGIL_MAX_ARGS_BYTES 4096  /* argv / env blobs are cut here, like the reference drivers */
#define VIGIL_DEFAULT_SNAPLEN 80

/* Where a parameter's bytes come from. `arg`/`arg2` in the recipe name syscall arguments 0..5. */
enum vigil_param_kind {
  VK_EMPTY = 0,      /* length 0: "no value" */
  VK_RET,            /* s64 return value (ERRNO, FD, PID) */
  VK_ARG_64,         /* 8 bytes of argument `arg` */
  VK_ARG_FD,         /* argument `arg` as an int, sign-extended to s64 (FD, PID params) */
  VK_ARG_32,         /* 4 bytes of argument `arg` */
  VK_ARG_16,
  VK_ARG_8,
  VK_ARG_STR,        /* NUL-terminated user string at argument `arg` */
  VK_DATA_RET,       /* user buffer at `arg`, min(ret, snaplen) bytes when ret > 0 */
  VK_DATA_ARGLEN,    /* user buffer at `arg`, min(argument `arg2`, snaplen) bytes */
  VK_OPEN_FLAGS,     /* O_* of argument `arg` as PPM_O_* (u32); `arg2` 1: plus the overlayfs layer
                       * (PPM_FD_*_LAYER) of the file behind the returned fd */
  VK_OPEN_MODE,      /* mode argument as PPM mode bits (u32) */
  VK_CREAT_FLAGS,    /* creat(): O_CREAT|O_WRONLY|O_TRUNC as PPM_O_* */
  VK_FD_DEV,         /* u32 encoded device of the file behind fd (`arg` == 0xff: the return value) */
  VK_FD_INO,         /* u64 inode of the file behind fd (same fd selection) */
  VK_SOCKADDR,       /* user sockaddr at `arg`, length argument `arg2`, as PT_SOCKADDR */
  VK_SOCKTUPLE,      /* PT_SOCKTUPLE of the socket behind fd (`arg`, 0xff: return value); `arg2`
                       * bit 0: peer first (received), bits 1..: 1 + the argument holding a user
                       * sockaddr that names the peer of an unconnected socket */
  VK_PIPE_FD0,       /* int fds[2] at argument `arg`: first / second, as s64 */
  VK_PIPE_FD1,
  VK_PIPE_INO,       /* u64 inode of the pipe behind fds[0] */
  VK_PIPE2_FLAGS,    /* O_* of pipe2 as PPM_O_* */
  VK_DUP3_FLAGS,     /* O_CLOEXEC of dup3 as PPM_O_CLOEXEC */
  VK_PPM_SC,         /* u16 ppm_sc code of this syscall (generic event) */
  VK_NATIVE_ID,      /* u16 native syscall number (generic event) */
  VK_CLONE_FLAGS,    /* clone flags at argument `arg` as PPM_CL_* (+ pid-namespace bit) */
  VK_CLONE3_FLAGS,   /* clone3: flags read from struct clone_args at argument `arg` */
  VK_FORK_FLAGS,     /* fork(): no flags; vfork(): CLONE_VFORK|CLONE_VM */
  VK_VFORK_FLAGS,
  VK_EXECVEAT_FLAGS, /* AT_* of execveat as PPM_EXVAT_* */
  VK_ARG_U32_ENUM,   /* same as VK_ARG_32: documents an enum passed through unchanged */
  /* The task taking the syscall (the new image after an exec, the child after a clone). */
  VK_TASK_EXE,       /* argv[0] */
  VK_TASK_ARGS,      /* argv[1..] as NUL-separated list */
  VK_TASK_ENV,
  VK_TASK_TID,
  VK_TASK_PID,
  VK_TASK_PTID,
  VK_TASK_CWD,
  VK_TASK_FDLIMIT,
  VK_TASK_PGFT_MAJ,
  VK_TASK_PGFT_MIN,
  VK_TASK_VM_SIZE,
  VK_TASK_VM_RSS,
  VK_TASK_VM_SWAP,
  VK_TASK_COMM,
  VK_TASK_CGROUPS,
  VK_TASK_TTY,
  VK_TASK_VPGID,
  VK_TASK_PGID,
  VK_TASK_LOGINUID,
  VK_TASK_EXE_FLAGS,  /* PPM_EXE_* of the exe file */
  VK_TASK_CAP_INH,
  VK_TASK_CAP_PRM,
  VK_TASK_CAP_EFF,
  VK_TASK_EXE_INO,
  VK_TASK_EXE_CTIME,
  VK_TASK_EXE_MTIME,
  VK_TASK_UID,        /* euid */
  VK_TASK_GID,        /* egid */
  VK_TASK_EXEPATH,    /* exe path resolved in the kernel (mm->exe_file) */
  VK_TASK_VTID,
  VK_TASK_VPID,
  VK_TASK_PIDNS_START,
  VK_EXEC_FILENAME,   /* execve: the path as passed (argument `arg`, or bprm->filename) */
  VK_HOW_FLAGS,       /* openat2: struct open_how at argument `arg`: flags as PPM_O_* (`arg2` 1: plus
                       * the layer, as VK_OPEN_FLAGS) */
  VK_HOW_MODE,        /* ... mode (only with O_CREAT/O_TMPFILE) */
  VK_HOW_RESOLVE,     /* ... resolve as PPM_RESOLVE_* */
  VK_SOCKET_FLAGS,    /* SOCK_NONBLOCK/SOCK_CLOEXEC of the type argument as PPM_O_* */
  VK_PTRACE_REQ,      /* ptrace request as PPM_PTRACE_* (u16) */
  VK_DYN_U64,         /* PT_DYN with selector 0 and argument `arg` as u64 */
  VK_NB_CLOEXEC16,    /* O_NONBLOCK/O_CLOEXEC-valued flags as PPM_O_* in 16 bits (eventfd2, ...) */
  VK_EPOLL1_FLAGS,    /* EPOLL_CLOEXEC as PPM_EPOLL_CLOEXEC */
  VK_PIDFD_FLAGS,     /* PIDFD_NONBLOCK as PPM_PIDFD_NONBLOCK */
  VK_FCNTL_CMD,       /* fcntl command as PPM_FCNTL_* (u8) */
  VK_FCHOWNAT_FLAGS,  /* AT_* of fchownat as PPM values */
  VK_DELMOD_FLAGS,    /* O_NONBLOCK/O_TRUNC of delete_module as PPM values */
  VK_USER_U32,        /* u32 at user address argument `arg` + 4 * `arg2` */
  VK_IORING_FLAGS,    /* struct io_uring_params at argument `arg`: flags as PPM_IORING_SETUP_* */
  VK_IORING_FEATS,    /* ... features as PPM_IORING_FEAT_* */
  VK_USER_U64,        /* u64 at user address argument `arg` + 8 * `arg2` */
  VK_PROT_FLAGS,      /* PROT_* as PPM_PROT_* */
  VK_MMAP_FLAGS,      /* MAP_* as PPM_MAP_* */
  VK_MOUNT_FLAGS,     /* MS_* (without the legacy magic) as PPM_MS_* */
  VK_TIMESPEC,        /* struct timespec at argument `arg` as PT_RELTIME nanoseconds */
  VK_IOVEC_SIZE,      /* total length of the iovec array `arg` with `arg2` entries (u32) */
  VK_IOVEC_DATA,      /* first bytes of the iovec array `arg` (`arg2` entries), up to snaplen */
  VK_IOVEC_DATA_RET,  /* same, but no more than the return value (readv) */
  VK_RET_32,          /* the return value as 4 bytes (getuid family: PT_UID/PT_GID) */
  /* Kinds below are filled by vigil_fill_extra (driver/vigil_fill_extra.h). */
  VK_FDLIST,          /* struct pollfd array `arg` with `arg2` entries: fds and returned events */
  VK_SIGSET_USER,     /* first word of the user sigset at argument `arg` (0 if none) */
  VK_TIMESPEC_OR_0,   /* like VK_TIMESPEC, but 0 when there is no timespec */
  VK_SOCKOPT_LEVEL,   /* level argument `arg` as PPM_SOCKOPT_LEVEL_* */
  VK_SOCKOPT_NAME,    /* option name (level argument 1, name argument 2) as PPM_SOCKOPT_SO_* */
  VK_SOCKOPT_VAL,     /* the option value (argument 3) as PT_DYN; `arg2` 1: getsockopt (the length
                       * is read from the user pointer in argument 4), 0: setsockopt */
  VK_SEMGET_FLAGS,    /* IPC_CREAT/IPC_EXCL of argument `arg` */
  VK_SEMOP_FIELD,     /* field `arg2` (num, op, flg of sops[0], then of sops[1]) of the sembuf array
                       * in argument `arg`, when the call succeeded */
  VK_SEMCTL_CMD,      /* semctl command argument `arg` as PPM bits */
  VK_SEMCTL_VAL,      /* argument 3 when the command (argument 2) is SETVAL, else 0 */
  VK_QUOTACTL,        /* quotactl field `arg2`: 0 quotafilepath, 1..7 dqblk, 8..10 dqinfo,
                       * 11 quota_fmt_out, 12 cmd, 13 type, 14 id, 15 quota_fmt */
  VK_FSCONFIG,        /* fsconfig value: `arg2` 0 as bytes (SET_BINARY), 1 as a string */
  VK_MSG,             /* struct (m)msghdr at argument `arg`: field and direction in `arg2`
                       * (VIGIL_MSG_*) */
  VK_RET_SIZE,        /* the return value as u32, 0 when negative */
  VK_ACCEPT_QUEUE,    /* backlog of the listening socket (argument 0): `arg2` 0 pct, 1 len, 2 max */
  VK_SOCKPAIR_PTR,    /* socketpair fds at argument `arg`: `arg2` 0 the first socket's sock, 1 its
                       * peer */
  VK_PRCTL_STR,       /* prctl: argument 1 as a string for PR_SET_NAME/PR_GET_NAME */
  VK_PRCTL_INT,       /* prctl: argument 1 as s64 (the int it points to for GET_CHILD_SUBREAPER) */
  VK_ZERO_8,          /* a u8 0 (signalfd, inotify_init: the syscall has no flags argument) */
  VK_ZERO_32,         /* a u32 0 (eventfd, likewise) */
  VK_FD_PATH,         /* absolute path of the file behind the returned fd (open_by_handle_at) */
  VK_CREAT_LAYER,     /* creat_flags: overlayfs layer of the created file (0 off overlayfs) */
  VK_KIND_COUNT
};

#define VIGIL_FD_FROM_RET 0xff

/* VK_MSG selectors: the field (low nibble) and flags. */
enum vigil_msg_field {
  VIGIL_MSG_DATA = 0,     /* iovec data: up to snaplen, no more than the bytes transferred */
  VIGIL_MSG_IOVSIZE = 1,  /* total iovec length (u32) */
  VIGIL_MSG_CONTROL = 2,  /* msg_control bytes */
  VIGIL_MSG_TUPLE = 3,    /* socket tuple of fd argument 0, msg_name when not connected */
  VIGIL_MSG_LEN = 4,      /* mmsghdr msg_len (u32) */
  VIGIL_MSG_RES = 5,      /* mmsghdr msg_len as the event's s64 result */
  VIGIL_MSG_MMSG = 0x10,  /* argument is an mmsghdr array: message st->msg_index */
  VIGIL_MSG_IN = 0x20,    /* received data: the tuple is peer first, data needs ret >= 0 */
};

struct vigil_param_recipe {
  __u8 kind;
  __u8 arg;
  __u8 arg2;
  __u8 pad;
};

/* One event to emit: its id and how to fill each of its parameters. event_id 0 with nparams 0
 * means "emit nothing in this direction". */
struct vigil_event_recipe {
  __u16 event_id;
  __u8 nparams;
  __u8 pad;
  struct vigil_param_recipe params[VIGIL_MAX_PARAMS];
};

/* Per native syscall number. */
struct vigil_syscall_desc {
  struct vigil_event_recipe enter;
  struct vigil_event_recipe exit;
  __u16 ppm_sc;
  __u16 flags;  /* VIGIL_SC_* */
  __u32 pad;
};

enum vigil_syscall_flags {
  VIGIL_SC_EXEC = 1,  /* execve/execveat: a successful call is emitted by sched_process_exec */
  VIGIL_SC_MMSG = 2,  /* sendmmsg/recvmmsg: one exit event per message transferred (up to 16) */
};

/* Interest values (the in-kernel filter), indexed by native syscall number. */
enum vigil_interest {
  VIGIL_INTEREST_OFF = 0,
  VIGIL_INTEREST_ON = 1,
};

/* Tracepoint events (not syscalls) that can be switched on. */
enum vigil_tp_interest {
  VIGIL_TP_PROCEXIT = 1,
  VIGIL_TP_EXEC = 2,
};

/* Set by userspace before attach (rodata-like, but kept in .bss so it can change live). */
struct vigil_config {
  __u64 boot_to_epoch_ns;  /* added to bpf_ktime_get_boot_ns() to get the record's epoch ts */
  __u32 self_tgid;         /* events of this process are never produced (0: none) */
  __u32 snaplen;           /* bytes of I/O data kept */
  __u32 tp_interest;       /* VIGIL_TP_* bits */
  __u32 nr_ringbufs;       /* ring buffers in vigil_ringbufs; the CPU picks index cpu % n */
};

/* Per-CPU counters (a BPF_MAP_TYPE_PERCPU_ARRAY with one entry). */
struct vigil_counters {
  __u64 events;       /* records written to a ring buffer */
  __u64 drops;        /* records lost because the ring buffer was full */
  __u64 failures;     /* records not produced because a kernel read failed badly */
  __u64 truncations;  /* parameters emitted empty because the record reached VIGIL_MAX_EVENT */
  __u64 hits;         /* tracepoint hits that passed the interest filter */
};
