package cases

import (
	"context"
	"database/sql"
	"strings"
	"unicode"
	"unicode/utf8"

	"linli"
	"linli/storage"
)

// Search finds what a caller quotes: a fragment of the case number in any
// case (20261124-0001, xy-2026), the reporter's name, a room (602), words
// of the problem, and — for those who may see phones — a phone number or
// part of it. It is a trigram index (SQLite FTS5's trigram tokenizer,
// PostgreSQL's pg_trgm), which handles Chinese without word segmentation;
// migration 0037 holds the index table, case_search.
//
// Trigrams need three characters. A two-character term ("漏水", "王芳",
// "12") is looked up in the pairs column, where every two adjacent
// characters of the document are written followed by '|': "漏水|" is a
// three-character query again. A one-character term is refused with a
// field error (it would match most cases). Several terms separated by
// spaces must all match.

// searchDoc is what the index holds for a case.
type searchDoc struct {
	doc, phone, pairs string
}

// makeSearchDoc builds the indexed texts of a case; label is the readable
// place (荟萃花园南区1号楼3单元602).
func makeSearchDoc(c Case, label, phone string) searchDoc {
	parts := []string{c.Number, c.Title, c.Description, c.ReporterName, label, c.Address}
	var b strings.Builder
	var pairs strings.Builder
	for _, p := range parts {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		b.WriteString(p)
		b.WriteString(" \n")
		r := []rune(p)
		for i := 0; i+1 < len(r); i++ {
			if unicode.IsSpace(r[i]) || unicode.IsSpace(r[i+1]) {
				continue
			}
			pairs.WriteRune(r[i])
			pairs.WriteRune(r[i+1])
			pairs.WriteByte('|')
		}
	}
	return searchDoc{doc: b.String(), phone: digits(phone), pairs: pairs.String()}
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// indexCase writes the search document of a case in the caller's
// transaction. Call it wherever a case's number, title, description,
// reporter, place or phone is written.
func (s *Service) indexCase(ctx context.Context, tx *storage.Tx, id int64, d searchDoc) error {
	if _, err := tx.Exec(ctx, `DELETE FROM case_search WHERE `+s.searchKey()+` = ?`, id); err != nil {
		return err
	}
	return s.indexNew(ctx, tx, id, d)
}

// indexNew writes the first search document of a case just inserted
// (cases are never deleted, so its id has none yet): one statement less
// per report than indexCase.
func (s *Service) indexNew(ctx context.Context, tx *storage.Tx, id int64, d searchDoc) error {
	return tx.Queue(ctx, `INSERT INTO case_search (`+s.searchKey()+`, doc, phone, pairs) VALUES (?, ?, ?, ?)`, id, d.doc, d.phone, d.pairs)
}

// searchKey is case_search's case column: the FTS5 table's rowid on SQLite.
func (s *Service) searchKey() string {
	if s.DB.Dialect == storage.SQLite {
		return "rowid"
	}
	return "case_id"
}

// IndexPending indexes the cases listed in case_search_todo (those written
// before migration 0037, or in bulk by a measuring tool), in batches, and
// returns how many it indexed. It runs at start (Seed); on a street of a
// million cases it takes minutes once.
func (s *Service) IndexPending(ctx context.Context) (int, error) {
	done := 0
	labels := map[int64]string{}
	for {
		ids, err := storage.Scalars[int64](ctx, s.DB, `SELECT case_id FROM case_search_todo ORDER BY case_id LIMIT 2000`)
		if err != nil || len(ids) == 0 {
			return done, err
		}
		first, last := ids[0], ids[len(ids)-1]
		err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
			type row struct {
				c     Case
				phone string
			}
			rows, err := storage.Select(ctx, tx, func(rs *sql.Rows) (row, error) {
				var phone string
				c, err := scanCase(scanWith{rs, &phone})
				return row{c, phone}, err
			}, `SELECT `+caseColumns+`, c.reporter_phone`+caseFrom+` WHERE c.id BETWEEN ? AND ? AND c.id IN (SELECT case_id FROM case_search_todo)`, first, last)
			if err != nil {
				return err
			}
			for _, r := range rows {
				label, ok := labels[r.c.LocationID]
				if !ok {
					if p, err := s.locate(ctx, tx, r.c.LocationID); err == nil {
						label = p.Label
					}
					labels[r.c.LocationID] = label
				}
				if r.c.HouseholdID != 0 {
					if h, err := s.Registry.HouseholdAt(ctx, tx, r.c.HouseholdID); err == nil {
						label += h.Room
					}
				}
				if err := s.indexCase(ctx, tx, r.c.ID, makeSearchDoc(r.c, label, r.phone)); err != nil {
					return err
				}
			}
			_, err = tx.Exec(ctx, `DELETE FROM case_search_todo WHERE case_id BETWEEN ? AND ?`, first, last)
			return err
		})
		if err != nil {
			return done, err
		}
		done += len(ids)
	}
}

