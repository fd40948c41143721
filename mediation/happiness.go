package mediation

import (
	"context"
	"database/sql"

	"linli/happiness"
	"linli/registry"
	"linli/storage"
)

// HappinessEntries lists a community's disputes settled by mediation,
// performed (closed) and published with the parties' consent (Publish),
// for the public happiness list. Mediation is private: an unpublished
// dispute is never listed, and an entry names the kind of dispute and the
// building, never the parties, the rooms or the agreement's terms. Satisfaction is the last follow-up
// visit's. Meant to be wired like projects' entries
// (happiness.Service gaining a Disputes func of the same shape).
func (s *Service) HappinessEntries(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
	type row struct {
		id, loc, closed int64
		typ             Type
	}
	rs, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (row, error) {
		var r row
		err := rows.Scan(&r.id, &r.typ, &r.loc, &r.closed)
		return r, err
	}, `SELECT id, type, location_id, closed_at FROM disputes WHERE community_id = ? AND state = ? AND public = 1 ORDER BY closed_at DESC, id DESC LIMIT 200`,
		communityID, Closed)
	if err != nil {
		return nil, err
	}
	out := []happiness.Entry{}
	for _, r := range rs {
		place := ""
		if line, err := s.reg.Lineage(ctx, s.db, r.loc); err == nil {
			for _, n := range line {
				if n.Kind == registry.KindEstate || n.Kind == registry.KindBuilding {
					place += n.Name
				}
			}
		}
		e := happiness.Entry{Kind: "dispute", ID: r.id, Title: r.typ.Label() + "调解成功", Summary: "经人民调解委员会调解，双方自愿达成协议并已履行完毕",
			TitleEN: typeEN(r.typ) + ": settled by mediation", SummaryEN: "The people's mediation committee helped both parties reach an agreement of their own will, and it has been carried out",
			Place: place, DoneAt: storage.FromMillis(r.closed), Photos: []happiness.Photo{}, Thanks: []happiness.Thanks{}}
		var sat string
		err := s.db.QueryRow(ctx, `SELECT satisfaction FROM dispute_followups WHERE dispute_id = ? ORDER BY visited_on DESC, id DESC LIMIT 1`, r.id).Scan(&sat)
		if err == nil {
			e.Rated = 1
			if sat == Satisfied || sat == Basic {
				e.Satisfied = 1
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// typeEN is a dispute type's English name (from the catalogue).
func typeEN(t Type) string {
	if en := catalog()[t.Label()]; en != "" {
		return en
	}
	return "Dispute"
}

// HappinessCounts counts, per community, the mediations HappinessEntries
// would list (at most 200 each, as it does), in one query.
func (s *Service) HappinessCounts(ctx context.Context) (map[int64]int, error) {
	m, err := s.db.Counts(ctx, `SELECT community_id, COUNT(*) FROM disputes WHERE state = ? AND public = 1 GROUP BY community_id`, Closed)
	for id, n := range m {
		m[id] = min(n, 200)
	}
	return m, err
}
