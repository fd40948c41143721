package main

import (
	"context"
	"strconv"
	"testing"

	"linli/open311"
)

// open311Fixture makes the walk's Open311 integrator accounts, one for
// 学苑社区 and one for 吉祥社区, each made by its community's staff. Kind:
// integrator.
func open311Fixture(t *testing.T, s *testServer) (xy, jx map[string]string) {
	t.Helper()
	ctx := context.Background()
	mk := func(staff string, names ...string) map[string]string {
		a, err := s.Auth.ActorByUsername(ctx, staff)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.Registry.FindNode(ctx, names)
		if err != nil {
			t.Fatal(err)
		}
		in, err := s.Open311.CreateIntegrator(ctx, a, open311.IntegratorInput{Name: "walk " + staff, NodeIDs: []int64{n.ID}})
		if err != nil {
			t.Fatal(err)
		}
		return map[string]string{"integrator": strconv.FormatInt(in.ID, 10)}
	}
	return mk("xueyuan", "运城市", "盐湖区", "东城街道", "学苑社区"), mk("jixiang", "运城市", "盐湖区", "东城街道", "吉祥社区")
}
