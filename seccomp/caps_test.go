package seccomp

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseCaps(t *testing.T) {
	got, err := ParseCaps(" sys_admin,CAP_NET_RAW,,cap_chown ")
	want := map[string]bool{"CAP_SYS_ADMIN": true, "CAP_NET_RAW": true, "CAP_CHOWN": true}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseCaps = %v, %v; want %v", got, err, want)
	}
	if got, err := ParseCaps(""); err != nil || len(got) != 0 {
		t.Errorf(`ParseCaps("") = %v, %v; want the empty set`, got, err)
	}
	for _, bad := range []string{"CAP_FOO", "CAP_SYS_ADMIN,sys_admn", "CAP_"} {
		if _, err := ParseCaps(bad); !errors.Is(err, ErrUnknownCapability) {
			t.Errorf("ParseCaps(%q) error %v, want ErrUnknownCapability", bad, err)
		}
	}
}
