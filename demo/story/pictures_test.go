package story

import (
	"testing"

	"linli/attach"
)

func TestPicturesPassTheUploadCheck(t *testing.T) {
	ups := []attach.Upload{{Name: "before.jpg", Data: BuildingPicture(false)}, {Name: "after.jpg", Data: BuildingPicture(true)}, {Name: "banner.jpg", Data: BannerPicture()},
		{Name: "gate.jpg", Data: GatePicture()}, {Name: "sign.jpg", Data: SignPicture()}}
	cs, err := attach.Check(attach.Limits{}, ups)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ContentType != "image/jpeg" || c.Thumb == nil {
			t.Errorf("%s: %s, thumb %d bytes", c.Name, c.ContentType, len(c.Thumb))
		}
	}
}
