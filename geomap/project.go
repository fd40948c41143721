package geomap

import (
	"math"
)

// Point is a place on the earth: longitude and latitude in degrees (WGS 84,
// as GeoJSON has them; Chinese GCJ-02 offsets are the data's business).
type Point struct {
	Lon, Lat float64
}

// maxLat is where Web Mercator stops (the world is square).
const maxLat = 85.05112878

// World projects p to Web Mercator world coordinates at zoom 0: x and y in
// 0…256, y growing southwards, as tile servers number their tiles.
func World(p Point) (x, y float64) {
	lat := math.Max(-maxLat, math.Min(maxLat, p.Lat))
	x = (p.Lon + 180) / 360 * 256
	s := math.Sin(lat * math.Pi / 180)
	y = (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * 256
	return x, y
}

// Unproject is World's inverse.
func Unproject(x, y float64) Point {
	lon := x/256*360 - 180
	lat := math.Atan(math.Sinh(math.Pi*(1-2*y/256))) * 180 / math.Pi
	return Point{Lon: lon, Lat: lat}
}

// TileAt is the tile (x, y) holding p at zoom z, in the XYZ numbering
// ("slippy map") every Web Mercator tile server uses.
func TileAt(p Point, z int) (x, y int) {
	wx, wy := World(p)
	return tileOf(wx, z), tileOf(wy, z)
}

func tileOf(w float64, z int) int {
	n := 1 << z
	t := int(math.Floor(w / 256 * float64(n)))
	return max(0, min(n-1, t))
}

// bounds is a box in world coordinates.
type bounds struct {
	minX, minY, maxX, maxY float64
	empty                  bool
}

func newBounds() bounds {
	return bounds{minX: math.Inf(1), minY: math.Inf(1), maxX: math.Inf(-1), maxY: math.Inf(-1), empty: true}
}

func (b *bounds) add(x, y float64) {
	b.minX, b.maxX = math.Min(b.minX, x), math.Max(b.maxX, x)
	b.minY, b.maxY = math.Min(b.minY, y), math.Max(b.maxY, y)
	b.empty = false
}
