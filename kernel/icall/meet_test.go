package icall

import "testing"

// TestMeetNullOrMember checks the join of x ? x->m : NULL with x read from
// an untyped object, as sysfs_kf_seq_show has it (Debian 6.1.0-56: mov
// 0x28(%r8),%rbp; test %rbp,%rbp; je 1f; mov 0x8(%rbp),%rbp; 1: — the
// NULL path keeps kobj->ktype, the other kobj->ktype->sysfs_ops): the
// join is the deeper load, and a load through some other object is not
// taken for it.
func TestMeetNullOrMember(t *testing.T) {
	kobj := val{k: vULoad, off: 0x60, a: chainA(val{k: vULoad, off: 8}), slot: 7}
	ktype := val{k: vULoad, off: 0x28, a: chainA(kobj), slot: 7}
	ops := val{k: vULoad, off: 8, a: chainA(ktype), slot: 7}
	if m := meet(ktype, ops, nil); m != ops {
		t.Errorf("meet(ktype, ops) = %+v, want ops %+v", m, ops)
	}
	if m := meet(ops, ktype, nil); m != ops {
		t.Errorf("meet(ops, ktype) = %+v, want ops %+v", m, ops)
	}
	other := val{k: vULoad, off: 8, a: chainA(val{k: vULoad, off: 0x30, slot: 7}), slot: 7}
	if m := meet(ktype, other, nil); m.k != vUnk {
		t.Errorf("meet(ktype, a load through another object) = %+v, want unknown", m)
	}
	if m := meet(ktype, val{k: vULoad, off: 8, a: ops.a, slot: 9}, nil); m.k != vUnk {
		t.Errorf("meet across two untyped objects = %+v, want unknown", m)
	}
	// the chain keeps three offsets: show is read at 0 through ops
	show := val{k: vULoad, off: 0, a: chainA(ops), slot: 7}
	for k, want := range []uint32{8, 0x28, 0x60} {
		if o, ok := chainOff(show, k+1); !ok || o != want {
			t.Errorf("chainOff(show, %d) = %#x, %v; want %#x", k+1, o, ok, want)
		}
	}
}

// TestMeetNullOrResult checks the join of an untyped call result with NULL
// (relay_open_buf, Debian 6.1.0-56: buf = kmalloc_trace(…) in r15; its
// error paths xor %r15d,%r15d and join the success path before mov
// %r15,%rax; ret): the result, which the return then types; two
// different results stay unknown.
func TestMeetNullOrResult(t *testing.T) {
	res := val{k: vRet, a: 0xffffffff8119a1a9}
	null := val{k: vZero}
	if m := meet(res, null, nil); m != res {
		t.Errorf("meet(result, NULL) = %+v, want the result", m)
	}
	if m := meet(null, res, nil); m != res {
		t.Errorf("meet(NULL, result) = %+v, want the result", m)
	}
	if m := meet(res, val{k: vRet, a: 0xffffffff8119a1da}, nil); m.k != vUnk {
		t.Errorf("meet of two call results = %+v, want unknown", m)
	}
}
