/* Maps and global data of the vigil driver. Userspace sizes the ring buffers and the scratch
 * array (one slot per CPU) before loading, and fills vigil_syscalls and the interest set. */
#pragma once

#include "vigil_shared.h"

/* .bss: mmapped by userspace, so the interest set and configuration change without reloading. */
struct vigil_config vigil_cfg;
__u8 vigil_interest[VIGIL_MAX_SYSCALLS];

/* Inner map template: userspace replaces it with ring buffers of the configured size. */
struct vigil_ringbuf_template {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 16);
};

/* One ring buffer per CPU (or per group of CPUs: cpu % nr_ringbufs). */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 1);
  __type(key, __u32);
  __array(values, struct vigil_ringbuf_template);
} vigil_ringbufs SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, VIGIL_MAX_SYSCALLS);
  __type(key, __u32);
  __type(value, struct vigil_syscall_desc);
} vigil_syscalls SEC(".maps");

/* Where a record is assembled before it is copied into the ring buffer. Twice the largest record
 * so that a bounded write starting anywhere below VIGIL_MAX_EVENT stays inside the slot. A plain
 * array indexed by CPU: per-CPU arrays cannot hold values this large. */
struct vigil_scratch {
  __u8 data[VIGIL_SCRATCH_SIZE];
};

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_scratch);
} vigil_scratch_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct vigil_counters);
} vigil_counters_map SEC(".maps");
