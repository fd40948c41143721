package ledger

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

// Limits of the ledger's values.
const (
	MinFloor     = -5        // deepest basement
	MaxFloor     = 99        // highest floor
	MaxAreaCenti = 100000_00 // 100000.00 m²
)

// isSpace is unicode.IsSpace plus the zero-width characters that come along
// when cells are pasted from web pages and chat messages.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// clean trims a cell.
func clean(s string) string { return strings.TrimFunc(s, isSpace) }

// cleanCode trims a cell that holds digits and makes full-width characters
// half-width: "３０２" is "302".
func cleanCode(s string) string { return clean(width.Narrow.String(s)) }

// removeSpaces drops every space inside s.
func removeSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// NormalizePhone tidies a phone number as typed: half-width, no spaces, no
// leading apostrophe (Excel's text marker) or +86, and mobile numbers without
// hyphens ("138-1234-5678" is "13812345678"). Landlines keep their hyphen.
func NormalizePhone(s string) string {
	s = removeSpaces(width.Narrow.String(s))
	s = strings.TrimPrefix(s, "'")
	if rest, ok := strings.CutPrefix(s, "+86"); ok {
		s = strings.TrimPrefix(rest, "-")
	}
	if m := strings.ReplaceAll(s, "-", ""); len(m) == 11 && m[0] == '1' && allDigits(m) {
		return m
	}
	return s
}

// ValidPhone reports whether s is a mainland mobile number (11 digits,
// 1[3-9]…) or a landline with its area code: "0359-2345678", "010-12345678",
// optionally with an extension "-801", or the same digits without hyphens.
func ValidPhone(s string) bool {
	if len(s) == 11 && s[0] == '1' && s[1] >= '3' && s[1] <= '9' && allDigits(s) {
		return true
	}
	if len(s) < 2 || s[0] != '0' || s[1] == '0' {
		return false
	}
	parts := strings.Split(s, "-")
	switch len(parts) {
	case 1: // area code and number run together
		return allDigits(s) && len(s) >= 10 && len(s) <= 12
	case 2, 3:
		area, local := parts[0], parts[1]
		if !allDigits(area) || len(area) < 3 || len(area) > 4 {
			return false
		}
		// Local numbers are 7 or 8 digits and never start with 0 or 1.
		if !allDigits(local) || len(local) < 7 || len(local) > 8 || local[0] < '2' {
			return false
		}
		return len(parts) == 2 || allDigits(parts[2]) && len(parts[2]) <= 6
	}
	return false
}

// NormalizeIDNumber tidies a resident ID number as typed: half-width, no
// spaces or leading apostrophe, check character "x" upper case.
func NormalizeIDNumber(s string) string {
	s = removeSpaces(width.Narrow.String(s))
	return strings.ToUpper(strings.TrimPrefix(s, "'"))
}

// ValidIDNumber reports whether s is an 18-character resident ID number
// (GB 11643-1999): a province that exists, a birth date between 1900 and
// today, and the ISO 7064 MOD 11-2 check character (a digit or X).
func ValidIDNumber(s string) bool { return idProblem(s, today()) == "" }

