package linli

import "testing"

func TestCommonPathAndNodeID(t *testing.T) {
	for _, tc := range []struct {
		a, b, want string
		id         int64
	}{
		{"/1/4/9/", "/1/4/12/", "/1/4/", 4},
		{"/1/4/9/", "/1/4/9/", "/1/4/9/", 9},
		{"/1/4/9/", "/1/4/", "/1/4/", 4},
		{"/1/4/", "/2/5/", "/", 0},
		{"/1/14/", "/1/4/", "/1/", 1},
	} {
		got := CommonPath(tc.a, tc.b)
		if got != tc.want || PathNodeID(got) != tc.id {
			t.Errorf("CommonPath(%q, %q) = %q (node %d), want %q (node %d)", tc.a, tc.b, got, PathNodeID(got), tc.want, tc.id)
		}
	}
}
