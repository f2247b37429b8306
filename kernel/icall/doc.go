// Package icall resolves the kernel's indirect calls: which functions a
// call through a function pointer may reach. kernel/x86 builds the call
// graph from direct calls and counts the indirect ones (about 10,500 in
// Debian's 6.1 vmlinux, 20,000 with its modules); nearly every path from a
// syscall into a driver, a file system, a protocol or a netlink family
// goes through one (f_op->read_iter, sock->ops->sendmsg,
// sk->sk_prot->setsockopt, nfnetlink's nc->call).
//
// # Method
//
// It is a type-based analysis in the manner of Lu and Hu's multi-layer
// type analysis (CCS 2019), done on machine code with the kernel's own
// BTF for the types:
//
//   - Data: every initialised pointer in the kernel's and the modules'
//     data is a slot. A data object (a symbol) holding function pointers
//     gets a struct type by layout: the struct types whose
//     function-pointer members sit at the offsets of its pointers with
//     the stored functions' prototypes, the object being one such struct
//     or an array of them, with no more than alignment left over. Each
//     stored function then belongs to its member's slot (struct name and
//     offset), and to the outer struct's slot when the member lies in an
//     embedded named struct.
//   - Code: a forward data-flow pass over each function's basic blocks
//     follows the struct type of every register and spilled stack slot:
//     parameters from the function's BTF prototype, return values from
//     the callee's, the per-CPU current task, per-CPU variables addressed
//     through a CPU's base (cpu_rq(cpu), this_cpu_ptr: the variable's
//     offset plus __per_cpu_offset[cpu] or this_cpu_off), loads through
//     typed pointers (btf.FieldAt), a pointer stepping through an array of
//     its struct or through a global array (class++ over the scheduler
//     classes, h++ over softirq_vec), globals whose initialised pointers
//     or stores fix their type, and casts to structs that begin with the
//     known one. Where two paths meet (or a cmov picks), NULL on one and
//     a typed pointer on the other stays the typed pointer, and so does
//     the address of a data object whose layout gave it that struct type
//     (clockid_to_kclock: an element of posix_clocks, or
//     &clock_posix_cpu); a method read from memory on one and a
//     function's address on the other stays the method (alloc_fs_context:
//     fc->fs_type->init_fs_context ?: legacy_init_fs_context), the
//     function joining the method's slot as an escaped address of its
//     prototype. A call through a value loaded from a function-pointer
//     member is a call through that member's slot; stores of function
//     addresses into typed members add them to the slot.
//   - Matching, in order: a constant function address; a member slot
//     (the outer struct's first, when anything is stored there); an
//     initialised table of functions; a function-pointer parameter,
//     resolved to what the direct callers pass; a downcast's candidate
//     members narrowed by the arguments' types; a load at an offset of an
//     unknown struct, resolved only when two or more argument types
//     single out the members there, or every struct the prototype takes,
//     or a first argument of a struct at most 32 member prototypes take
//     (nft_chain_validate's expr->ops->validate(ctx, …): struct nft_ctx);
//     otherwise unresolved. Functions whose address escapes (passed on,
//     stored untyped) join every slot whose prototype they have, when that
//     prototype names a struct pointer (as a parameter or as its result).
//
// task_work callbacks (callback_head.func) queued by a function that calls
// task_work_add run on its return to user space and count as its callees.
// Static calls go to every function static_call_update installs in their
// key; LSM hooks (security_list_options) to the hooks the built-in modules
// register. The flow also follows container_of of embedded structs (list
// walks over wait-queue entries, list heads typed by what is linked into
// them), a struct built on the stack and passed to a callee (typed by the
// callee's parameter), a struct on the stack that a callee fills (its
// pointer members typed after the call: nft_expr_init's struct
// nft_expr_info from nf_tables_expr_parse; after an indirect call, by the
// pointer's prototype: vfs_readlink's struct delayed_call from
// ->get_link), an allocation typed by the struct-pointer parameter it is
// passed to (create_cache's kmem_cache_zalloc'd s, passed to
// __kmem_cache_create; the function is solved again with it typed) or
// by the struct-pointer member it is stored into (ip_ra_control's new_ra,
// stored into *rap: its destructor no longer escapes),
// callbacks passed on the stack (a 7th or 8th argument, pushed from a
// register or as an immediate, or stored above the return address:
// kmem_cache_create's ctor, setup_vq's vp_notify), a load before a
// typed struct (a member of the structs
// that hold it there: PROC_I(inode)->op.proc_get_link, container_of
// folded into the load; before a pointer of unknown type, the members
// that far before any embedded struct, singled out by the arguments:
// proc_single_show's PROC_I(inode)->op.proc_show, inode being
// m->private), and stores from one slot to another; a pointer
// whose address the pass loses track of counts as escaped, and so do a
// member's functions when code copies one of them into memory of no known
// type
// (nf_hook_entries_grow fills kvmalloc'd entries from nf_hook_ops.hook,
// which is how nf_hook_slow reaches every registered netfilter hook), and
// what callers pass for a callback parameter the callee stores there
// (single_open's show). A callback parameter declared with a typedef and
// stored into memory of no known type goes into the one struct member
// declared with that typedef at that offset, when one struct has one
// (rtnl_register_internal's link->doit, an rtnl_doit_func: struct
// rtnl_link's doit; devres_alloc's release, a dr_release_t: struct
// devres_node's release), where before it escaped into every member of
// its prototype (rdma_nl_cbs.doit); and a value read at offset o of
// memory of no known type and copied into a typed member (a struct on the
// stack passed to a callee) comes from the one typedef'd member at o with
// the destination's prototype (rtnetlink_rcv_msg's c.dump =
// link->dumpit, so that netlink_dump reaches the rtnetlink dumpers). A call x->op->f(x, …) whose x
// is a void pointer member (seq_read_iter's m = file->private_data)
// resolves among the members at f's offset of the structs that a struct
// points to from op's offset, keeping the methods whose first parameter
// is that struct: seq_operations.show, and a few look-alikes
// (device_type.uevent through device.type). A clone gcc made of a
// function (.part, .isra, .constprop) has no BTF prototype: its
// parameters take the struct types that every call passing a known one
// agrees on, and it is solved again with them (tty_init_dev.part.0's
// driver, so ptmx's open reaches pty_unix98_install). A call through a
// void pointer member (m_show: p = m->private; p->show(m, …)) resolves to
// what code stored at that offset of an object it reached through a
// pointer read at the same offset (mounts_open_common: p = m->private;
// p->show = show, from its callers), with the offset rule's members of the
// same prototypes; and a member nothing is seen stored into (kobj_lookup's
// p->lock: kobj_map stores it into a kmalloc'd struct probe that only a
// pointer to a pointer types) reaches the escaped functions of its
// prototype when they are at most 16.
// A call x->a->b->f(x, …) with x read from an untyped object
// (sysfs_kf_seq_show's kobj->ktype->sysfs_ops->show(kobj, …)) resolves
// among the members at f's offset of the structs pointed to from b's
// offset of the structs pointed to from a's offset of a struct X, keeping
// those whose first parameter is X; the join of x and x->m (x ? x->m :
// NULL) is x->m. A downcast's candidates are narrowed by arguments
// known by the struct they were cast from: a parameter of a struct that
// begins with the argument's agrees (dev_attr_show's dev, a struct
// kobject to the pass, for struct device), and so does a parameter of a
// struct that embeds an argument known as container_of at that offset
// (queue_attr_show's q). A clone's parameter that some direct caller
// passes a function in is a callback parameter (__ip6_append_data.isra.0's
// getfrag). A void pointer member points, for these two- and three-level
// matches, to the structs code stores in it (typeVoids): a struct pointer
// stored directly, or a void pointer parameter stored there
// (__kernfs_create_file's priv, the 8th, on the stack, into kn->priv) and
// what the direct callers pass in it, following callers that pass their own
// void pointer parameter on (cgroup_add_file passes a struct cftype *,
// sysfs's a struct attribute or bin_attribute, kernfs_create_dir_ns's
// callers a struct cgroup or kobject); of->kn->priv->seq_show(…) then
// reaches cftype.seq_show. A member that holds more than 8 structs stays
// untyped. The functions with a void pointer parameter that store to
// memory are solved once more for this, then their direct callers, round by
// round (about 0.15 s on the package). A member or parameter that points
// to function pointers (asn1_decoder.actions, a const asn1_action_t *)
// holds an array of them: a call through an element reaches the
// address-taken functions of the element's prototype when they are at most
// 256 (the ASN.1 actions). A container_of folded into a load through a
// chain of two loads from an untyped object, x->a->b − off
// (crypto_akcipher_alg(req->base.tfm) in crypto_akcipher_verify), resolves
// among the members off bytes before the structs x->a->b can point to,
// keeping those whose first parameter is a struct that starts such a
// chain (akcipher_alg.verify(struct akcipher_request *)); it gives up
// beyond 64 functions, where look-alikes of other kinds join. A call
// x->a->f(x, …) with x read from an untyped object (tty_ioctl's
// tty->ops->ioctl(tty, …)) keeps the members whose first parameter is the
// struct holding the pointer at a's offset. A function pointer met with a
// constant function (conv ?: do_proc_dointvec_conv) reaches that default
// as well ("const default"). A 64-bit cmpxchg into memory is a store
// (inet_add_protocol's cmpxchg into inet_protos[] types its elements).
// Where the offset rule finds more members than Options.MaxUntypedSlots,
// it keeps those that agree with the most typed arguments when that is
// two or more; and a call through x->a->f with x untyped that no struct
// pointing to one with f at that offset explains takes the members two or
// more typed arguments agree with (rtnetlink_rcv_msg's link->doit).
//
// List walks are typed by what code links into the list (list.go): in one
// function a struct's list_head stored twice or more into list_head fields
// is list_add's new entry, a typed list_head field it goes into holds such
// entries, and a load of next or prev from either reads a pointer to the
// entry's member (fib_rules_register's list_add_tail_rcu(&ops->list,
// &net->rules_ops): fib_nl_delrule's ops->delete). The list pass looks at
// the functions that store one register twice (about 15,500). An
// allocation returned as the function's struct pointer is one
// (fib_rules_register's kmemdup), a jmp to the return thunk is a return,
// rbp-based locals of a realigned frame are stack slots, a struct on the
// stack larger than the parameter it is passed as takes the members of
// the structs that begin with it (fib6_clean_tree's struct fib6_cleaner
// passed as its walker: c.func), an immediate store of a typed object's
// address types a global (raw_pci_ops = &pci_direct_conf1), and a typed
// list entry met with a container_of of a bare list_head stays the entry.
// The data flow recomputes a block's in-state at each visit from its
// predecessors' out-states (not a meet accumulated over every visit), and
// x ? x->priv : x with priv a void pointer member of x's struct is what
// priv holds (kernfs_dentry_node).
//
// Analysis Version 32 adds six rules, each from a miss of the held-out
// footprints check5 to check8. (1) A function address picked by a cmov or
// met at a join with another is one of a set (vFuncs, at most 8): a store
// of it into a member records each (set_io_from_upio's p->serial_in =
// io_serial_in, mem_serial_in, …); passed for a callback parameter, each
// goes to the callee's parameter. (2) The multi-layer rule takes, beside
// the outer struct's own slot, what code stores through a pointer to the
// embedded struct alone when that struct may be reached that way: it is
// the outer struct's first member (a struct uart_port * is a struct
// uart_8250_port's), or a direct call was passed its address (a call
// through a pointer passing the member's own object, work->func(work),
// does not count). (3) The pass after the global types are known notes
// what calls pass to gcc clones again, and a clone whose parameter types
// that changes is solved once more (console_unlock's con, read from the
// global console_drivers, passed to console_emit_next_record.constprop.0:
// con->write); callers of clones that make indirect calls are solved in
// the first pass for this, and a clone's parameter may also be a void
// pointer member's object (simple_attr_write passes file->private_data to
// simple_attr_write_xsigned.isra). (4) An allocation stored into a void
// pointer member after code filled it is that member's object
// (simple_attr_open: attr = kzalloc(…); attr->get = get;
// file->private_data = attr), so that the stores into it are what a call
// through the member reads back (simple_attr_read's attr->get: the
// debugfs attributes' getters). (5) A paravirt call through pv_ops
// (pgd_val) clobbers rax only, as its asm declares, so a pointer kept in
// another register across it stays typed (walk_pgd_range's ops->p4d_entry:
// vmlinux's mm_walk_ops, the multi-gen LRU's walk_pud_range). (6) A
// parameter declared a pointer to an integer type (const char *buf) is no
// struct pointer: a downcast's candidates whose parameter there is one
// drop out (drv_attr_store's drv_attr->store(driver, buf, count):
// driver_attribute.store and the look-alikes of that shape, not
// device_attribute.store). A re-solved function's callback arguments and
// stores into globals count as accounted for, as in the first pass, so
// that solving it again lets no function address escape that had not.
// With these, functions that had escaped (a re-solve's callback
// arguments, a cmov's pick), each joining every member of its prototype,
// go to their member or stay callback arguments: from Version 31 to 34
// the package's address-taken functions go from 43,450 to 43,131, its
// resolved edges from 170,409 to 162,633 and its unresolved sites from
// 6,141 to 6,102 (which rule removed how many edges was not measured).
// Version 34: a void pointer parameter read at an offset below 64 and
// called through reaches what the direct callers stored at that offset of
// the stack object whose address they passed there, and what their own
// callers pass for the callback parameters they stored (sort puts its
// cmp_func into a struct wrapper on its stack and passes it as sort_r's
// priv: the 50 comparators passed to sort); with no such store the call
// is resolved as before.
//
// Known imprecision, measured on Debian 6.1.0-56's package: the offset rule
// (an unknown struct, members singled out by the arguments) and escaped
// functions joined by prototype bridge unrelated code. finish_task_switch
// is an .isra clone whose callers pass prev untyped, so
// prev->sched_class->task_dead resolves by offset to 14 members,
// dev_pm_ops.restore_noirq among them. With faults and exits in the graph
// as well, getpid statically reaches ext4's write_iter (`kernel reach
// PACKAGE getpid --to ext4_file_write_iter`: a page fault, vsyscall
// emulation, seccomp, do_exit, process accounting's write); 68% of the
// package's functions (73,548 of 107,666, analysis Version 34) are
// reached by more than half the syscalls. The rule leaves a call
// unresolved when its members hold more than Options.MaxUntypedTargets functions (800): such
// members are generic ones reached through two loads with no argument to
// type them (module.init, work_struct.func); the bound took 3,800
// functions out of that core and no traced footprint function out of
// reach, where bounds of 300 and 100 took 2,100 and 3,900 more but
// dropped the recall on the "check" footprints from 0.90 to 0.77 and
// 0.69. Turning the offset rule off (Options.MaxUntypedSlots < 0) left
// 56,457 such functions in analysis Version 2 and dropped the recall
// against the dynamic footprints from 0.92 to 0.82, so it stays on;
// kernel/analysis's hub rule keeps the per-syscall metrics to
// syscall-specific code.
//
// It owns the resolution rules only: decoding is kernel/x86's, types
// kernel/btf's, module linking kernel/module's, and what a syscall reaches
// (hubs, barriers) kernel/analysis's. TestFixtureEdges checks each rule on
// a small module compiled at test time, with targets derived by hand from
// its source.
package icall
