package linli_test

// The README's layout table, made executable: which package may import
// which, which package owns which tables, and that rows are read only
// through storage's helpers. Each failure names the rule it broke.

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "linli"

// layoutRow is one row of the README's "Layout of the code" table.
type layoutRow struct {
	pkg     string   // "cases", "registry/ledger", "." for the root
	imports []string // linli packages it may import ("*" for any)
	tables  []string // tables it owns; "project_*" matches a prefix; "*" alone: names any, owns none
}

// readLayout parses the README table whose header starts with "| folder |".
func readLayout(t *testing.T) []layoutRow {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []layoutRow
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "| folder |") {
			in = true
			continue
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 4 || strings.HasPrefix(strings.TrimSpace(cells[0]), "---") {
			continue
		}
		folder := strings.Trim(strings.TrimSpace(cells[0]), "`")
		folder = strings.TrimSuffix(folder, "/")
		if strings.HasPrefix(folder, "*.go") {
			folder = "."
		}
		rows = append(rows, layoutRow{pkg: folder, imports: codeWords(cells[2]), tables: codeWords(cells[3])})
	}
	if len(rows) == 0 {
		t.Fatal("README.md: no layout table (a header row starting with \"| folder |\")")
	}
	return rows
}

// codeWords returns the `quoted` words of a table cell.
func codeWords(cell string) []string {
	var out []string
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(cell, -1) {
		out = append(out, strings.TrimSuffix(m[1], "/"))
	}
	return out
}

