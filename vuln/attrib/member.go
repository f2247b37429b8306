package attrib

import "strings"

// memberSyscalls map a function-pointer member ("struct.member", as the
// kernel's indirect-call resolution names the slot a function is stored
// in and called through; kernel/analysis's Graph.CalledAs) to the
// syscalls whose handling calls it. A struct's "*" entry covers its other
// members. Members that several syscalls call alike (file_operations.poll:
// poll, select, epoll; inode_operations.lookup, permission, getattr,
// setattr: every path call) and those called with no syscall (a page
// fault's vm_operations_struct.fault, a driver's probe) are not listed.
var memberSyscalls = map[string][]string{
	// files: fs/read_write.c, fs/ioctl.c, mm/mmap.c, fs/open.c, …
	"file_operations.read": {"read"}, "file_operations.read_iter": {"read"},
	"file_operations.write": {"write"}, "file_operations.write_iter": {"write"},
	"file_operations.unlocked_ioctl": {"ioctl"}, "file_operations.compat_ioctl": {"ioctl"},
	"file_operations.mmap": {"mmap"}, "file_operations.get_unmapped_area": {"mmap"},
	"file_operations.llseek": {"lseek"}, "file_operations.fsync": {"fsync"},
	"file_operations.fallocate": {"fallocate"}, "file_operations.splice_read": {"splice"},
	"file_operations.splice_write": {"splice"}, "file_operations.iterate": {"getdents64"},
	"file_operations.iterate_shared": {"getdents64"}, "file_operations.open": {"openat"},
	"file_operations.release": {"close"}, "file_operations.flush": {"close"},
	"file_operations.fasync": {"fcntl"}, "file_operations.lock": {"fcntl"},
	"file_operations.setlease": {"fcntl"}, "file_operations.flock": {"flock"},
	"file_operations.copy_file_range": {"copy_file_range"}, "file_operations.uring_cmd": {"io_uring_enter"},
	"file_operations.show_fdinfo": {"read"},
	// /proc files: fs/proc/inode.c
	"proc_ops.proc_read": {"read"}, "proc_ops.proc_read_iter": {"read"}, "proc_ops.proc_write": {"write"},
	"proc_ops.proc_ioctl": {"ioctl"}, "proc_ops.proc_compat_ioctl": {"ioctl"}, "proc_ops.proc_mmap": {"mmap"},
	"proc_ops.proc_lseek": {"lseek"}, "proc_ops.proc_open": {"openat"}, "proc_ops.proc_release": {"close"},
	// seq_file and kernfs (sysfs, cgroupfs): fs/seq_file.c, fs/kernfs/file.c
	"seq_operations.show": {"read"}, "seq_operations.start": {"read"},
	"seq_operations.next": {"read"}, "seq_operations.stop": {"read"},
	"kernfs_ops.read": {"read"}, "kernfs_ops.seq_show": {"read"}, "kernfs_ops.seq_start": {"read"},
	"kernfs_ops.seq_next": {"read"}, "kernfs_ops.seq_stop": {"read"}, "kernfs_ops.write": {"write"},
	"kernfs_ops.mmap": {"mmap"}, "kernfs_ops.open": {"openat"},
	// sysctl: fs/proc/proc_sysctl.c calls the handler on read and write
	"ctl_table.proc_handler": {"write"},
	// sockets: net/socket.c
	"proto_ops.bind": {"bind"}, "proto_ops.connect": {"connect"}, "proto_ops.listen": {"listen"},
	"proto_ops.accept": {"accept"}, "proto_ops.getname": {"getsockname"},
	"proto_ops.setsockopt": {"setsockopt"}, "proto_ops.getsockopt": {"getsockopt"},
	"proto_ops.sendmsg": {"sendmsg"}, "proto_ops.recvmsg": {"recvmsg"},
	"proto_ops.ioctl": {"ioctl"}, "proto_ops.compat_ioctl": {"ioctl"}, "proto_ops.mmap": {"mmap"},
	"proto_ops.release": {"close"}, "proto_ops.shutdown": {"shutdown"},
	"proto_ops.socketpair": {"socketpair"}, "proto_ops.splice_read": {"splice"},
	"proto.sendmsg": {"sendmsg"}, "proto.recvmsg": {"recvmsg"}, "proto.setsockopt": {"setsockopt"},
	"proto.getsockopt": {"getsockopt"}, "proto.connect": {"connect"}, "proto.bind": {"bind"},
	"proto.ioctl": {"ioctl"}, "proto.compat_ioctl": {"ioctl"}, "proto.shutdown": {"shutdown"},
	"proto.accept": {"accept"}, "proto.close": {"close"}, "proto.init": {"socket"},
	"net_proto_family.create": {"socket"},
	// netlink requests: net/netlink/genetlink.c, nfnetlink.c
	"genl_ops.doit": {"sendmsg"}, "genl_small_ops.doit": {"sendmsg"}, "nfnl_callback.call": {"sendmsg"},
	"table xfrm_dispatch": {"sendmsg"}, "table pfkey_funcs": {"sendmsg"},
	// path calls: fs/namei.c
	"inode_operations.mkdir": {"mkdir"}, "inode_operations.rmdir": {"rmdir"},
	"inode_operations.unlink": {"unlink"}, "inode_operations.symlink": {"symlink"},
	"inode_operations.link": {"link"}, "inode_operations.rename": {"rename"},
	"inode_operations.mknod": {"mknod"}, "inode_operations.listxattr": {"listxattr"},
	"inode_operations.atomic_open": {"openat"}, "inode_operations.tmpfile": {"openat"},
	"inode_operations.create": {"openat"}, "inode_operations.readlink": {"readlink"},
	"inode_operations.fiemap": {"ioctl"}, "inode_operations.fileattr_set": {"ioctl"},
	"inode_operations.fileattr_get": {"ioctl"},
	// mounts: fs/super.c, fs/fs_context.c, fs/namespace.c, fs/statfs.c
	"file_system_type.mount": {"mount"}, "file_system_type.init_fs_context": {"mount"},
	"fs_context_operations.get_tree": {"mount"}, "fs_context_operations.parse_param": {"mount"},
	"fs_context_operations.parse_monolithic": {"mount"}, "fs_context_operations.reconfigure": {"mount"},
	"super_operations.remount_fs": {"mount"}, "super_operations.statfs": {"statfs"},
	"super_operations.put_super": {"umount2"}, "file_system_type.kill_sb": {"umount2"},
	"super_operations.umount_begin": {"umount2"}, "super_operations.freeze_fs": {"ioctl"},
	"super_operations.unfreeze_fs": {"ioctl"}, "super_operations.show_options": {"read"},
	"super_operations.show_devname": {"read"}, "super_operations.show_path": {"read"},
	"super_operations.show_stats": {"read"},
	// terminals and block devices: drivers/tty/tty_io.c, block/ioctl.c, block/bdev.c
	"tty_operations.ioctl": {"ioctl"}, "tty_operations.compat_ioctl": {"ioctl"},
	"tty_operations.tiocmget": {"ioctl"}, "tty_operations.tiocmset": {"ioctl"},
	"tty_operations.break_ctl": {"ioctl"}, "tty_operations.set_serial": {"ioctl"},
	"tty_operations.get_serial": {"ioctl"}, "tty_operations.write": {"write"},
	"tty_operations.open": {"openat"}, "tty_operations.install": {"openat"}, "tty_operations.close": {"close"},
	"block_device_operations.ioctl": {"ioctl"}, "block_device_operations.compat_ioctl": {"ioctl"},
	"block_device_operations.getgeo": {"ioctl"}, "block_device_operations.open": {"openat"},
	"block_device_operations.release": {"close"},
	// network devices: SIOC* ioctls (net/core/dev_ioctl.c) or rtnetlink
	"net_device_ops.ndo_eth_ioctl": {"ioctl"}, "net_device_ops.ndo_siocdevprivate": {"ioctl"},
	"net_device_ops.ndo_do_ioctl": {"ioctl"}, "net_device_ops.ndo_tunnel_ctl": {"ioctl"},
	"net_device_ops.ndo_open": {"ioctl", "sendmsg"}, "net_device_ops.ndo_stop": {"ioctl", "sendmsg"},
	"net_device_ops.ndo_change_mtu": {"ioctl", "sendmsg"}, "net_device_ops.ndo_set_mac_address": {"ioctl", "sendmsg"},
	"net_device_ops.ndo_fdb_add": {"sendmsg"}, "net_device_ops.ndo_fdb_del": {"sendmsg"},
	"net_device_ops.ndo_bridge_setlink": {"sendmsg"}, "net_device_ops.ndo_bridge_dellink": {"sendmsg"},
	"net_device_ops.ndo_add_slave": {"sendmsg"}, "net_device_ops.ndo_del_slave": {"sendmsg"},
	// ethtool: SIOCETHTOOL (net/ethtool/ioctl.c) or its netlink family
	"ethtool_ops.*": {"ioctl", "sendmsg"},
	// io_uring's opcodes: io_uring/opdef.c
	"table io_op_defs": {"io_uring_enter"},

	// Added in the twelfth session, read from the callers of the members
	// that bug sites of unattributed CVEs are stored as (most often
	// first), before any of the CVEs they change was judged.
	// Traffic control and links over rtnetlink (net/sched/sch_api.c,
	// cls_api.c, act_api.c; net/core/rtnetlink.c); the dump callbacks,
	// which go on in recvmsg, and the packet path (enqueue, classify,
	// act) are left out.
	"Qdisc_ops.init": {"sendmsg"}, "Qdisc_ops.change": {"sendmsg"},
	"Qdisc_class_ops.change": {"sendmsg"}, "Qdisc_class_ops.delete": {"sendmsg"},
	"Qdisc_class_ops.graft": {"sendmsg"},
	"tcf_proto_ops.init":    {"sendmsg"}, "tcf_proto_ops.change": {"sendmsg"}, "tcf_proto_ops.delete": {"sendmsg"},
	"tc_action_ops.init":    {"sendmsg"},
	"rtnl_link_ops.newlink": {"sendmsg"}, "rtnl_link_ops.changelink": {"sendmsg"},
	"rdma_nl_cbs.doit": {"sendmsg"},
	// rtnetlink's handlers, which rtnl_register stores into a struct
	// rtnl_link (kernel/icall types the store by its rtnl_doit_func since
	// analysis Version 31; before, they carried rdma_nl_cbs.doit's name)
	"rtnl_link.doit": {"sendmsg"},
	// cgroup files (kernel/cgroup/cgroup.c: cgroup_file_write,
	// cgroup_seqfile_show)
	"cftype.write": {"write"}, "cftype.write_u64": {"write"}, "cftype.write_s64": {"write"},
	"cftype.seq_show": {"read"}, "cftype.read_u64": {"read"}, "cftype.read_s64": {"read"},
	// /proc/PID/attr (fs/proc/base.c: proc_pid_attr_write, _read) and
	// /proc/PID/ files shown by proc_single_show
	"security_list_options.setprocattr": {"write"}, "security_list_options.getprocattr": {"read"},
	"proc_op.proc_show": {"read"},
	// exec (fs/exec.c: search_binary_handler)
	"linux_binfmt.load_binary": {"execve"},
	// SCTP's accept (net/sctp/socket.c: sctp_accept)
	"sctp_pf.create_accept_sk": {"accept"},
	// device-mapper targets: a table load and a target message are
	// DM_TABLE_LOAD and DM_TARGET_MSG ioctls (drivers/md/dm-ioctl.c)
	"target_type.ctr": {"ioctl"}, "target_type.message": {"ioctl"},
	// sysfs binary attributes (fs/sysfs/file.c: sysfs_kf_bin_read, _write,
	// _mmap) and module parameters (kernel/params.c: param_attr_show)
	"bin_attribute.read": {"read"}, "bin_attribute.write": {"write"}, "bin_attribute.mmap": {"mmap"},
	"kernel_param_ops.get": {"read"},
	// tracefs event triggers (kernel/trace/trace_events_trigger.c:
	// event_trigger_write → the command's parse, which registers it)
	"event_command.parse": {"write"}, "event_command.reg": {"write"},
	// the page cache's buffered write (mm/filemap.c: generic_perform_write)
	"address_space_operations.write_begin": {"write"}, "address_space_operations.write_end": {"write"},
	// a cgroup controller's state is made by mkdir of a cgroup, or by a
	// write of cgroup.subtree_control (kernel/cgroup/cgroup.c: css_create)
	"cgroup_subsys.css_alloc": {"mkdir", "write"}, "cgroup_subsys.css_online": {"mkdir", "write"},
}

// MemberSyscalls returns the syscalls that call a function stored in
// member ("file_operations.write", "table io_op_defs"): those of
// memberSyscalls, and for any struct a sysfs-style attribute's .show
// (read of the file) and .store (write). None for a member no syscall
// calls as such.
func MemberSyscalls(member string) []string {
	if s, ok := memberSyscalls[member]; ok {
		return s
	}
	st, m, ok := strings.Cut(member, ".")
	if !ok || strings.HasPrefix(member, "table ") {
		return nil
	}
	if s, ok := memberSyscalls[st+".*"]; ok {
		return s
	}
	switch m {
	case "show":
		return []string{"read"}
	case "store":
		return []string{"write"}
	}
	return nil
}
