package cameras

// objectNames gives the Chinese name of the object classes the analytics
// boxes report. Frigate labels objects with the class names of the COCO
// set its default models are trained on (person, car, …) plus a few of
// its own (package, license_plate, face); a guard reads 人员, not person.
// A class not listed here is shown as the box sent it.
var objectNames = map[string]string{
	"person":        "人员",
	"face":          "人脸",
	"car":           "汽车",
	"truck":         "货车",
	"bus":           "公交车",
	"motorcycle":    "摩托车",
	"bicycle":       "自行车",
	"license_plate": "车牌",
	"package":       "包裹",
	"dog":           "狗",
	"cat":           "猫",
	"bird":          "鸟",
	"horse":         "马",
	"umbrella":      "雨伞",
	"backpack":      "背包",
	"suitcase":      "行李箱",
	"fire":          "明火",
	"smoke":         "烟雾",
}

// objectLabel names an object class for people, in Chinese; t turns it
// into the reader's language. Unknown classes pass through unchanged.
func objectLabel(class string, t func(string) string) string {
	if zh, ok := objectNames[class]; ok {
		return t(zh)
	}
	return class
}
