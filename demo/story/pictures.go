package story

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
)

// Pictures for the demo story are drawn here, so the binary carries no
// photographs of real people or places: a six-storey walk-up of eight
// units seen from the street, before and after eight elevator shafts were
// added, and a red silk banner.

var (
	sky     = color.RGBA{0xcf, 0xe3, 0xf2, 0xff}
	ground  = color.RGBA{0x9a, 0x9a, 0x92, 0xff}
	wall    = color.RGBA{0xe8, 0xd9, 0xc0, 0xff}
	window  = color.RGBA{0x5d, 0x7a, 0x94, 0xff}
	steel   = color.RGBA{0x8c, 0x95, 0x9c, 0xff}
	glass   = color.RGBA{0x7f, 0xb7, 0xd9, 0xff}
	bannerR = color.RGBA{0xc8, 0x1e, 0x1e, 0xff}
	gold    = color.RGBA{0xe8, 0xc0, 0x4a, 0xff}
)

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.Set(x, y, c)
		}
	}
}

func encode(img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return b.Bytes()
}

// BuildingPicture draws 荟萃花园南区 1号楼: with elevators, each unit has a
// steel-and-glass shaft in front of its stairwell.
func BuildingPicture(elevators bool) []byte {
	const w, h = 960, 540
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), sky)
	fill(img, image.Rect(0, 470, w, h), ground)
	left, top, floorH, unitW := 40, 110, 60, 110
	fill(img, image.Rect(left, top, left+8*unitW, 470), wall)
	for u := 0; u < 8; u++ {
		x := left + u*unitW
		for f := 0; f < 6; f++ {
			y := top + f*floorH
			fill(img, image.Rect(x+10, y+15, x+40, y+45), window)
			fill(img, image.Rect(x+70, y+15, x+100, y+45), window)
		}
		if elevators {
			fill(img, image.Rect(x+42, top-30, x+68, 470), steel)
			for f := 0; f < 7; f++ {
				y := top - 30 + f*floorH
				fill(img, image.Rect(x+45, y+6, x+65, y+floorH-6), glass)
			}
		}
	}
	return encode(img)
}

// BannerPicture draws a red silk banner (锦旗) with gold bands.
func BannerPicture() []byte {
	const w, h = 360, 640
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), color.RGBA{0xf4, 0xf1, 0xea, 0xff})
	fill(img, image.Rect(40, 30, w-40, h-80), bannerR)
	fill(img, image.Rect(40, 30, w-40, 50), gold)
	fill(img, image.Rect(40, h-100, w-40, h-80), gold)
	for i := 0; i < 9; i++ { // the fringe
		x := 50 + i*30
		fill(img, image.Rect(x, h-80, x+8, h-40), gold)
	}
	// Eight gold blocks stand for the characters of the inscription.
	for i := 0; i < 8; i++ {
		y := 90 + i*55
		fill(img, image.Rect(150, y, 210, y+40), gold)
	}
	return encode(img)
}

// GatePicture draws a gate camera's view of 颐源居's entrance: the gate
// posts and the walkway below, the nearest building's windows and
// balconies above them covered by the grey masks the privacy record
// documents (the top 35% of the frame).
func GatePicture() []byte {
	const w, h = 960, 540
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), ground)
	fill(img, image.Rect(0, 0, w, 190), wall)
	for x := 60; x < w; x += 150 { // windows and balconies, to be masked
		fill(img, image.Rect(x, 40, x+70, 110), window)
	}
	fill(img, image.Rect(0, 0, w, 189), color.RGBA{0x55, 0x55, 0x55, 0xff}) // the mask
	fill(img, image.Rect(180, 190, 230, 500), steel)                        // gate posts
	fill(img, image.Rect(730, 190, 780, 500), steel)
	fill(img, image.Rect(230, 420, 730, 540), color.RGBA{0xb8, 0xb2, 0xa4, 0xff}) // the walkway: zone "gate"
	return encode(img)
}

// SignPicture draws the sign at the gate (视频监控区域 on a blue board).
func SignPicture() []byte {
	const w, h = 480, 320
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fill(img, img.Bounds(), wall)
	fill(img, image.Rect(40, 40, w-40, h-40), color.RGBA{0x1f, 0x4e, 0x9c, 0xff})
	for i := 0; i < 6; i++ { // white blocks stand for the characters
		x := 70 + i*58
		fill(img, image.Rect(x, 120, x+40, 170), color.RGBA{0xff, 0xff, 0xff, 0xff})
	}
	return encode(img)
}
