package campaigns

import (
	"context"
	"database/sql"
	"fmt"

	"linli/happiness"
	"linli/storage"
)

// KindHappiness is the happiness list's kind for a closed campaign.
const KindHappiness = "campaign"

// HappinessEntries lists a community's closed campaigns that found
// something, newest first, for the public happiness list (a
// happiness.Source). An entry gives the campaign's title and its figures
// — places, devices found, hazards, plans done — never a household, a
// name or a room.
func (s *Service) HappinessEntries(ctx context.Context, communityID int64) ([]happiness.Entry, error) {
	type row struct {
		id, closed                    int64
		title, hazardType             string
		places, findings, hazards, ok int
	}
	rs, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (row, error) {
		var r row
		err := rows.Scan(&r.id, &r.title, &r.hazardType, &r.closed, &r.places, &r.findings, &r.hazards, &r.ok)
		return r, err
	}, `SELECT c.id, c.title, c.hazard_type, c.closed_at,
			(SELECT COUNT(*) FROM campaign_scope sc WHERE sc.campaign_id = c.id),
			(SELECT COUNT(*) FROM campaign_findings f WHERE f.campaign_id = c.id AND f.status = 'current'),
			(SELECT COUNT(*) FROM campaign_findings f WHERE f.campaign_id = c.id AND f.status = 'current' AND f.hazard = 1),
			(SELECT COUNT(*) FROM campaign_plans p WHERE p.campaign_id = c.id AND p.state = 'done')
		FROM campaigns c WHERE c.community_id = ? AND c.state = ?
			AND EXISTS (SELECT 1 FROM campaign_findings f WHERE f.campaign_id = c.id AND f.status = 'current')
		ORDER BY c.closed_at DESC, c.id DESC LIMIT 200`, communityID, Closed)
	if err != nil {
		return nil, fmt.Errorf("campaigns: happiness entries: %w", err)
	}
	place := ""
	if len(rs) > 0 {
		if n, err := s.reg.NodeByID(ctx, communityID); err == nil {
			place = n.Name // the campaign covers many places: the community names them
		}
	}
	out := make([]happiness.Entry, 0, len(rs))
	for _, r := range rs {
		out = append(out, happiness.Entry{Kind: KindHappiness, ID: r.id, Title: r.title,
			// Each figure has its measure word (个, 台, 项): the list's
			// scrubber takes a bare number of three or four digits for a room.
			Summary:   fmt.Sprintf("排查%d个小区或楼栋，共查%s%d台，发现隐患%d项，已整改销号%d项", r.places, r.hazardType, r.findings, r.hazards, r.ok),
			SummaryEN: fmt.Sprintf("%d places inspected, %d devices recorded, %d hazards found, %d plans done", r.places, r.findings, r.hazards, r.ok),
			Place:     place, DoneAt: storage.FromMillis(r.closed), Photos: []happiness.Photo{}, Thanks: []happiness.Thanks{}})
	}
	return out, nil
}

// HappinessCounts counts, per community, the campaigns HappinessEntries
// would list (at most 200 each, as it does), in one query.
func (s *Service) HappinessCounts(ctx context.Context) (map[int64]int, error) {
	m, err := s.db.Counts(ctx, `SELECT c.community_id, COUNT(*) FROM campaigns c WHERE c.state = ?
		AND EXISTS (SELECT 1 FROM campaign_findings f WHERE f.campaign_id = c.id AND f.status = 'current') GROUP BY c.community_id`, Closed)
	for id, n := range m {
		m[id] = min(n, 200)
	}
	return m, err
}
