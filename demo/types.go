package demo

// Member is one person registered in a household.
type Member struct {
	Name     string
	Relation string // "owner", "family" or "tenant"
	Phone    string // fictional, 139 0000 xxxx
	IDNumber string // fictional 18-digit resident ID with a valid check digit, or ""
	IsOwner  bool
}

// Household is one dwelling of a unit.
type Household struct {
	Floor     int
	Room      string // "101", "102", … floor then position on the landing
	AreaCenti int64  // exclusive floor area in 0.01 m²
	Members   []Member
}

// Place is a node of the community tree:
// city → district/county → street/township → community → grid → estate → building → unit.
type Place struct {
	Kind string // "city" "district" "street" "community" "grid" "estate" "building" "unit"
	Name string
	// Code is the 12-digit statistical division code on cities, districts,
	// streets and communities (6 county + 3 street + 3 community), a short
	// code such as "XY-01" on grids, and "" elsewhere.
	Code string

	Floors, BuiltYear int // buildings and units

	Address         string // estates
	PropertyCompany string // estates; "" means no property management

	Boundary string // grids and estates: a GeoJSON Polygon

	Abbr string // communities: the case-number prefix, e.g. "XY"

	Children   []Place
	Households []Household // only on units
}

// Account is a demo login with one role granted on one node of the tree.
type Account struct {
	Username, Password, DisplayName, Phone string
	// Role is one of: admin street_staff community_staff grid_worker
	// building_head unit_head resident_rep resident property contractor
	// department volunteer guard.
	Role string
	// Place holds the names from the root down to the node the role is
	// granted on, e.g. ["运城市","盐湖区","东城街道","学苑社区"].
	Place []string
	// Room is set for residents: the household's room in the unit that
	// Place ends with.
	Room string
}

// Dataset is the whole demo: the tree and the accounts.
type Dataset struct {
	Roots    []Place
	Accounts []Account
}

const (
	kindCity      = "city"
	kindDistrict  = "district"
	kindStreet    = "street"
	kindCommunity = "community"
	kindGrid      = "grid"
	kindEstate    = "estate"
	kindBuilding  = "building"
	kindUnit      = "unit"
)
