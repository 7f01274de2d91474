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
#include "vigil_fill.h"

char LICENSE[] SEC("license") = "GPL";

/* Writes the record header and copies the record into the CPU's ring buffer. */
static __always_inline void output(struct vigil_scratch *s, __u32 len, __u16 type, __u32 n, __u64 tid,
                                   __u32 cpu, struct vigil_counters *cnt) {
  __u64 ts = bpf_ktime_get_boot_ns() + vigil_cfg.boot_to_epoch_ns;
  __builtin_memcpy(&s->data[0], &ts, 8);
  __builtin_memcpy(&s->data[8], &tid, 8);
  __builtin_memcpy(&s->data[16], &len, 4);
  __builtin_memcpy(&s->data[20], &type, 2);
  __builtin_memcpy(&s->data[22], &n, 4);
  /* One ring per CPU is the default: no division on that path. */
  __u32 nrb = vigil_cfg.nr_ringbufs ? vigil_cfg.nr_ringbufs : 1;
  __u32 idx = cpu < nrb ? cpu : cpu % nrb;
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
    /* The commonest kinds are filled here: a call into the interpreter costs more than they do. */
    __u32 a = r->arg < 6 ? r->arg : 0;
    switch (r->kind) {
      case VK_RET: put_u64(s, st, i, st->ret); break;
      case VK_ARG_FD: put_u64(s, st, i, (__s64)(int)st->args[a]); break;
      case VK_ARG_32: put_u32(s, st, i, st->args[a]); break;
      case VK_ARG_64: put_u64(s, st, i, st->args[a]); break;
      default: vigil_fill_param(s, st, i, r->kind | (__u32)r->arg << 8 | (__u32)r->arg2 << 16); break;
    }
  }
  if (st->off > VIGIL_MAX_EVENT) {
    cnt->failures++;
    return;
  }
  cnt->truncations += st->truncated;
  output(s, st->off, rec->event_id, n, st->tid, cpu, cnt);
}

/* One record of a sendmmsg/recvmmsg: a global function, so the per-message loop below does not
 * copy the record builder sixteen times. */
__noinline int vigil_emit_msg(struct vigil_fill_state *st, const struct vigil_event_recipe *rec,
                              struct vigil_counters *cnt) {
  if (!st || !rec || !cnt) return 0;
  cnt->hits++;
  st->truncated = 0;
  emit(st, rec, cnt);
  return 0;
}

#define VIGIL_MAX_MMSG 16

static __always_inline bool is_self_tgid(__u64 pid_tgid) {
  __u32 self = vigil_cfg.self_tgid;
  return self != 0 && (pid_tgid >> 32) == self;
}

static __always_inline bool is_self(void) { return is_self_tgid(bpf_get_current_pid_tgid()); }

/* `regs` is a trusted BTF pointer in tp_btf programs: plain loads, no probe-read helper calls. */
/* 32-bit (ia32) syscalls use another numbering; the table is for native ones. */
#define TS_COMPAT 0x0002
static __always_inline bool in_compat_syscall(struct task_struct *t) {
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
  /* Plain loads from the trusted task pointer: cheaper than the pid_tgid helper call. */
  struct task_struct *task = bpf_get_current_task_btf();
  __u64 pid_tgid = (__u64)(__u32)task->tgid << 32 | (__u32)task->pid;
  if (is_self_tgid(pid_tgid) || in_compat_syscall(task)) return 0;
  const struct vigil_syscall_desc *d = bpf_map_lookup_elem(&vigil_syscalls, &nr);
  if (!d) return 0;
  const struct vigil_event_recipe *rec = is_exit ? &d->exit : &d->enter;
  if (rec->event_id == 0 && rec->nparams == 0) return 0;
  /* A successful exec is recorded by sched_process_exec, with the new image's details. */
  if (is_exit && (d->flags & VIGIL_SC_EXEC) && id_or_ret == 0) return 0;
  struct vigil_counters *cnt = counters();
  if (!cnt) return 0;
  struct vigil_fill_state st = {};
  load_args(&st, regs);
  st.ret = is_exit ? id_or_ret : 0;
  st.task = (__u64)task;
  st.tid = pid_tgid & 0xffffffff;
  st.nr = nr;
  st.ppm_sc = d->ppm_sc;
  if (is_exit && (d->flags & VIGIL_SC_MMSG) && id_or_ret > 0) {
    /* One event per message transferred, like the reference drivers. */
    for (__u32 k = 0; k < VIGIL_MAX_MMSG; k++) {
      if (k >= (__u64)id_or_ret) break;
      st.msg_index = k;
      vigil_emit_msg(&st, rec, cnt);
    }
    return 0;
  }
  cnt->hits++;
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
  st.tid = bpf_get_current_pid_tgid() & 0xffffffff;
  st.nr = nr;
  st.ppm_sc = d->ppm_sc;
  emit(&st, &d->exit, cnt);
  return 0;
}

