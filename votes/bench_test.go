package votes_test

// Benchmarks of the live tally, the vote layer of the building view and
// the recording of a ballot (docs/performance.md, "Negotiation and
// projects"). Each one has a baseline measured in the same run, so what is
// reported is a ratio that holds from machine to machine, not a time to
// assert. They run only with -bench:
//
//	go test -run '^$' -bench . -benchmem ./votes/
//
// PostgreSQL is added when LINLI_TEST_POSTGRES holds a DSN.

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"linli"
	"linli/auth"
	"linli/capability"
	"linli/consent"
	"linli/links"
	"linli/registry"
	"linli/registry/ledger"
	"linli/storage"
	"linli/storage/storagetest"
	"linli/votes"
)

// benchEngines runs f on SQLite, and on PostgreSQL when LINLI_TEST_POSTGRES
// is set. open gives a fresh, migrated database each time it is called.
func benchEngines(b *testing.B, f func(b *testing.B, open func(testing.TB) *storage.DB)) {
	b.Run("sqlite", func(b *testing.B) { f(b, storagetest.SQLite) })
	if os.Getenv("LINLI_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { f(b, storagetest.Postgres) })
	}
}

// benchWorld is 荟萃花园南区 1号楼 (8 units × 6 floors × 2 = 96 households)
// built through the registry, a community staff member, and two open
// renovation votes: one for 3单元 (12 households) and one for the building.
type benchWorld struct {
	db       *storage.DB
	clock    *linli.FakeClock
	reg      *registry.Service
	svc      *votes.Service
	staff    *linli.Actor
	building registry.Node
	unit     registry.Node
	unitVote votes.Vote
	bldVote  votes.Vote
	unitHs   []registry.Household
	bldHs    []registry.Household
}

func newBenchWorld(b *testing.B, db *storage.DB) *benchWorld {
	b.Helper()
	ctx, sys := context.Background(), linli.System()
	clock := linli.NewFakeClock(time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC))
	w := &benchWorld{db: db, clock: clock, reg: registry.New(db, clock)}
	w.svc = votes.New(capability.Deps{DB: db, Clock: clock, Zone: time.FixedZone("CST", 8*3600), Registry: w.reg,
		Auth: auth.New(db, clock, w.reg, auth.CheapHashParams(), auth.DefaultPolicy()), Links: &links.Registry{DB: db}}, nil, nil)
	var parent, community registry.Node
	for _, in := range []registry.NodeInput{
		{Kind: registry.KindCity, Name: "运城市", Code: "140800000000"},
		{Kind: registry.KindDistrict, Name: "盐湖区", Code: "140802000000"},
		{Kind: registry.KindStreet, Name: "东城街道", Code: "140802001000"},
		{Kind: registry.KindCommunity, Name: "学苑社区", Code: "140802001001"},
		{Kind: registry.KindGrid, Name: "第一网格"},
		{Kind: registry.KindEstate, Name: "荟萃花园南区"},
	} {
		in.ParentID = parent.ID
		n, err := w.reg.CreateNode(ctx, sys, in)
		if err != nil {
			b.Fatalf("create %s: %v", in.Name, err)
		}
		if n.Kind == registry.KindCommunity {
			community = n
		}
		parent = n
	}
	if _, err := w.reg.Import(ctx, sys, community.ID, benchLedger()); err != nil {
		b.Fatalf("import: %v %v", err, linli.ErrorFields(err))
	}
	w.staff = &linli.Actor{Username: "xueyuan", DisplayName: "学苑社区工作人员",
		Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodeID: community.ID, NodePath: community.Path, NodeName: community.Name}}}
	place := []string{"运城市", "盐湖区", "东城街道", "学苑社区", "第一网格", "荟萃花园南区", "1号楼"}
	var err error
	if w.building, err = w.reg.FindNode(ctx, place); err != nil {
		b.Fatal(err)
	}
	if w.unit, err = w.reg.FindNode(ctx, append(place, "3单元")); err != nil {
		b.Fatal(err)
	}
	w.unitHs = households(b, w.reg, w.unit.ID, 12)
	w.bldHs = households(b, w.reg, w.building.ID, 96)
	w.unitVote = w.newVote(b, w.unit, "3单元加装电梯意见征询", w.unitHs)
	w.bldVote = w.newVote(b, w.building, "1号楼外墙保温改造意见征询", w.bldHs)
	return w
}