// scanWith scans a case's columns and then more.
type scanWith struct {
	r     scanner
	extra *string
}

func (s scanWith) Scan(dst ...any) error { return s.r.Scan(append(dst, s.extra)...) }

// searchTerm is one word of a query and the column it is looked up in.
type searchTerm struct {
	text  string // lower case
	pairs bool   // two characters: looked up as "xy|" in pairs
}

// parseSearch splits a query into terms. One-character terms are refused:
// a trigram index cannot look them up, and they would match most cases.
func parseSearch(q string) ([]searchTerm, error) {
	var out []searchTerm
	for _, w := range strings.Fields(strings.ToLower(q)) {
		switch n := utf8.RuneCountInString(w); {
		case n == 1:
			return nil, linli.Invalid("搜索词太短 / search term too short",
				linli.FieldError{Field: "q", Reason: "每个搜索词至少2个字 / each search term needs at least 2 characters"})
		case n == 2:
			out = append(out, searchTerm{text: w, pairs: true})
		default:
			out = append(out, searchTerm{text: w})
		}
	}
	return out, nil
}

// searchMatch is the whole search as one FTS5 query, when it can be one:
// on SQLite, for an actor who may see phones everywhere it reads cases
// (a phone-like term also matches the phone column) or nowhere (it never
// does). Mixed rights take searchCond, which limits the phone to its
// scopes.
func (s *Service) searchMatch(a *linli.Actor, terms []searchTerm) (string, bool) {
	if s.DB.Dialect != storage.SQLite {
		return "", false
	}
	reads, phones := a.Scopes(linli.PermCasesRead), 0
	for _, sc := range reads {
		if a.Can(linli.PermPeopleReveal, sc) {
			phones++
		}
	}
	if phones != 0 && phones != len(reads) {
		return "", false
	}
	var parts []string
	for _, t := range terms {
		q := `"` + strings.ReplaceAll(t.pattern(), `"`, `""`) + `"`
		cols := t.column()
		if phones > 0 && !t.pairs && digits(t.text) == t.text {
			cols = "doc phone"
		}
		parts = append(parts, "{"+cols+"} : "+q)
	}
	return strings.Join(parts, " AND "), true
}

// searchCond is the condition on c.id of a search: every term matches the
// document, or — in phoneScopes, the places where the actor may see
// phones — the reporter's phone. With no phoneScopes a phone matches
// nothing.
func (s *Service) searchCond(terms []searchTerm, phoneScopes []string) (string, []any) {
	var conds []string
	var args []any
	for _, t := range terms {
		cond, arg := s.termCond(t.column(), t.pattern())
		args = append(args, arg)
		if len(phoneScopes) > 0 && !t.pairs && digits(t.text) == t.text {
			phone, parg := s.termCond("phone", t.pattern())
			scope, sargs := storage.ScopeFilter("c.path", phoneScopes)
			cond = `(` + cond + ` OR (` + phone + ` AND ` + scope + `))`
			args = append(append(args, parg), sargs...)
		}
		conds = append(conds, cond)
	}
	return strings.Join(conds, " AND "), args
}

func (t searchTerm) column() string {
	if t.pairs {
		return "pairs"
	}
	return "doc"
}

// pattern is the text looked up: "xy|" for a two-character term.
func (t searchTerm) pattern() string {
	if t.pairs {
		return t.text + "|"
	}
	return t.text
}

// termCond looks text up in one column of the index: an FTS5 phrase with a
// column filter on SQLite, a trigram-indexed LIKE on PostgreSQL.
func (s *Service) termCond(column, text string) (string, any) {
	if s.DB.Dialect == storage.SQLite {
		return `c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)`, `{` + column + `} : "` + strings.ReplaceAll(text, `"`, `""`) + `"`
	}
	return `c.id IN (SELECT case_id FROM case_search WHERE ` + column + ` LIKE ?)`, "%" + likeEscape(text) + "%"
}

// likeEscape escapes LIKE's wildcards (PostgreSQL's default escape is \).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
