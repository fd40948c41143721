package story

import (
	"context"
	"fmt"
	"time"

	"linli"
	"linli/calendar"
	"linli/registry"
)

// approvePublicCases plays the community staff approving, with the text
// Linli proposes, every closed public case waiting for the happiness list:
// a case reaches the public list only once staff approve its public text.
func approvePublicCases(ctx context.Context, reg *registry.Service, cast storyCast, cal *calendar.Calendar, zone *time.Location, now time.Time) error {
	s := newStoryServices(reg, cal, zone, now)
	communities, err := reg.NodesUnder(ctx, reg.DB, "", registry.KindCommunity) // every community, in tree order
	if err != nil {
		return err
	}
	for _, who := range []string{"xueyuan", "jixiang"} {
		staff := cast[who]
		for _, c := range communities {
			ps, err := s.happiness.Pending(ctx, staff, c.ID)
			if linli.ErrorCode(err) == linli.EForbidden {
				continue
			}
			if err != nil {
				return err
			}
			for _, p := range ps {
				if _, err := s.happiness.Approve(ctx, staff, p.CaseID, p.Title, p.Summary); err != nil {
					return why(fmt.Sprintf("approve case %s for the happiness list", p.Number), err)
				}
			}
		}
	}
	return nil
}