// benchLedger is 1号楼: 8 units × 6 floors × 2 households, one owner each.
func benchLedger() []ledger.Household {
	var hs []ledger.Household
	for u := 1; u <= 8; u++ {
		for f := 1; f <= 6; f++ {
			for p := 1; p <= 2; p++ {
				i := len(hs)
				first17 := "140802" + time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*97).Format("20060102") + "001"
				hs = append(hs, ledger.Household{Row: i + 2, Estate: "荟萃花园南区", Building: "1号楼", Unit: fmt.Sprintf("%d单元", u),
					Floor: f, Room: fmt.Sprintf("%d%02d", f, p), AreaCenti: 7200 + int64(i*53%4800),
					Members: []ledger.Member{{Name: fmt.Sprintf("业主%02d", i+1), Relation: ledger.RelationOwner, IsOwner: true,
						Phone: fmt.Sprintf("139%08d", i+1), IDNumber: first17 + string(ledger.IDCheckChar(first17))}}})
			}
		}
	}
	return hs
}

func households(b *testing.B, reg *registry.Service, nodeID int64, want int) []registry.Household {
	b.Helper()
	hs, _, err := reg.ListHouseholds(context.Background(), linli.System(), registry.HouseholdFilter{NodeID: nodeID, Limit: 500})
	if err != nil || len(hs) != want {
		b.Fatalf("%d households under node %d, want %d (err %v)", len(hs), nodeID, want, err)
	}
	return hs
}

// newVote opens a 30-day renovation vote on scope and records a paper
// ballot for every household of hs: two thirds agree, one sixth disagree
// with a reason (an objection each), one sixth abstain; then one household
// in six changes its ballot to agree (history, and a resolved objection).
// The tally is valid, with one open objection in every twelve households.
func (w *benchWorld) newVote(b *testing.B, scope registry.Node, title string, hs []registry.Household) votes.Vote {
	b.Helper()
	ctx := context.Background()
	v, err := w.svc.CreateVote(ctx, w.staff, votes.VoteInput{ScopeID: scope.ID, Title: title, Matter: consent.Renovation,
		OpensAt: w.clock.Now(), ClosesAt: w.clock.Now().AddDate(0, 0, 30)})
	if err != nil {
		b.Fatalf("create vote: %v %v", err, linli.ErrorFields(err))
	}
	cast := func(h registry.Household, c consent.Choice, reason string) {
		w.clock.Advance(time.Minute)
		if _, err := w.svc.CastBallot(ctx, w.staff, v.ID, votes.BallotInput{HouseholdID: h.ID, Choice: c, Reason: reason,
			Method: votes.MethodPaper, Collector: "柴晓燕"}); err != nil {
			b.Fatalf("ballot %s: %v %v", h.Room, err, linli.ErrorFields(err))
		}
	}
	for i, h := range hs {
		switch i % 6 {
		case 4:
			cast(h, consent.Disagree, "担心低层采光和噪声")
		case 5:
			cast(h, consent.Abstain, "")
		default:
			cast(h, consent.Agree, "")
		}
	}
	for i, h := range hs {
		if i%12 == 4 || i%12 == 5 {
			cast(h, consent.Agree, "")
		}
	}
	return v
}

// BenchmarkVoteTally is the live count of a vote (Service.Tally) and the
// vote page's data (Service.Detail: tally, households with their ballot
// history, objections, cost plans, links) for a unit of 12 households and
// a building of 96, against the bare query a tally cannot do without: the
// households of the scope with their area and their latest ballot.
func BenchmarkVoteTally(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		w := newBenchWorld(b, open(b))
		ctx := context.Background()
		for _, c := range []struct {
			v  votes.Vote
			n  int
			hs []registry.Household
		}{{w.unitVote, 12, w.unitHs}, {w.bldVote, 96, w.bldHs}} {
			b.Run(fmt.Sprintf("households=%d", c.n), func(b *testing.B) {
				b.Run("baseline-query", func(b *testing.B) {
					for b.Loop() {
						if n := bareTally(b, w.db, c.v); n != c.n {
							b.Fatalf("%d households, want %d", n, c.n)
						}
					}
				})
				b.Run("tally", func(b *testing.B) {
					for b.Loop() {
						t, err := w.svc.Tally(ctx, w.staff, c.v.ID)
						if err != nil || t.Households != c.n || t.ParticipatingOwners != int64(c.n) || !t.Valid {
							b.Fatalf("tally %+v, err %v", t, err)
						}
					}
				})
				b.Run("detail", func(b *testing.B) {
					for b.Loop() {
						d, err := w.svc.Detail(ctx, w.staff, c.v.ID)
						if err != nil || len(d.Households) != c.n || len(d.Objections) != c.n/6 {
							b.Fatalf("detail: %d households, %d objections, err %v", len(d.Households), len(d.Objections), err)
						}
					}
				})
			})
		}
	})
}

