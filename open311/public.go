package open311

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"linli"
	"linli/attach"
	"linli/cases"
	"linli/registry"
)

// MaxResults is the most requests (and updates) one GET answers.
const MaxResults = 1000

// Query is a GET requests.
type Query struct {
	Jurisdiction string
	IDs          string // service_request_id: a comma list; overrides the rest
	ServiceCode  string
	StartDate    string
	EndDate      string
	Status       string // open | closed
	English      bool
	// BaseURL is where this server is reached ("https://linli.example"),
	// for absolute media URLs.
	BaseURL string
}

// Requests is GET requests: the public cases of the jurisdiction, newest
// first, at most MaxResults, in the last 90 days unless asked otherwise.
func (s *Service) Requests(ctx context.Context, q Query) ([]RequestDoc, error) {
	j, err := s.jurisdiction(ctx, q.Jurisdiction)
	if err != nil {
		return nil, err
	}
	f := cases.PublicFilter{Path: j.Path, Limit: MaxResults}
	if j.Kind == registry.KindCommunity {
		f.CommunityID = j.ID
	}
	if ids := strings.TrimSpace(q.IDs); ids != "" {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id != "" {
				f.Numbers = append(f.Numbers, id)
			}
		}
		if len(f.Numbers) > MaxResults {
			return nil, linli.Errorf(linli.EBadRequest, "service_request_id 最多 %d 个 / at most %d service_request_id", MaxResults, MaxResults)
		}
	} else {
		now := s.now()
		if f.From, f.To, err = s.window(q.StartDate, q.EndDate); err != nil {
			return nil, err
		}
		// A window ending now or later bounds nothing (no case is reported
		// in the future), and without the bound PostgreSQL's generic plan
		// of the prepared read walks cases_community_public backwards to
		// the 1,000th (2 ms) instead of sorting the whole window (55 ms):
		// it guesses a closed range on parameters to hold few rows.
		if !f.To.Before(now) {
			f.To = time.Time{}
		}
		switch st := strings.ToLower(strings.TrimSpace(q.Status)); st {
		case "", "open", "closed":
			f.Status = st
		default:
			return nil, linli.Errorf(linli.EBadRequest, "status 应为 open 或 closed / status must be open or closed")
		}
		if code := strings.TrimSpace(q.ServiceCode); code != "" {
			if _, err := s.service(ctx, code); err != nil {
				return nil, err
			}
			f.Category = code
		}
	}
	rows, err := s.cs.PublicRequests(ctx, s.db, f)
	if err != nil {
		return nil, err
	}
	list, _, err := s.services(ctx)
	if err != nil {
		return nil, err
	}
	byCode := map[string]cases.Category{}
	for _, c := range list {
		byCode[c.Code] = c
	}
	// The photos of the listed requests, in one read for the page.
	var listed []int64
	for _, p := range rows {
		if p.Listed {
			listed = append(listed, p.ID)
		}
	}
	photos, err := attach.ListOf(ctx, s.db, "case", listed)
	if err != nil {
		return nil, err
	}
	places := map[int64]string{}
	out := make([]RequestDoc, 0, len(rows))
	for _, p := range rows {
		d, err := s.requestDoc(ctx, p, byCode[p.CategoryCode], places, photos[p.ID], q)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Request is GET requests/{id}: one public case of the jurisdiction; any
// other is a 404.
func (s *Service) Request(ctx context.Context, id string, q Query) (RequestDoc, error) {
	q.IDs = id
	if strings.Contains(id, ",") || strings.TrimSpace(id) == "" {
		return RequestDoc{}, errNoRequest(id)
	}
	list, err := s.Requests(ctx, q)
	if err != nil {
		return RequestDoc{}, err
	}
	if len(list) == 0 {
		return RequestDoc{}, errNoRequest(id)
	}
	return list[0], nil
}

func errNoRequest(id string) error {
	return linli.Errorf(linli.ENotFound, "没有这个公开的请求：%s / no public request %s", id, id)
}

// Status is Open311's status of a Linli state: closed when the case is
// finished for good (closed, not registered, merged), open otherwise —
// shelved (挂账) cases included, since they still wait for a solution.
func Status(st cases.State) string {
	for _, c := range cases.Open311Closed {
		if st == c {
			return "closed"
		}
	}
	return "open"
}

// requestDoc shapes a public case: only what the happiness list would
// show (see the package documentation).
func (s *Service) requestDoc(ctx context.Context, p cases.PublicRequest, cat cases.Category, places map[int64]string, atts []attach.Attachment, q Query) (RequestDoc, error) {
	d := RequestDoc{ID: p.Number, Status: Status(p.State), ServiceCode: p.CategoryCode, ServiceName: p.CategoryName,
		AgencyResponsible: p.AssigneeName, RequestedDatetime: w3c(p.CreatedAt, s.zone), UpdatedDatetime: w3c(p.UpdatedAt, s.zone)}
	if q.English && p.CategoryEN != "" {
		d.ServiceName = p.CategoryEN
	}
	if cat.ID != 0 {
		d.ServiceNotice = notice(cat, q.English)
	}
	if p.State.Open() {
		d.ExpectedDatetime = w3c(p.ResolveDue, s.zone)
	}
	d.StatusNotes = p.State.LabelIn(lang(q.English))
	if p.Listed {
		d.Description = p.PubTitle
		if p.PubSummary != "" {
			d.StatusNotes = p.PubSummary
		}
	}
	addr, ok := places[p.LocationID]
	if !ok {
		var err error
		if addr, err = s.address(ctx, p.LocationID); err != nil {
			return d, err
		}
		places[p.LocationID] = addr
	}
	d.Address = addr
	if p.Lat != 0 || p.Lon != 0 {
		lat, lon := round4(p.Lat), round4(p.Lon)
		d.Lat, d.Long = &lat, &lon
	}
	if p.Listed {
		for _, a := range atts {
			if a.IsImage() {
				d.MediaURL = fmt.Sprintf("%s/happiness/%d/photos/%d?thumb=1", q.BaseURL, p.CommunityID, a.ID)
				break
			}
		}
	}
	return d, nil
}

func lang(en bool) string {
	if en {
		return "en"
	}
	return "zh"
}

// round4 rounds a coordinate to 4 decimals (about 10 m), as the happiness
// list's map does: a point never names a door.
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// address names a place down to the building at most: "荟萃花园南区 1号楼"
// for a unit or a household's unit, the estate, grid or community
// otherwise.
func (s *Service) address(ctx context.Context, locationID int64) (string, error) {
	line, err := s.reg.Lineage(ctx, s.db, locationID)
	if err != nil {
		return "", err
	}
	var community, grid, estate, building string
	for _, n := range line {
		switch n.Kind {
		case registry.KindCommunity:
			community = n.Name
		case registry.KindGrid:
			grid = n.Name
		case registry.KindEstate:
			estate = n.Name
		case registry.KindBuilding:
			building = n.Name
		}
	}
	switch {
	case estate != "" && building != "":
		return community + " " + estate + " " + building, nil
	case estate != "":
		return community + " " + estate, nil
	case grid != "":
		return community + " " + grid, nil
	}
	return community, nil
}

// Updates is FixMyStreet's GET servicerequestupdates: the public steps of
// the jurisdiction's public cases in the window (the last 90 days by
// default), oldest first, at most MaxResults. An update says what
// happened and the status after it, never a note's text or who wrote it.
func (s *Service) Updates(ctx context.Context, q Query) ([]UpdateDoc, error) {
	j, err := s.jurisdiction(ctx, q.Jurisdiction)
	if err != nil {
		return nil, err
	}
	from, to, err := s.window(q.StartDate, q.EndDate)
	if err != nil {
		return nil, err
	}
	steps, err := s.cs.PublicSteps(ctx, s.db, j.Path, from, to, MaxResults)
	if err != nil {
		return nil, err
	}
	out := make([]UpdateDoc, 0, len(steps))
	for _, st := range steps {
		out = append(out, UpdateDoc{ID: fmt.Sprint(st.ID), RequestID: st.Number, Status: strings.ToUpper(Status(st.State)),
			UpdatedDatetime: w3c(st.At, s.zone), Description: stepLabel(st.Action, q.English)})
	}
	return out, nil
}

// stepLabel names a timeline step as the case page does; a step without
// a name is a progress update.
func stepLabel(a cases.Action, en bool) string {
	if l := cases.EventLabel(string(a), lang(en)); l != "" && l != string(a) {
		return l
	}
	if en {
		return "Update"
	}
	return "进展"
}
