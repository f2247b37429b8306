package icall

import (
	"reflect"
	"testing"
)

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

// TestValEq checks that val.eq tells apart two values that differ in any
// one field, as == does; a field added to val fails it until eq and the
// list below have it.
func TestValEq(t *testing.T) {
	a := val{k: vFnPtr, idx: true, param: 2, outer: 3, t: 4, slot: 5, off: 6, a: 7, vm: 8}
	if b := a; !a.eq(&b) {
		t.Fatalf("eq(%+v, itself) = false", a)
	}
	change := []func(v *val){
		func(v *val) { v.k++ },
		func(v *val) { v.idx = !v.idx },
		func(v *val) { v.param++ },
		func(v *val) { v.outer++ },
		func(v *val) { v.t++ },
		func(v *val) { v.slot++ },
		func(v *val) { v.off++ },
		func(v *val) { v.a++ },
		func(v *val) { v.vm++ },
	}
	if n := reflect.TypeFor[val]().NumField(); n != len(change) {
		t.Fatalf("val has %d fields, the test changes %d", n, len(change))
	}
	for i, f := range change {
		b := a
		f(&b)
		if a == b || a.eq(&b) {
			t.Errorf("change %d: eq(%+v, %+v) = true", i, a, b)
		}
	}
}