// goPackages maps each folder holding non-test Go files to those files.
func goPackages(t *testing.T) map[string][]string {
	t.Helper()
	pkgs := map[string][]string{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			dir := filepath.ToSlash(filepath.Dir(p))
			pkgs[dir] = append(pkgs[dir], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// rowFor finds the layout row of the folder dir.
func rowFor(rows []layoutRow, dir string) (layoutRow, bool) {
	for _, r := range rows {
		if r.pkg == dir {
			return r, true
		}
	}
	return layoutRow{}, false
}

func TestLayoutImports(t *testing.T) {
	rows := readLayout(t)
	fset := token.NewFileSet()
	for dir, files := range goPackages(t) {
		row, ok := rowFor(rows, dir)
		if !ok {
			t.Errorf("%s: package not in README's layout table: add a row saying what it is, what it may import and which tables it owns", dir)
			continue
		}
		allowed := map[string]bool{}
		for _, imp := range row.imports {
			allowed[imp] = true
		}
		for _, file := range files {
			f, err := parser.ParseFile(fset, file, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, is := range f.Imports {
				p, _ := strconv.Unquote(is.Path.Value)
				if p != module && !strings.HasPrefix(p, module+"/") {
					continue
				}
				rel := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
				if rel == "" {
					rel = "."
				}
				if rel == dir || allowed["*"] || allowed[rel] || (rel == "." && allowed["linli"]) {
					continue
				}
				t.Errorf("%s imports %s, which README's layout table does not allow for %s (may import: %s)",
					file, p, row.pkg, strings.Join(row.imports, ", "))
			}
		}
	}
}

// sqlTable finds the tables a statement names.
var sqlTable = regexp.MustCompile(`(?i)\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF (?:NOT )?EXISTS)?)\s+([a-z_][a-z0-9_]*)\b`)

// migrationTables lists the tables the migrations create.
func migrationTables(t *testing.T) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	create := regexp.MustCompile(`(?i)CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)`)
	files, err := filepath.Glob("storage/migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range create.FindAllStringSubmatch(string(b), -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				out = append(out, m[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

// owner returns the package owning table.
func owner(rows []layoutRow, table string) (string, bool) {
	for _, r := range rows {
		for _, pat := range r.tables {
			if pat == "*" { // a measuring tool: names any table, owns none
				continue
			}
			if pat == table || (strings.HasSuffix(pat, "*") && strings.HasPrefix(table, strings.TrimSuffix(pat, "*"))) {
				return r.pkg, true
			}
		}
	}
	return "", false
}

func TestLayoutTableOwners(t *testing.T) {
	v := newViolations(t)
	defer v.check()
	rows := readLayout(t)
	tables := migrationTables(t)
	known := map[string]bool{}
	for _, tb := range tables {
		known[tb] = true
		if _, ok := owner(rows, tb); !ok {
			t.Errorf("table %s (storage/migrations) has no owner in README's layout table", tb)
		}
	}
	fset := token.NewFileSet()
	for dir, files := range goPackages(t) {
		row, ok := rowFor(rows, dir)
		if ok && slices.Contains(row.tables, "*") && !strings.HasPrefix(dir, "cmd/linli-bench") {
			t.Errorf("%s: owns `*` in README's layout table, which only the measuring tools (cmd/linli-bench) may: name the tables it owns", dir)
		}
		if !ok || dir == "storage" || slices.Contains(row.tables, "*") { // storage runs the migrations; "*" marks the bulk measuring tools
			continue
		}
		for _, file := range files {
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				for _, m := range sqlTable.FindAllStringSubmatch(s, -1) {
					tb := strings.ToLower(m[1])
					if !known[tb] {
						continue
					}
					own, _ := owner(rows, tb)
					if own == row.pkg {
						continue
					}
					v.add(file, "table "+tb, fmt.Sprintf("%s: SQL names table %s, which %s owns; call %s's read functions instead (README layout table)",
						fset.Position(lit.Pos()), tb, own, own))
				}
				return true
			})
		}
	}
}

// TestRowsReadThroughStorage fails on a "for rows.Next()" loop outside
// package storage: storage.Each/Select/Scalars always check rows.Err(), so
// a connection lost halfway is an error, never a short list.
func TestRowsReadThroughStorage(t *testing.T) {
	v := newViolations(t)
	defer v.check()
	fset := token.NewFileSet()
	for dir, files := range goPackages(t) {
		// storage, and its test helper that copies whole schemas over a
		// held *sql.Conn (no Querier there), read rows themselves.
		if dir == "storage" || dir == "storage/storagetest" {
			continue
		}
		for _, file := range files {
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			if spreadsheetOnly(f) { // excelize's row iterator has a Next of its own
				continue
			}
			ast.Inspect(f, func(n ast.Node) bool {
				loop, ok := n.(*ast.ForStmt)
				if !ok || loop.Cond == nil {
					return true
				}
				call, ok := loop.Cond.(*ast.CallExpr)
				if !ok || len(call.Args) != 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if ok && sel.Sel.Name == "Next" {
					v.add(file, "rows loop", fmt.Sprintf("%s: a loop over rows.Next(); read rows with storage.Each, storage.Select or storage.Scalars, which check rows.Err()",
						fset.Position(loop.Pos())))
				}
				return true
			})
		}
	}
}

// violations collects the breaches a test finds and reports each.
type violations struct {
	t     *testing.T
	found []string
}

func newViolations(t *testing.T) *violations { return &violations{t: t} }

func (v *violations) add(file, rule, msg string) { v.found = append(v.found, msg) }

func (v *violations) check() {
	sort.Strings(v.found)
	for _, msg := range v.found {
		v.t.Error(msg)
	}
}

// spreadsheetOnly reports whether the file reads spreadsheets and not the
// database: its Next loops are over excelize rows.
func spreadsheetOnly(f *ast.File) bool {
	sheet, db := false, false
	for _, is := range f.Imports {
		switch p, _ := strconv.Unquote(is.Path.Value); {
		case strings.HasPrefix(p, "github.com/xuri/excelize"):
			sheet = true
		case p == "database/sql" || p == module+"/storage":
			db = true
		}
	}
	return sheet && !db
}

// TestNoInlineStyles keeps templates free of <style> elements and style
// attributes, so the Content-Security-Policy can forbid inline styles
// (style-src 'self'): all styling lives in web/static.
func TestNoInlineStyles(t *testing.T) {
	inline := regexp.MustCompile(`(?i)<style|\sstyle\s*=`)
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != "." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if inline.MatchString(line) {
				t.Errorf("%s:%d: inline style; use a class in web/static's CSS (the CSP forbids inline styles)", p, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
