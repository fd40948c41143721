package stats

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// BarChart draws one horizontal bar per row for the three rates, as inline
// SVG (server-rendered, no script, no external assets).
func BarChart(rows []Row, labels [3]string) template.HTML {
	if len(rows) == 0 {
		return ""
	}
	const rowH, labelW, barW, pad = 34, 150, 420, 8
	h := len(rows)*rowH + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, labelW+barW+70, h, html.EscapeString(strings.Join(labels[:], " / ")))
	colors := [3]string{"#2b6cb0", "#2f7d4f", "#b8322a"}
	for i, l := range labels {
		fmt.Fprintf(&b, `<rect x="%d" y="6" width="10" height="10" fill="%s"/><text x="%d" y="15" font-size="11">%s</text>`, labelW+i*120, colors[i], labelW+i*120+14, html.EscapeString(l))
	}
	for i, r := range rows {
		y := 28 + i*rowH
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, labelW-pad, y+18, html.EscapeString(truncate(r.Name, 12)))
		for j, rate := range []Rate{r.Rates.Response, r.Rates.Resolution, r.Rates.Satisfaction} {
			w := 0
			if rate.Valid {
				w = int(rate.Value * barW)
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="8" rx="2" fill="%s"><title>%s %s</title></rect>`, labelW, y+4+j*9, w, colors[j], html.EscapeString(labels[j]), rate.Percent())
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#5d6670">%s</text>`, labelW+barW+6, y+18, r.Rates.Composite.Percent())
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// TrendChart draws reported and closed cases per day as two lines.
func TrendChart(ps []Point, labels [2]string) template.HTML {
	if len(ps) == 0 {
		return ""
	}
	const w, h, left, bottom = 640, 200, 36, 24
	maxV := 1
	for _, p := range ps {
		maxV = max(maxV, p.Reported, p.Closed)
	}
	x := func(i int) float64 {
		if len(ps) == 1 {
			return left
		}
		return left + float64(i)*float64(w-left-10)/float64(len(ps)-1)
	}
	y := func(v int) float64 { return float64(h-bottom) - float64(v)*float64(h-bottom-14)/float64(maxV) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, html.EscapeString(labels[0]+" / "+labels[1]))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ccc"/>`, left, h-bottom, w-10, h-bottom)
	fmt.Fprintf(&b, `<text x="4" y="18" font-size="11" fill="#5d6670">%d</text><text x="4" y="%d" font-size="11" fill="#5d6670">0</text>`, maxV, h-bottom)
	for k, color := range []string{"#b8322a", "#2f7d4f"} {
		var pts []string
		for i, p := range ps {
			v := p.Reported
			if k == 1 {
				v = p.Closed
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(v)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, color, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<rect x="%d" y="4" width="10" height="10" fill="%s"/><text x="%d" y="13" font-size="11">%s</text>`, left+20+k*110, color, left+34+k*110, html.EscapeString(labels[k]))
	}
	for i, p := range ps {
		if i == 0 || i == len(ps)-1 || len(ps) <= 10 || i%(len(ps)/6+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="10" text-anchor="middle" fill="#5d6670">%s</text>`, x(i), h-6, p.Day.Format("01-02"))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
