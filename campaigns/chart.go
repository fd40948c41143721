package campaigns

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// bar is one bar of a chart: its label, its value and its colour.
type bar struct {
	Label string
	N     int
	Color string
}

// Chart colours (the statistics page's, contrast ≥ 3:1 on white).
const (
	colBlue  = "#2b6cb0"
	colGreen = "#2f7d4f"
	colRed   = "#b8322a"
	colAmber = "#9a6700"
	colGrey  = "#5d6670"
)

// barChart draws one horizontal bar per row as inline SVG (drawn on the
// server, no script): its title is the chart's accessible name, each bar
// carries its value as text; the page shows the same figures in a table.
func barChart(title string, bars []bar) template.HTML {
	const rowH, labelW, barW = 28, 130, 360
	maxV := 1
	for _, b := range bars {
		maxV = max(maxV, b.N)
	}
	h := len(bars)*rowH + 8
	var b strings.Builder
	t := html.EscapeString(title)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, labelW+barW+60, h, t, t)
	for i, x := range bars {
		y := 4 + i*rowH
		w := x.N * barW / maxV
		if x.N > 0 && w < 2 {
			w = 2
		}
		l := html.EscapeString(x.Label)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, labelW-8, y+16, l)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="16" rx="2" fill="%s"><title>%s %d</title></rect>`, labelW, y+4, w, x.Color, l, x.N)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="%s">%d</text>`, labelW+w+6, y+16, colGrey, x.N)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// dayChart draws findings per day as columns, hazards as the red part of
// each column.
func dayChart(title string, days []DayCount, labels [2]string) template.HTML {
	if len(days) == 0 {
		return ""
	}
	const h, left, bottom, top = 200, 36, 24, 22
	colW := max(6, min(40, 600/len(days)))
	w := left + colW*len(days) + 10
	maxV := 1
	for _, d := range days {
		maxV = max(maxV, d.Findings)
	}
	y := func(v int) int { return (h - bottom) - v*(h-bottom-top)/maxV }
	var b strings.Builder
	t := html.EscapeString(title)
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, max(w, 300), h, t, t)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ccc"/>`, left, h-bottom, w-10, h-bottom)
	fmt.Fprintf(&b, `<text x="4" y="%d" font-size="11" fill="%s">%d</text><text x="4" y="%d" font-size="11" fill="%s">0</text>`, top+4, colGrey, maxV, h-bottom, colGrey)
	for k, c := range []string{colBlue, colRed} {
		fmt.Fprintf(&b, `<rect x="%d" y="4" width="10" height="10" fill="%s"/><text x="%d" y="13" font-size="11">%s</text>`, left+k*120, c, left+14+k*120, html.EscapeString(labels[k]))
	}
	for i, d := range days {
		x := left + i*colW + 1
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s %d</title></rect>`, x, y(d.Findings), colW-2, h-bottom-y(d.Findings), colBlue, d.Day, html.EscapeString(labels[0]), d.Findings)
		if d.Hazards > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s %d</title></rect>`, x, y(d.Hazards), colW-2, h-bottom-y(d.Hazards), colRed, d.Day, html.EscapeString(labels[1]), d.Hazards)
		}
		if len(days) <= 10 || i == 0 || i == len(days)-1 || i%(len(days)/6+1) == 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="middle" fill="%s">%s</text>`, x+colW/2, h-6, colGrey, d.Day.String()[5:])
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