// bareTally reads each household of the vote's scope with its area and its
// latest ballot in one query, and sums the agreeing area.
func bareTally(b *testing.B, db *storage.DB, v votes.Vote) int {
	rows, err := db.Query(context.Background(), `SELECT h.id, h.area_centi, COALESCE(vb.choice, '') FROM households h
		LEFT JOIN vote_ballots vb ON vb.id = (SELECT MAX(x.id) FROM vote_ballots x WHERE x.vote_id = ? AND x.household_id = h.id)
		WHERE h.path LIKE ?`, v.ID, v.Path+"%")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	var agree int64
	for rows.Next() {
		var id, area int64
		var choice string
		if err := rows.Scan(&id, &area, &choice); err != nil {
			b.Fatal(err)
		}
		if consent.Choice(choice) == consent.Agree {
			agree += area
		}
		n++
	}
	if err := rows.Close(); err != nil || agree == 0 {
		b.Fatalf("agreeing area %d, err %v", agree, err)
	}
	return n
}

// BenchmarkVoteBuildingLayer is the building view of the 96 households
// coloured by the building vote (registry BuildingWithLayer "vote:ID":
// the view, the layer options, the vote's detail and the marks) against
// the plain view (BuildingWithLayer "": the view and the layer options).
func BenchmarkVoteBuildingLayer(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		w := newBenchWorld(b, open(b))
		ctx := context.Background()
		key := fmt.Sprintf("vote:%d", w.bldVote.ID)
		b.Run("plain", func(b *testing.B) {
			for b.Loop() {
				v, err := w.reg.BuildingWithLayer(ctx, w.staff, w.building.ID, "")
				if err != nil || v.Total != 96 || len(v.LayerOptions) != 2 || v.Layer != nil {
					b.Fatalf("view: %d households, %d options, err %v", v.Total, len(v.LayerOptions), err)
				}
			}
		})
		b.Run("vote-layer", func(b *testing.B) {
			for b.Loop() {
				v, err := w.reg.BuildingWithLayer(ctx, w.staff, w.building.ID, key)
				if err != nil || v.Total != 96 || v.Layer == nil || len(v.Layer.Marks) != 96 {
					b.Fatalf("view: %d households, layer %v, err %v", v.Total, v.Layer != nil, err)
				}
			}
		})
	})
}

// BenchmarkVoteCastBallot records a paper ballot entered by staff, one
// household changing its vote again and again (agree, abstain, disagree
// without a reason), on the unit vote and on the building vote (the
// service checks the one household against the vote's scope, so the two
// should cost the same), against a bare INSERT of the same ballot row in
// its own transaction.
func BenchmarkVoteCastBallot(b *testing.B) {
	benchEngines(b, func(b *testing.B, open func(testing.TB) *storage.DB) {
		w := newBenchWorld(b, open(b))
		ctx := context.Background()
		h := w.unitHs[len(w.unitHs)-1] // 3单元602
		choices := []consent.Choice{consent.Agree, consent.Abstain, consent.Disagree}
		b.Run("baseline-insert", func(b *testing.B) {
			i := 0
			for b.Loop() {
				w.clock.Advance(time.Second)
				err := w.db.InTx(ctx, func(tx *storage.Tx) error {
					_, err := tx.Insert(ctx, `INSERT INTO vote_ballots (vote_id, household_id, choice, reason, method, collector, account_id, recorded_by, cast_at)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, w.bldVote.ID, h.ID, string(choices[i%3]), "", votes.MethodPaper, "柴晓燕", 0, "学苑社区工作人员",
						storage.Millis(w.clock.Now()))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
		for _, c := range []struct {
			v votes.Vote
			n int
		}{{w.unitVote, 12}, {w.bldVote, 96}} {
			b.Run(fmt.Sprintf("cast/households=%d", c.n), func(b *testing.B) {
				i := 0
				for b.Loop() {
					w.clock.Advance(time.Second)
					_, err := w.svc.CastBallot(ctx, w.staff, c.v.ID, votes.BallotInput{HouseholdID: h.ID, Choice: choices[i%3],
						Method: votes.MethodPaper, Collector: "柴晓燕"})
					if err != nil {
						b.Fatalf("ballot: %v %v", err, linli.ErrorFields(err))
					}
					i++
				}
			})
		}
	})
}
