package campaigns

// SolarHeaterChecklist is a starting checklist for the rooftop solar water
// heater sweep of the seed story (郇阳社区): the new-template form offers
// it, and tests and the demo use it. Brackets, water tank, pipes, the
// tilt in wind and whether anyone owns the device.
func SolarHeaterChecklist() Checklist {
	f := func(x float64) *float64 { return &x }
	return Checklist{
		{Key: "present", Label: "楼顶有太阳能热水器", Kind: KindYesNo, Required: true},
		{Key: "bracket", Label: "支架状况", Kind: KindChoice, Options: []string{"完好", "轻微锈蚀", "严重锈蚀或松动", "断裂"},
			Hazard: &HazardRule{Options: []string{"严重锈蚀或松动", "断裂"}}, Severity: Serious},
		{Key: "anchored", Label: "已用膨胀螺栓或拉绳固定", Kind: KindYesNo, Hazard: &HazardRule{When: "no"}, Severity: General},
		{Key: "leak", Label: "水箱或管道漏水", Kind: KindYesNo, Hazard: &HazardRule{When: "yes"}, Severity: General},
		{Key: "tilt", Label: "倾斜角度", Kind: KindNumber, Unit: "度", Min: f(0), Max: f(90), Hazard: &HazardRule{Above: f(15)}, Severity: Major},
		{Key: "age", Label: "使用年限", Kind: KindNumber, Unit: "年", Min: f(0), Max: f(50)},
		{Key: "note", Label: "其他情况", Kind: KindText},
		{Key: "photo", Label: "现场照片", Kind: KindPhoto, Required: true},
	}
}
