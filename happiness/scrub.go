package happiness

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Scrub blots out what would point at one household or person in text
// written by residents and workers: phone and ID numbers, room numbers
// ("2单元402" → "2单元", "3-1-102", "402室"). Every text the public list
// shows passes through it (List applies it to each entry), whoever
// supplied it. Names cannot be recognised; that is why a case's public
// text is approved by staff before it is listed (approve.go).
//
// Numbers are recognised however they are written: full-width digits
// (１３８), digits split by dots, dashes, spaces or middle dots
// (138.1234.5678, 138 1234 5678, 138·1234·5678), and Chinese numerals
// (一三八幺二三四五六七八, 壹叁捌…). Detection works on a folded copy of the
// text, one rune for each rune of the original (NFKC, Chinese numerals as
// digits); what is kept is the original, so text without anything to blot
// comes back unchanged.
func Scrub(s string) string {
	t := newFolded(s)
	t.phones()
	t.replace(roomCode, func(string) string { return "某户" })
	t.replace(unitRoom, func(string) string { return "单元" })
	t.replace(roomWord, func(string) string { return "某户" })
	t.bareRooms()
	return string(t.orig)
}

var (
	roomCode = regexp.MustCompile(`\d+ *- *\d+ *- *\d{3,4}`)
	unitRoom = regexp.MustCompile(`单元 *\d{3,4}(室|号|户)?`)
	roomWord = regexp.MustCompile(`\d{3,4} *(室|号房|房间|户)`)
	// aDate is a span of digits and separators made of dates, not a
	// phone number: 2026.03.05, 2026-3-5, 2025.3-2026.5.
	aDate = regexp.MustCompile(`^((19|20)\d\d([-./ ]{1,3}\d{1,2}){0,2}[-./ ]{0,3})+$`)
)

// chineseDigits are the numerals people write a phone number with: the
// everyday ones, the financial (大写) ones and 幺, how 1 is read aloud in
// a phone number.
var chineseDigits = map[rune]rune{
	'〇': '0', '零': '0', '一': '1', '幺': '1', '二': '2', '三': '3', '四': '4', '五': '5',
	'六': '6', '七': '7', '八': '8', '九': '9',
	'壹': '1', '贰': '2', '叁': '3', '肆': '4', '伍': '5', '陆': '6', '柒': '7', '捌': '8', '玖': '9',
}

// fold is the rune detection sees for r: an ASCII digit for a full-width
// one, an ASCII separator for the full-width and typographic ones (NFKC,
// and the dots and dashes NFKC leaves alone), r itself otherwise. Chinese
// numerals are folded only where a phone number is looked for (phones):
// as room numbers they would catch idioms such as 七七八八.
func fold(r rune) rune {
	switch r {
	case '·', '・', '•', '‧':
		return '.'
	case '—', '–', '‐', '‑', '−':
		return '-'
	case '、', '_', '～', '~':
		return ' '
	}
	if r < utf8.RuneSelf {
		return r
	}
	n := norm.NFKC.String(string(r))
	if f, size := utf8.DecodeRuneInString(n); size == len(n) && f != utf8.RuneError {
		if f == '\u3000' || f == '\u00a0' {
			return ' '
		}
		return f
	}
	return r
}

// folded is a text and its folded copy, rune for rune.
type folded struct {
	orig, fold []rune
}

func newFolded(s string) *folded {
	t := &folded{orig: []rune(s)}
	t.fold = make([]rune, len(t.orig))
	for i, r := range t.orig {
		t.fold[i] = fold(r)
	}
	return t
}

// set replaces runes [i, j) of both copies by repl.
func (t *folded) set(i, j int, repl string) {
	r := []rune(repl)
	t.orig = append(t.orig[:i], append(r, t.orig[j:]...)...)
	t.fold = append(t.fold[:i], append(append([]rune(nil), r...), t.fold[j:]...)...)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isSep(r rune) bool { return strings.ContainsRune(" .-/()\t", r) }

// phones blots out runs of seven or more digits, however they are split
// by up to three separators at a time (a phone number, an ID number, a
// bank card), keeping dates.
func (t *folded) phones() {
	digit := func(i int) (rune, bool) {
		if isDigit(t.fold[i]) {
			return t.fold[i], true
		}
		d, ok := chineseDigits[t.orig[i]]
		return d, ok
	}
	for i := 0; i < len(t.fold); i++ {
		if _, ok := digit(i); !ok {
			continue
		}
		var span []rune // the run as digits and separators
		j, end, digits := i, i, 0
		for j < len(t.fold) {
			if d, ok := digit(j); ok {
				span = append(span, d)
				digits++
				j++
				end = j
				continue
			}
			k := j
			for k < len(t.fold) && k-j < 3 && isSep(t.fold[k]) {
				k++
			}
			if k == j || k >= len(t.fold) {
				break
			}
			if _, ok := digit(k); !ok {
				break
			}
			span = append(span, t.fold[j:k]...)
			j = k
		}
		if digits >= 7 && !aDate.MatchString(string(span)) {
			t.set(i, end, "***")
			i += len("***") - 1
			continue
		}
		i = end - 1
	}
}

// replace applies a rule found on the folded copy to both copies.
func (t *folded) replace(re *regexp.Regexp, repl func(match string) string) {
	for {
		s := string(t.fold)
		loc := re.FindStringIndex(s)
		if loc == nil {
			return
		}
		i, j := utf8.RuneCountInString(s[:loc[0]]), utf8.RuneCountInString(s[:loc[1]])
		match := s[loc[0]:loc[1]]
		out := repl(match)
		if out == match {
			return // a rule that changes nothing would loop
		}
		t.set(i, j, out)
	}
}

// bareRooms blots out 3–4 digit numbers that may be room numbers ("更换502
// 卫生间防水层"), keeping those that count something ("2026年", "120天",
// "1200元", "108号院").
func (t *folded) bareRooms() {
	rs := t.fold
	for i := 0; i < len(rs); {
		if !isDigit(rs[i]) {
			i++
			continue
		}
		j := i
		for j < len(rs) && isDigit(rs[j]) {
			j++
		}
		n := j - i
		prev, next, after := ' ', ' ', ' '
		if i > 0 {
			prev = rs[i-1]
		}
		if j < len(rs) {
			next = rs[j]
		}
		if j+1 < len(rs) {
			after = rs[j+1]
		}
		counts := strings.ContainsRune("年月日栋单米元部台个平万千百人次%层天时分期批项条件吨块辆套间座", next) ||
			(next == '号' && strings.ContainsRune("楼院", after)) || next == '.' || prev == '.' || prev == '¥' ||
			n == 4 && (next == '-' || next == '/') && isDigit(after) && (rs[i] == '1' && rs[i+1] == '9' || rs[i] == '2' && rs[i+1] == '0') // a year: 2026-3-5
		if (n == 3 || n == 4) && !counts {
			t.set(i, j, "某户")
			rs = t.fold
			i += 2
			continue
		}
		i = j
	}
}