// today is the date in China (UTC+8, no tz database needed) at midnight UTC.
func today() time.Time {
	y, m, d := time.Now().In(time.FixedZone("CST", 8*3600)).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// provinces are the first two digits of GB/T 2260 division codes.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// idWeights are 2^(17-i) mod 11, the GB 11643 weights of the first 17 digits.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IDCheckChar is the check character of the first 17 digits of a resident ID
// number (ISO 7064 MOD 11-2): the one that makes the weighted sum of all 18
// characters ≡ 1 (mod 11). first17 must be 17 digits.
func IDCheckChar(first17 string) byte {
	sum := 0
	for i := range 17 {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return "10X98765432"[sum%11]
}

// idProblem says what is wrong with an ID number, "" when nothing is.
func idProblem(s string, today time.Time) string {
	if strings.ContainsAny(s, "Ee") && strings.Contains(s, "+") {
		return "身份证号被Excel存成了数字，请将该列设为文本后重新填写 / the ID number was turned into a number by Excel; format the column as text and type it again"
	}
	if len(s) != 18 {
		return "身份证号应为18位 / ID number must be 18 characters"
	}
	if !allDigits(s[:17]) || !(s[17] >= '0' && s[17] <= '9' || s[17] == 'X') {
		return "身份证号应为17位数字加1位数字或X / ID number must be 17 digits and a digit or X"
	}
	if !provinces[s[:2]] {
		return "身份证号的地区码不存在 / ID number has an unknown area code"
	}
	y, _ := strconv.Atoi(s[6:10])
	m, _ := strconv.Atoi(s[10:12])
	d, _ := strconv.Atoi(s[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || birth.Month() != time.Month(m) || birth.Day() != d || birth.After(today) {
		return "身份证号中的出生日期不合理 / ID number has an impossible birth date"
	}
	if IDCheckChar(s[:17]) != s[17] {
		return "身份证号校验位不符，请核对 / ID number check character is wrong; please check it"
	}
	return ""
}

// Reasons ParseArea gives; they are shown to users as they are.
var (
	errAreaEmpty    = errors.New("建筑面积不能为空 / area is required")
	errAreaSyntax   = errors.New("建筑面积应为数字，如86.50 / area must be a number such as 86.50")
	errAreaDecimals = errors.New("建筑面积最多两位小数 / area allows at most two decimals")
	errAreaPositive = errors.New("建筑面积应大于0 / area must be greater than 0")
	errAreaTooLarge = errors.New("建筑面积不能超过100000.00 / area must not exceed 100000.00")
)

// ParseArea reads a floor area in square metres exactly, as decimal text,
// into hundredths: "86.5" is 8650, "86.55" is 8655. Surrounding spaces are
// ignored and zeros after the second decimal are allowed ("86.500" is what a
// cell formatted 0.000 shows); anything finer, exponents, signs other than a
// leading minus, zero, negative areas and areas over 100000.00 are errors.
func ParseArea(s string) (int64, error) {
	s = cleanCode(s)
	if s == "" {
		return 0, errAreaEmpty
	}
	neg := false
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		neg, s = true, rest
	}
	whole, frac, dot := strings.Cut(s, ".")
	if !allDigits(whole) || dot && !allDigits(frac) {
		return 0, errAreaSyntax
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > 2 {
		return 0, errAreaDecimals
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 6 { // at least 1000000 m²; also keeps ParseInt from overflowing
		if neg {
			return 0, errAreaPositive
		}
		return 0, errAreaTooLarge
	}
	frac += strings.Repeat("0", 2-len(frac))
	centi, _ := strconv.ParseInt(whole+frac, 10, 64) // digits only, at most 8 of them
	switch {
	case neg || centi == 0:
		return 0, errAreaPositive
	case centi > MaxAreaCenti:
		return 0, errAreaTooLarge
	}
	return centi, nil
}

// FormatArea writes hundredths of a square metre with two decimals:
// 8655 is "86.55", 8650 is "86.50".
func FormatArea(centi int64) string {
	sign := ""
	u := uint64(centi)
	if centi < 0 {
		sign, u = "-", -u
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}

// parseFloor reads the 楼层 cell; reason is "" when it is fine.
func parseFloor(s string) (floor int, reason string) {
	if s == "" {
		return 0, "楼层不能为空 / floor is required"
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, "楼层应为整数，地下室填负数 / floor must be a whole number, negative for basements"
	}
	if n == 0 {
		return 0, "楼层不能为0 / there is no floor 0"
	}
	if n < MinFloor || n > MaxFloor {
		return 0, "楼层应在-5到99之间 / floor must be between -5 and 99"
	}
	return n, ""
}
