package attrib

import (
	"reflect"
	"testing"
)

// MemberSyscalls against the kernel's callers of each member (Linux 6.1):
// vfs_write calls file_operations.write; proc_reg_write proc_ops.proc_write;
// dev_attr_show (and every sysfs_ops) an attribute's .show; SIOCETHTOOL's
// dev_ethtool and ethtool's netlink both call ethtool_ops; io_issue_sqe
// the io_op_defs table's .issue. file_operations.poll is called by poll,
// select and epoll alike and inode_operations.lookup by every path call:
// not mapped. The twelfth session's: qdisc_change (tc_modify_qdisc,
// RTM_NEWQDISC) calls Qdisc_ops.change; tc_new_tfilter
// tcf_proto_ops.change; cgroup_file_write cftype.write_u64;
// search_binary_handler linux_binfmt.load_binary; sctp_accept
// sctp_pf.create_accept_sk; dm-ioctl's target_message target_type.message;
// sysfs_kf_bin_read bin_attribute.read; event_trigger_write (through
// trigger_process_regex) event_command.parse; css_create, for cgroup_mkdir
// and a write of cgroup.subtree_control, cgroup_subsys.css_online.
// A qdisc's enqueue runs for every packet sent or forwarded: not mapped.
func TestMemberSyscalls(t *testing.T) {
	for member, want := range map[string][]string{
		"file_operations.write":          {"write"},
		"file_operations.unlocked_ioctl": {"ioctl"},
		"proc_ops.proc_write":            {"write"},
		"device_attribute.show":          {"read"},
		"md_sysfs_entry.store":           {"write"},
		"proto_ops.setsockopt":           {"setsockopt"},
		"net_proto_family.create":        {"socket"},
		"ethtool_ops.get_ringparam":      {"ioctl", "sendmsg"},
		"table io_op_defs":               {"io_uring_enter"},
		"genl_ops.doit":                  {"sendmsg"},
		"Qdisc_ops.change":               {"sendmsg"},
		"tcf_proto_ops.change":           {"sendmsg"},
		"cftype.write_u64":               {"write"},
		"linux_binfmt.load_binary":       {"execve"},
		"sctp_pf.create_accept_sk":       {"accept"},
		"target_type.message":            {"ioctl"},
		"bin_attribute.read":             {"read"},
		"event_command.parse":            {"write"},
		"cgroup_subsys.css_online":       {"mkdir", "write"},
		"Qdisc_ops.enqueue":              nil,
		"file_operations.poll":           nil,
		"inode_operations.lookup":        nil,
		"vm_operations_struct.fault":     nil,
		"table show":                     nil,
		"show":                           nil,
	} {
		if got := MemberSyscalls(member); !reflect.DeepEqual(got, want) {
			t.Errorf("MemberSyscalls(%q) = %v, want %v", member, got, want)
		}
	}
}
