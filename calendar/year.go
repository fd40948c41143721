package calendar

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"linli"
)

// Year is one year's official arrangement, as one data file states it.
type Year struct {
	Year     int       `json:"year"`
	Source   string    `json:"source"`   // the notice it comes from, with its date
	Holidays []Holiday `json:"holidays"` // days off
	Workdays []Workday `json:"workdays"` // make-up working days (调休上班)
}

// Holiday is a run of days off, From and To included.
type Holiday struct {
	Name string `json:"name"`
	From Date   `json:"from"`
	To   Date   `json:"to"`
}

// Workday is a Saturday or Sunday that is worked to make up for a holiday.
type Workday struct {
	Date Date   `json:"date"`
	Name string `json:"name"`
}

//go:embed data/*.json
var embedded embed.FS

// maxYearFile bounds what ParseYear reads: a year is about 1 KiB, so anything
// near this is not a calendar.
const maxYearFile = 1 << 20

// ParseYear reads and validates one year file (format in the package
// comment). Errors are *linli.Error: EBadRequest when the JSON cannot be
// read, EInvalid with one FieldError per problem ("holidays[2].to": why)
// otherwise.
func ParseYear(r io.Reader) (Year, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxYearFile+1))
	if err != nil {
		return Year{}, err
	}
	if len(b) > maxYearFile {
		return Year{}, linli.Errorf(linli.ETooLarge, "calendar file is larger than %d bytes", maxYearFile)
	}
	var raw struct {
		Year     *int    `json:"year"`
		Source   *string `json:"source"`
		Holidays *[]struct {
			Name string `json:"name"`
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"holidays"`
		Workdays *[]struct {
			Date string `json:"date"`
			Name string `json:"name"`
		} `json:"workdays"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Year{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Year{}, linli.Errorf(linli.EBadRequest, "calendar file: data after the year object")
	}

	var p problems
	var y Year
	if raw.Year == nil {
		p.add("year", "missing")
	} else {
		y.Year = *raw.Year
	}
	if raw.Source != nil {
		y.Source = *raw.Source
	}
	date := func(field, s string) Date {
		if s == "" {
			p.add(field, "missing")
			return Date{}
		}
		d, err := ParseDate(s)
		if err != nil {
			p.add(field, err.Error())
		}
		return d
	}
	if raw.Holidays == nil {
		p.add("holidays", "missing")
	} else {
		for i, h := range *raw.Holidays {
			f := fmt.Sprintf("holidays[%d].", i)
			y.Holidays = append(y.Holidays, Holiday{Name: h.Name, From: date(f+"from", h.From), To: date(f+"to", h.To)})
		}
	}
	if raw.Workdays == nil {
		// An empty list is allowed (a year may need no make-up days); a
		// missing key is more likely a typo.
		p.add("workdays", "missing (write [] if the notice has no make-up working days)")
	} else {
		y.Workdays = []Workday{}
		for i, w := range *raw.Workdays {
			y.Workdays = append(y.Workdays, Workday{Date: date(fmt.Sprintf("workdays[%d].date", i), w.Date), Name: w.Name})
		}
	}
	if err := p.err(y.Year); err != nil {
		return Year{}, err
	}
	if err := y.Validate(); err != nil {
		return Year{}, err
	}
	return y, nil
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field == "" {
		// The file itself is a number or a list: there is no entry to name.
		return linli.Errorf(linli.EBadRequest, "calendar file: must be a JSON object, not %s", te.Value)
	}
	if errors.As(err, &te) {
		e := linli.Errorf(linli.EBadRequest, "calendar file: %s must be a JSON %s", te.Field, jsonKind(te.Type.Kind().String()))
		e.Fields = []linli.FieldError{{Field: te.Field, Reason: "wrong type: " + te.Value}}
		return e
	}
	return linli.Errorf(linli.EBadRequest, "calendar file: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func jsonKind(k string) string {
	switch k {
	case "int":
		return "number"
	case "slice":
		return "array"
	case "struct":
		return "object"
	}
	return k
}

// Validate checks what the notices always respect: dates inside the year (or
// in December of the year before, for a New Year arrangement), ranges that
// run forwards and do not overlap, make-up days on Saturdays or Sundays, and
// no day both off and worked. New calls it for every year.
func (y Year) Validate() error {
	var p problems
	if y.Year < 1900 || y.Year > 9999 {
		p.add("year", fmt.Sprintf("%d is not a year between 1900 and 9999", y.Year))
		return p.err(y.Year)
	}
	if strings.TrimSpace(y.Source) == "" {
		p.add("source", "missing: name the notice and its date")
	}
	inYear := func(field string, d Date) bool {
		switch {
		case !d.valid():
			p.add(field, fmt.Sprintf("%s is not a date", d))
		case d.Year == y.Year || d.Year == y.Year-1 && d.Month == time.December:
			return true
		default:
			p.add(field, fmt.Sprintf("%s is outside %d (only December %d may be rearranged by %d's notice)", d, y.Year, y.Year-1, y.Year))
		}
		return false
	}
	if len(y.Holidays) == 0 {
		p.add("holidays", "empty: every notice has days off")
	}
	var ok []int // holidays whose dates are usable for the overlap checks
	for i, h := range y.Holidays {
		f := fmt.Sprintf("holidays[%d]", i)
		if strings.TrimSpace(h.Name) == "" {
			p.add(f+".name", "missing")
		}
		a, b := inYear(f+".from", h.From), inYear(f+".to", h.To)
		if a && b {
			if h.To.num() < h.From.num() {
				p.add(f+".to", fmt.Sprintf("%s is before from %s", h.To, h.From))
			} else {
				ok = append(ok, i)
			}
		}
	}
	slices.SortStableFunc(ok, func(i, j int) int { return int(y.Holidays[i].From.num() - y.Holidays[j].From.num()) })
	for k := 1; k < len(ok); k++ {
		prev, cur := y.Holidays[ok[k-1]], y.Holidays[ok[k]]
		if cur.From.num() <= prev.To.num() {
			p.add(fmt.Sprintf("holidays[%d]", ok[k]), fmt.Sprintf("%s %s–%s overlaps holidays[%d] %s %s–%s",
				cur.Name, cur.From, cur.To, ok[k-1], prev.Name, prev.From, prev.To))
		}
	}
	seen := map[Date]int{}
	for i, w := range y.Workdays {
		f := fmt.Sprintf("workdays[%d]", i)
		if strings.TrimSpace(w.Name) == "" {
			p.add(f+".name", "missing")
		}
		if !inYear(f+".date", w.Date) {
			continue
		}
		if wd := w.Date.Weekday(); !isWeekend(wd) {
			p.add(f+".date", fmt.Sprintf("%s is a %s: a make-up working day must be a Saturday or Sunday", w.Date, wd))
		}
		if j, dup := seen[w.Date]; dup {
			p.add(f+".date", fmt.Sprintf("%s is listed twice (also workdays[%d])", w.Date, j))
		}
		seen[w.Date] = i
		for _, j := range ok {
			if h := y.Holidays[j]; h.From.num() <= w.Date.num() && w.Date.num() <= h.To.num() {
				p.add(f+".date", fmt.Sprintf("%s is also a day off in holidays[%d] %s", w.Date, j, h.Name))
			}
		}
	}
	return p.err(y.Year)
}

// problems collects every fault in a year so whoever edits the file can fix
// them in one go.
type problems []linli.FieldError

func (p *problems) add(field, reason string) {
	*p = append(*p, linli.FieldError{Field: field, Reason: reason})
}

func (p problems) err(year int) error {
	if len(p) == 0 {
		return nil
	}
	msgs := make([]string, len(p))
	for i, f := range p {
		msgs[i] = f.Field + ": " + f.Reason
	}
	e := linli.Errorf(linli.EInvalid, "calendar year %d: %s", year, strings.Join(msgs, "; "))
	e.Fields = p
	return e
}

// LoadDir reads every *.json file at the top of fsys (os.DirFS(dir) in a
// deployment) as a year. Two files for one year are an error. Errors name the
// file.
func LoadDir(fsys fs.FS) ([]Year, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var years []Year
	from := map[int]string{}
	for _, name := range names {
		y, err := loadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		if other, dup := from[y.Year]; dup {
			return nil, linli.Errorf(linli.EConflict, "calendar: %s and %s both hold the year %d", other, name, y.Year)
		}
		from[y.Year] = name
		years = append(years, y)
	}
	return years, nil
}

func loadFile(fsys fs.FS, name string) (Year, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return Year{}, err
	}
	defer f.Close()
	y, err := ParseYear(f)
	if err != nil {
		var le *linli.Error
		if errors.As(err, &le) {
			return Year{}, &linli.Error{Code: le.Code, Message: name + ": " + le.Message, Fields: le.Fields}
		}
		return Year{}, fmt.Errorf("calendar: %s: %w", name, err)
	}
	return y, nil
}