#define VIGIL_PF_EXITING 0x00000004
#define VIGIL_MAX_THREAD_SCAN 16
#define VIGIL_MAX_ANCESTORS 8

/* A live thread of `leader`'s group other than the dying ones; 0 if none, -1 if too many to scan. */
static __always_inline __s64 vigil_live_thread(struct task_struct *t0) {
  struct signal_struct *sig = BPF_CORE_READ(t0, signal);
  struct list_head *head = &sig->thread_head;
  struct list_head *pos = BPF_CORE_READ(head, next);
  for (int k = 0; k < VIGIL_MAX_THREAD_SCAN; k++) {
    if (pos == head) return 0;
    struct task_struct *t = container_of(pos, struct task_struct, thread_node);
    if (!(BPF_CORE_READ(t, flags) & VIGIL_PF_EXITING)) return BPF_CORE_READ(t, pid);
    pos = BPF_CORE_READ(t, thread_node.next);
  }
  return -1;
}

/* Who adopts the children of the exiting `task` (the procexit reaper_tid): 0 when it has none, a
 * live thread of its own group, else the nearest child-subreaper ancestor in the same pid
 * namespace, else the namespace's init. -1 when the scan limits were hit. */
__noinline __s64 vigil_reaper_tid(__u64 task_ptr) {
  struct task_struct *task = (struct task_struct *)task_ptr;
  struct list_head *children = &task->children;
  if (BPF_CORE_READ(children, next) == children) return 0;
  __s64 r = vigil_live_thread(task);
  if (r != 0) return r;
  struct pid *pid = BPF_CORE_READ(task, thread_pid);
  unsigned int level = BPF_CORE_READ(pid, level);
  struct upid up = {};
  bpf_probe_read_kernel(&up, sizeof(up), &pid->numbers[level & 31]);
  struct task_struct *ns_reaper = BPF_CORE_READ(up.ns, child_reaper);
  if (ns_reaper == task) return 0;  /* the namespace dies with its init */
  struct signal_struct *sig = BPF_CORE_READ(task, signal);
  if (!BPF_CORE_READ_BITFIELD_PROBED(sig, has_child_subreaper)) return BPF_CORE_READ(ns_reaper, pid);
  struct task_struct *p = BPF_CORE_READ(task, real_parent);
  for (int k = 0; k < VIGIL_MAX_ANCESTORS; k++) {
    if (!p || p == ns_reaper || BPF_CORE_READ(p, thread_pid, level) != level) return BPF_CORE_READ(ns_reaper, pid);
    struct signal_struct *ps = BPF_CORE_READ(p, signal);
    if (BPF_CORE_READ_BITFIELD_PROBED(ps, is_child_subreaper)) {
      __s64 t = vigil_live_thread(p);
      if (t != 0) return t;
    }
    p = BPF_CORE_READ(p, real_parent);
  }
  return -1;
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
  /* The exiting task is current; its address passes to the global function as a scalar. */
  put_u64(s, &st, 4, vigil_reaper_tid(bpf_get_current_task()));
  output(s, st.off, PROCEXIT_E, 5, BPF_CORE_READ(p, pid), cpu, cnt);
  return 0;
}
