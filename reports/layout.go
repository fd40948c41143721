package reports

import "html/template"

// The A4 print is laid out here, not left to the browser's page breaks:
// every row, heading and chart has a fixed height in the print CSS
// (web/static/report-print.css: rows 6 mm, never wrapping), so the blocks
// are packed into pages whose content is known to fit the printable
// height. Each page is one sheet of paper (break-after: page); the
// browser test checks that Chromium's PDF has exactly as many pages as
// the layout made, which it would not if a page overflowed and an element
// were cut at its edge.

// Heights in millimetres, as the print CSS fixes them.
const (
	pageBudget = 250.0 // of the 273 mm an A4 page with 12 mm margins holds
	headH      = 30.0  // the title block
	sectionH   = 10.0  // a section heading
	rowH       = 6.0   // a table row, the header row too
	noteH      = 6.0   // the note under a table
	footH      = 8.0   // the page footer
	chartW     = 186.0 // the printable width the charts are scaled to
	maxBars    = 12    // rows of the units chart (the table has them all)
)

// Block is one piece of a printed page.
type Block struct {
	Head    bool // the title block
	Title   string
	Cont    bool // a table continued from the page before
	Table   *Table
	Rows    [][]any // the table's rows on this page
	Note    string
	Chart   template.HTML
	ChartMM float64 // the chart's height
}

// Page is one printed A4 page.
type Page struct {
	Blocks []Block
	N, Of  int
}

// chart is a chart to print: its SVG and the viewBox it is drawn in.
type chart struct {
	title string
	svg   template.HTML
	w, h  float64
}

// paginate packs the title, the charts and the tables into pages.
func paginate(charts []chart, tables []Table) []Page {
	var pages []Page
	cur := Page{Blocks: []Block{{Head: true}}}
	used := headH + footH
	next := func() {
		pages = append(pages, cur)
		cur, used = Page{}, footH
	}
	for _, c := range charts {
		if c.svg == "" {
			continue
		}
		h := c.h * chartW / c.w
		if used+sectionH+h > pageBudget {
			next()
		}
		cur.Blocks = append(cur.Blocks, Block{Title: c.title, Chart: c.svg, ChartMM: h})
		used += sectionH + h
	}
	for i := range tables {
		tb := &tables[i]
		rows := tb.Rows
		if len(rows) == 0 {
			rows = [][]any{nil} // the "none" row
		}
		cont := false
		for len(rows) > 0 {
			// A heading, the header row and at least two rows (or all
			// there are) stay together.
			if used+sectionH+rowH*float64(1+min(2, len(rows))) > pageBudget {
				next()
			}
			fit := int((pageBudget - used - sectionH - rowH) / rowH)
			n := min(fit, len(rows))
			note := ""
			if n == len(rows) && tb.Note != "" {
				if used+sectionH+rowH*float64(1+n)+noteH > pageBudget {
					n--
				} else {
					note = tb.Note
				}
			}
			if n <= 0 {
				next()
				continue
			}
			b := Block{Title: tb.Title, Cont: cont, Table: tb, Rows: rows[:n], Note: note}
			used += sectionH + rowH*float64(1+n)
			if note != "" {
				used += noteH
			}
			cur.Blocks = append(cur.Blocks, b)
			rows, cont = rows[n:], true
		}
	}
	pages = append(pages, cur)
	for i := range pages {
		pages[i].N, pages[i].Of = i+1, len(pages)
	}
	return pages
}
