package votes

import (
	"fmt"
	"strconv"
	"strings"

	"linli/consent"
)

// maxYuanDigits bounds the whole yuan of an amount: below 10^11 yuan, so
// fen stay far inside int64 and a typo of many digits is caught.
const maxYuanDigits = 11

// ParseYuan reads an amount in yuan with at most two decimals ("1234",
// "1,234.5", "¥1234.56") into fen, exactly: the text is split at the point
// and read as integers, never through a float.
func ParseYuan(s string) (int64, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "¥"), "￥")
	t = strings.TrimSuffix(t, "元")
	t = strings.ReplaceAll(strings.ReplaceAll(t, ",", ""), "，", "")
	t = strings.TrimSpace(t)
	if t == "" {
		return 0, fmt.Errorf("金额必填 / amount is required")
	}
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("金额不能为负 / amount cannot be negative")
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" && dot {
		whole = "0"
	}
	if !digits(whole) || (dot && !digits(frac)) || (dot && frac == "") {
		return 0, fmt.Errorf("金额应为数字，如 123456.78 / amount must be a number such as 123456.78")
	}
	if len(frac) > 2 {
		return 0, fmt.Errorf("金额最多两位小数（分） / at most two decimals (fen)")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxYuanDigits {
		return 0, fmt.Errorf("金额过大 / amount too large")
	}
	frac += strings.Repeat("0", 2-len(frac))
	fen, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("金额应为数字 / amount must be a number")
	}
	return fen, nil
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FormatYuan writes fen as yuan with thousands separators and two
// decimals: "12,345.67".
func FormatYuan(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", -u
	}
	whole := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), u%100)
}

// plainYuan writes fen as yuan with two decimals and no separators
// ("12345.67"), for JSON and spreadsheets.
func plainYuan(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", -u
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// ParseFactor reads a floor coefficient as an exact ratio: a decimal
// ("0.7", "1.25", at most six decimals) or a fraction ("2/3").
func ParseFactor(s string) (consent.Ratio, error) {
	t := strings.TrimSpace(s)
	if num, den, ok := strings.Cut(t, "/"); ok {
		n, err1 := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		d, err2 := strconv.ParseInt(strings.TrimSpace(den), 10, 64)
		if err1 != nil || err2 != nil {
			return consent.Ratio{}, fmt.Errorf("系数应为小数或分数，如 0.7 或 2/3 / coefficient must be a decimal or a fraction such as 0.7 or 2/3")
		}
		return consent.Ratio{Num: n, Den: d}, nil
	}
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" && dot {
		whole = "0"
	}
	if !digits(whole) || (dot && !digits(frac)) {
		return consent.Ratio{}, fmt.Errorf("系数应为小数或分数，如 0.7 或 2/3 / coefficient must be a decimal or a fraction such as 0.7 or 2/3")
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 6 {
		return consent.Ratio{}, fmt.Errorf("系数最多六位小数 / at most six decimals")
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 6 {
		return consent.Ratio{}, fmt.Errorf("系数过大 / coefficient too large")
	}
	den := int64(1)
	for range len(frac) {
		den *= 10
	}
	n, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil {
		return consent.Ratio{}, fmt.Errorf("系数应为数字 / coefficient must be a number")
	}
	if neg {
		n = -n // Scheme.Validate names the floor of a negative coefficient
	}
	return consent.Ratio{Num: n, Den: den}, nil
}
