package open311

import (
	"context"
	"strconv"
	"strings"
	"time"

	"linli"
	"linli/cases"
	"linli/registry"
)

// Jurisdiction is a community or street, named in requests by its
// 12-digit division code.
type Jurisdiction struct {
	ID   int64
	Code string
	Name string
	Path string
	Kind registry.Kind
}

// jurisdiction finds the community or street with the division code; an
// empty code is a 400, an unknown one a 404.
func (s *Service) jurisdiction(ctx context.Context, code string) (Jurisdiction, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Jurisdiction{}, linli.Errorf(linli.EBadRequest, "缺少 jurisdiction_id（社区或街道的区划代码）/ jurisdiction_id (a community's or street's division code) is required")
	}
	ns, err := s.reg.NodesUnder(ctx, s.db, "/", registry.KindStreet, registry.KindCommunity)
	if err != nil {
		return Jurisdiction{}, err
	}
	for _, n := range ns {
		if n.Code == code {
			return Jurisdiction{ID: n.ID, Code: n.Code, Name: n.Name, Path: n.Path, Kind: n.Kind}, nil
		}
	}
	return Jurisdiction{}, linli.Errorf(linli.ENotFound, "没有区划代码为 %s 的社区或街道 / no community or street has the division code %s", code, code)
}

// services are the categories a report may name: active, with a routing
// rule (a group of categories has none).
func (s *Service) services(ctx context.Context) ([]cases.Category, map[int64]cases.Category, error) {
	all, err := s.cs.Categories(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := map[int64]cases.Category{}
	for _, c := range all {
		byID[c.ID] = c
	}
	var out []cases.Category
	for _, c := range all {
		if c.Active && c.Route != "" {
			out = append(out, c)
		}
	}
	return out, byID, nil
}

// service is the category of a service code; unknown or inactive is a
// 404.
func (s *Service) service(ctx context.Context, code string) (cases.Category, error) {
	list, _, err := s.services(ctx)
	if err != nil {
		return cases.Category{}, err
	}
	for _, c := range list {
		if c.Code == code {
			return c, nil
		}
	}
	return cases.Category{}, linli.Errorf(linli.ENotFound, "没有这个服务：%s / service_code not found: %s", code, code)
}

// ServiceList is GET services: one service per active category.
func (s *Service) ServiceList(ctx context.Context, en bool) ([]ServiceDoc, error) {
	list, byID, err := s.services(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceDoc, 0, len(list))
	for _, c := range list {
		group := ""
		if p, ok := byID[c.ParentID]; ok {
			group = name(p, en)
		}
		out = append(out, ServiceDoc{Code: c.Code, Name: name(c, en), Description: notice(c, en), Metadata: true, Type: "realtime",
			Keywords: c.Class, Group: group})
	}
	return out, nil
}

func name(c cases.Category, en bool) string {
	if en && c.NameEN != "" {
		return c.NameEN
	}
	return c.Name
}

// notice is what a resident may expect: the category's time to resolve.
func notice(c cases.Category, en bool) string {
	if c.ResolveLimit.Amount == 0 {
		return ""
	}
	if !en {
		return "办结时限：" + c.ResolveLimit.String()
	}
	short := c.ResolveLimit.Short()
	unit := strings.TrimLeft(short, "0123456789")
	words := map[string]string{"wd": "working days", "wh": "working hours", "m": "minutes", "h": "hours"}[unit]
	if words == "" {
		words = unit
	}
	return "Resolved within " + strconv.Itoa(c.ResolveLimit.Amount) + " " + words
}

// Attribute codes every service definition has.
const (
	AttrRoom  = "room"  // the household or room where the problem is
	AttrPhoto = "photo" // a photo's URL (as media_url)
)

// DefinitionOf is GET services/{code}: the attributes a request of the
// service may carry — the room it concerns and a photo (categories have
// no questions of their own yet; when they do, they follow these).
func (s *Service) DefinitionOf(ctx context.Context, code string, en bool) (Definition, error) {
	c, err := s.service(ctx, code)
	if err != nil {
		return Definition{}, err
	}
	pick := func(zh, eng string) string {
		if en {
			return eng
		}
		return zh
	}
	return Definition{Code: c.Code, Attributes: []Attribute{
		{Variable: true, Code: AttrRoom, Datatype: "string", Order: 1,
			DatatypeDescription: pick("如 1号楼3单元602；或用 address_id 给出邻里的住户编号 household:ID", "e.g. building 1 unit 3 room 602; or give Linli's household as address_id=household:ID"),
			Description:         pick("问题所在的住户或房间", "The household or room the problem concerns")},
		{Variable: true, Code: AttrPhoto, Datatype: "string", Order: 2,
			DatatypeDescription: pick("照片的网址（与 media_url 相同）", "The photo's URL (as media_url)"),
			Description:         pick("现场照片", "A photo of the problem")},
	}}, nil
}

// window is the period of a GET: start_date and end_date (W3C datetimes),
// 90 days at most, the last 90 days when neither is given.
func (s *Service) window(start, end string) (time.Time, time.Time, error) {
	const span = 90 * 24 * time.Hour
	parse := func(field, v string) (time.Time, error) {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
		if err != nil {
			return t, linli.Errorf(linli.EBadRequest, "%s 应为 W3C 日期时间，如 2026-12-01T00:00:00+08:00 / %s must be a W3C datetime such as 2026-12-01T00:00:00+08:00", field, field)
		}
		return t, nil
	}
	var from, to time.Time
	var err error
	if start != "" {
		if from, err = parse("start_date", start); err != nil {
			return from, to, err
		}
	}
	if end != "" {
		if to, err = parse("end_date", end); err != nil {
			return from, to, err
		}
	}
	switch {
	case from.IsZero() && to.IsZero():
		to = s.now()
		from = to.Add(-span)
	case from.IsZero():
		from = to.Add(-span)
	case to.IsZero():
		to = from.Add(span)
	}
	if to.Before(from) {
		return from, to, linli.Errorf(linli.EBadRequest, "end_date 早于 start_date / end_date is before start_date")
	}
	if to.Sub(from) > span {
		return from, to, linli.Errorf(linli.EBadRequest, "start_date 到 end_date 不能超过 90 天 / start_date to end_date may not span more than 90 days")
	}
	return from, to, nil
}
