/* Which overlayfs layer a file lives in, for the layer bits of the open family's flags, creat's
 * creat_flags and execve's exe flags. A file opened on an overlay mount is "upper" once it has an
 * upper (writable) dentry - created there or copied up, e.g. by an open for writing - and "lower"
 * while it exists only in a lower (image) layer. */
#pragma once

#define VIGIL_OVERLAYFS_MAGIC 0x794c7630

enum vigil_layer {
  VIGIL_LAYER_NONE = 0,  /* not on overlayfs */
  VIGIL_LAYER_UPPER = 1,
  VIGIL_LAYER_LOWER = 2,
};

/* The two fields of overlayfs's inode that matter here: its VFS inode and the upper dentry (NULL
 * while the file has none). Relocated against the kernel's (or the overlay module's) own struct
 * ovl_inode, so the rest of its layout may change freely. */
struct ovl_inode___vigil {
  struct inode vfs_inode;
  struct dentry *__upperdentry;
} __attribute__((preserve_access_index));

static __always_inline __u32 vigil_overlay_layer(struct file *f) {
  if (!f) return VIGIL_LAYER_NONE;
  struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
  if (!d || BPF_CORE_READ(d, d_sb, s_magic) != VIGIL_OVERLAYFS_MAGIC) return VIGIL_LAYER_NONE;
  char *ino = (char *)BPF_CORE_READ(d, d_inode);
  if (!ino) return VIGIL_LAYER_NONE;
  /* Without type information for overlayfs (an old kernel, a module without BTF) the upper
   * dentry is taken to follow the VFS inode, as it has in every layout since overlayfs has had
   * struct ovl_inode. */
  long delta = bpf_core_type_size(struct inode);
  if (bpf_core_type_exists(struct ovl_inode___vigil) && bpf_core_field_exists(struct ovl_inode___vigil, __upperdentry))
    delta = (long)bpf_core_field_offset(struct ovl_inode___vigil, __upperdentry) -
            (long)bpf_core_field_offset(struct ovl_inode___vigil, vfs_inode);
  struct dentry *upper = NULL;
  bpf_probe_read_kernel(&upper, sizeof(upper), ino + delta);
  if (!upper || !BPF_CORE_READ(upper, d_inode)) return VIGIL_LAYER_LOWER;
  return VIGIL_LAYER_UPPER;
}
