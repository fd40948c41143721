// Package registry is the community register: the tree of places (city →
// district/county → street → community → grid → estate → building → unit),
// the households in the units, and the people who own or live in them.
//
// Every method takes the acting user and checks the permission in the
// service, so the JSON API and the pages enforce the same rules. Phone and
// ID numbers leave the service masked; the plain value comes only from
// Reveal, which writes an audit entry.
package registry

import (
	"time"

	"linli"
	"linli/storage"
	"linli/web"
)

// Kind is the level of a node in the tree.
type Kind string

// The levels of the community tree.
const (
	KindCity      Kind = "city"
	KindDistrict  Kind = "district" // 区、县、县级市
	KindStreet    Kind = "street"   // 街道、乡镇
	KindCommunity Kind = "community"
	KindGrid      Kind = "grid"
	KindEstate    Kind = "estate" // 小区
	KindBuilding  Kind = "building"
	KindUnit      Kind = "unit"
)

// Kinds lists the levels from the top.
func Kinds() []Kind {
	return []Kind{KindCity, KindDistrict, KindStreet, KindCommunity, KindGrid, KindEstate, KindBuilding, KindUnit}
}

// ChildKind is the kind a child of k must have ("" for units, whose
// children are households).
func (k Kind) ChildKind() Kind {
	ks := Kinds()
	for i, x := range ks {
		if x == k && i+1 < len(ks) {
			return ks[i+1]
		}
	}
	return ""
}

// Valid reports whether k is a known level.
func (k Kind) Valid() bool {
	for _, x := range Kinds() {
		if x == k {
			return true
		}
	}
	return false
}

// Label is the Chinese name of the level ("" for an unknown one).
func (k Kind) Label() string {
	switch k {
	case KindCity:
		return "市"
	case KindDistrict:
		return "区县"
	case KindStreet:
		return "街道"
	case KindCommunity:
		return "社区"
	case KindGrid:
		return "网格"
	case KindEstate:
		return "小区"
	case KindBuilding:
		return "楼栋"
	case KindUnit:
		return "单元"
	}
	return ""
}

// LabelEN is the English name of the level ("" for an unknown one).
func (k Kind) LabelEN() string {
	switch k {
	case KindCity:
		return "City"
	case KindDistrict:
		return "District/county"
	case KindStreet:
		return "Street"
	case KindCommunity:
		return "Community"
	case KindGrid:
		return "Grid"
	case KindEstate:
		return "Estate"
	case KindBuilding:
		return "Building"
	case KindUnit:
		return "Unit"
	}
	return ""
}

// Node is a place in the tree.
type Node struct {
	ID              int64     `json:"id"`
	ParentID        int64     `json:"parent_id,omitempty"`
	Kind            Kind      `json:"kind"`
	Name            string    `json:"name"`
	Code            string    `json:"code,omitempty"`
	Path            string    `json:"path"`
	Depth           int       `json:"depth"`
	Sort            int       `json:"sort"`
	Floors          int       `json:"floors,omitempty"`
	BuiltYear       int       `json:"built_year,omitempty"`
	Address         string    `json:"address,omitempty"`
	PropertyCompany string    `json:"property_company,omitempty"`
	Boundary        string    `json:"boundary,omitempty"`
	Note            string    `json:"note,omitempty"`
	Abbr            string    `json:"abbr,omitempty"`
	Children        int       `json:"children"`
	Households      int       `json:"households"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Service is the registry.
type Service struct {
	DB       *storage.DB
	Clock    linli.Clock
	Renderer *web.Renderer // for pages; nil when used without HTTP

	lineages ttlCache[int64, []Node]            // lineages by node id
	under    ttlCache[string, map[Kind][]int64] // IDsUnder's answers
	layers   map[string]LayerSource
}

// New builds a registry service.
func New(db *storage.DB, clock linli.Clock) *Service {
	if clock == nil {
		clock = linli.SystemClock{}
	}
	s := &Service{DB: db, Clock: clock}
	s.lineages.max, s.under.max = 100000, 10000
	if db != nil {
		db.Subscribe(ChannelTree, func(string) { s.lineages.clear(); s.under.clear() })
		db.OnResync(func() { s.lineages.clear(); s.under.clear() })
	}
	return s
}

func (s *Service) now() time.Time { return s.Clock.Now() }

// errNotFound is the 404 for a record of the given kind.
func errNotFound(zh, en string) error {
	return linli.Errorf(linli.ENotFound, "%s不存在 / %s not found", zh, en)
}

// refused answers an actor who may not act on the record at path: like an
// unknown id (missing) when the actor does not see the place at all
// (Sees), so a refusal never tells that a record exists in another
// community; a plain 403 for a record within the actor's view.
func refused(a *linli.Actor, path string, missing error) error {
	if !Sees(a, path) {
		return missing
	}
	return errForbidden()
}

// errForbidden says no more than "no": the record's content never leaks.
func errForbidden() error {
	return linli.Errorf(linli.EForbidden, "无权访问 / not allowed")
}
