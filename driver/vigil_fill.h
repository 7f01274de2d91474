/* The recipe interpreter: fills one parameter according to its vigil_param_kind. */
#pragma once

#include "vigil_net.h"
#include "vigil_record.h"
#include "vigil_walks.h"
#include "vigil_overlay.h"
#include "vigil_fill_extra.h"

static __always_inline __u64 arg(struct vigil_fill_state *st, __u32 a) {
  return st->args[a < 6 ? a : 0];
}

static __always_inline __s64 fd_of(struct vigil_fill_state *st, __u32 a) {
  return a == VIGIL_FD_FROM_RET ? st->ret : (__s64)(int)arg(st, a);
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

#define VIGIL_CAP_DAC_OVERRIDE 1

/* Whether the task could open its executable for writing, by the owner/group/other write bits
 * and CAP_DAC_OVERRIDE (supplementary groups, ACLs and read-only mounts are not considered). */
static __always_inline bool vigil_exe_writable(struct task_struct *task, struct inode *ino) {
  if (!ino) return false;
  const struct cred *cred = BPF_CORE_READ(task, cred);
  __u32 fsuid = BPF_CORE_READ(cred, fsuid.val), fsgid = BPF_CORE_READ(cred, fsgid.val);
  umode_t mode = BPF_CORE_READ(ino, i_mode);
  bool w;
  if (fsuid == BPF_CORE_READ(ino, i_uid.val)) w = mode & 0200;
  else if (fsgid == BPF_CORE_READ(ino, i_gid.val)) w = mode & 0020;
  else w = mode & 0002;
  if (!w) w = (vigil_cap((kernel_cap_t *)&cred->cap_effective) >> VIGIL_CAP_DAC_OVERRIDE) & 1;
  return w;
}

/* The open family's layer bits (PPM_FD_*_LAYER) for the file behind the returned fd, when the
 * recipe asks for them (`arg2` 1, exit events only). */
static __always_inline __u32 vigil_ret_layer_flags(struct vigil_fill_state *st, struct task_struct *task, __u32 a2) {
  if (a2 != 1 || st->ret < 0) return 0;
  __u32 layer = vigil_overlay_layer(vigil_fd_file(task, st->ret));
  if (layer == VIGIL_LAYER_UPPER) return PPM_FD_UPPER_LAYER;
  if (layer == VIGIL_LAYER_LOWER) return PPM_FD_LOWER_LAYER;
  return 0;
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
    case VK_OPEN_FLAGS: put_u32(s, st, i, vigil_open_flags(arg(st, a)) | vigil_ret_layer_flags(st, task, a2)); break;
    case VK_OPEN_MODE: put_u32(s, st, i, vigil_open_mode(arg(st, a2), arg(st, a))); break;
    case VK_CREAT_FLAGS: put_u32(s, st, i, PPM_O_CREAT | PPM_O_WRONLY | PPM_O_TRUNC); break;
    case VK_FD_DEV:
    case VK_FD_INO: {
      __s64 fd = fd_of(st, a);
      /* The open family reports dev then ino of the same file: one fd table walk for both. */
      if (kind == VK_FD_INO && st->ino_fd == fd + 1) {
        put_u64(s, st, i, st->ino);
        break;
      }
      struct file *f = vigil_fd_file(task, fd);
      if (!f) {
        if (kind == VK_FD_DEV) put_u32(s, st, i, 0); else put_u64(s, st, i, 0);
        break;
      }
      struct inode *ino = BPF_CORE_READ(f, f_inode);
      if (kind == VK_FD_DEV) {
        put_u32(s, st, i, vigil_encode_dev(BPF_CORE_READ(ino, i_sb, s_dev)));
        st->ino = BPF_CORE_READ(ino, i_ino);
        st->ino_fd = fd + 1;
      } else {
        put_u64(s, st, i, BPF_CORE_READ(ino, i_ino));
      }
      break;
    }
    case VK_SOCKADDR: put_sockaddr(s, st, i, (const void *)arg(st, a), arg(st, a2)); break;
    case VK_SOCKTUPLE: {
      __u32 ua = a2 >> 1; /* 1 + the argument holding a user sockaddr, 0 if none */
      put_socktuple(s, st, i, task, fd_of(st, a), a2 & 1, ua ? arg(st, ua - 1) : 0);
      break;
    }
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
      if (exe && vigil_exe_writable(task, BPF_CORE_READ(exe, f_inode))) flags |= PPM_EXE_WRITABLE;
      __u32 layer = vigil_overlay_layer(exe);
      if (layer == VIGIL_LAYER_UPPER) flags |= PPM_EXE_UPPER_LAYER;
      else if (layer == VIGIL_LAYER_LOWER) flags |= PPM_EXE_LOWER_LAYER;
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
      if (kind == VK_HOW_FLAGS) put_u32(s, st, i, vigil_open_flags(how[0]) | vigil_ret_layer_flags(st, task, a2));
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
    default:
      if (kind > VK_RET_32 && kind < VK_KIND_COUNT) vigil_fill_extra(s, st, i, recipe);
      else set_len(s, i, 0);
      break;
  }
  return 0;
}
