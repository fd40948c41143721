package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"linli"
	"linli/registry/ledger"
	"linli/storage"
)

// An import is shown before it is committed. A ledger file once overwrote
// a real household with the template's example people because nothing
// showed what the file would do; now the preview lists the households to
// add, the households to change with every field old → new (members
// included, numbers masked) and how many stay as they are, and the commit
// writes exactly that or nothing:
//
//   - the preview is a plan computed from the parsed file and the register;
//     its SHA-256 over the plain values (the "plan hash") stays on the server;
//   - the page (and the API with dry_run=true) keeps the uploaded file in
//     ledger_uploads under a random token with that hash; confirming parses
//     the file again and recomputes the plan inside the committing
//     transaction, and refuses with 409 when the hash differs — the register
//     changed between preview and confirmation;
//   - unchanged households are not written at all.
//
// The file is kept in its own table rather than the attachments store:
// attachments belong to a record and are kept for good, a staged upload
// belongs to nobody yet and is dropped after a day or when confirmed.

// ImportPreview is what importing a file would change.
type ImportPreview struct {
	Households int             `json:"households"` // in the file
	Add        []HouseholdDiff `json:"add"`
	Change     []HouseholdDiff `json:"change"`
	Unchanged  int             `json:"unchanged"`
	// Token confirms this preview: POST the import again with ?token=.
	// Empty when the preview was not kept (the CLI's --dry-run).
	Token string `json:"token,omitempty"`
}

// HouseholdDiff is one household the import adds or changes. For an added
// household every field is listed with an empty Old.
type HouseholdDiff struct {
	Row         int           `json:"row"`                    // spreadsheet row
	HouseholdID int64         `json:"household_id,omitempty"` // 0 when added
	Estate      string        `json:"estate"`
	Building    string        `json:"building"`
	Unit        string        `json:"unit"`
	Room        string        `json:"room"`
	Fields      []FieldChange `json:"fields"`
}

// FieldChange is one field of a household before and after the import.
// Members are fields named "成员 <name>"; an empty Old is a member added,
// an empty New one removed. Phone and ID numbers are masked.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// importStep is what the commit does with one household of the file.
type importStep int

const (
	stepAdd importStep = iota
	stepChange
	stepSame
)

// onFile is a household the register already has, as the ledger sees it.
type onFile struct {
	id int64
	h  ledger.Household
}

type unitRoom struct {
	unit int64
	room string
}

// householdsOnFile loads the community's households with their members,
// keyed by unit and room as the import matches them.
func householdsOnFile(ctx context.Context, q storage.Querier, path string) (map[unitRoom]*onFile, error) {
	out := map[unitRoom]*onFile{}
	byID := map[int64]*onFile{}
	err := storage.Each(ctx, q, func(rows *sql.Rows) error {
		var unit int64
		h := &onFile{}
		if err := rows.Scan(&h.id, &unit, &h.h.Room, &h.h.Floor, &h.h.AreaCenti, &h.h.Note); err != nil {
			return err
		}
		out[unitRoom{unit, h.h.Room}] = h
		byID[h.id] = h
		return nil
	}, `SELECT id, unit_id, room, floor, area_centi, note FROM households WHERE path LIKE ?`, path+"%")
	if err != nil {
		return nil, fmt.Errorf("registry: households on file: %w", err)
	}
	err = storage.Each(ctx, q, func(rows *sql.Rows) error {
		var hid, owner int64
		var m ledger.Member
		if err := rows.Scan(&hid, &m.Name, &m.Relation, &owner, &m.Phone, &m.IDNumber); err != nil {
			return err
		}
		m.IsOwner = owner != 0
		if h := byID[hid]; h != nil {
			h.h.Members = append(h.h.Members, m)
		}
		return nil
	}, `SELECT m.household_id, p.name, m.relation, m.is_owner, p.phone, p.id_number
		FROM household_members m JOIN people p ON p.id = m.person_id JOIN households h ON h.id = m.household_id
		WHERE h.path LIKE ? ORDER BY m.household_id, m.sort, m.id`, path+"%")
	if err != nil {
		return nil, fmt.Errorf("registry: members on file: %w", err)
	}
	return out, nil
}

// planImport compares the file with the register. It returns the preview
// (numbers masked), what to do with each household of hs, and the plan
// hash over the plain values. Rows must have passed registerProblems.
func planImport(ctx context.Context, q storage.Querier, comm Node, estates map[string]Node, byParent map[placeKey]Node, hs []ledger.Household) (ImportPreview, []importStep, string, error) {
	have, err := householdsOnFile(ctx, q, comm.Path)
	if err != nil {
		return ImportPreview{}, nil, "", err
	}
	p := ImportPreview{Households: len(hs), Add: []HouseholdDiff{}, Change: []HouseholdDiff{}}
	steps := make([]importStep, len(hs))
	sum := sha256.New()
	for i, h := range hs {
		var old *onFile
		if b, ok := byParent[placeKey{estates[h.Estate].ID, h.Building}]; ok {
			if u, ok := byParent[placeKey{b.ID, h.Unit}]; ok {
				old = have[unitRoom{u.ID, h.Room}]
			}
		}
		d := HouseholdDiff{Row: h.Row, Estate: h.Estate, Building: h.Building, Unit: h.Unit, Room: h.Room}
		var before ledger.Household
		if old != nil {
			d.HouseholdID, before = old.id, old.h
		}
		fmt.Fprintf(sum, "%d\x00%s\x00%s\x00%s\x00%s\x00%d\x1e", h.Row, h.Estate, h.Building, h.Unit, h.Room, d.HouseholdID)
		d.Fields = diffHousehold(before, h, old != nil, sum)
		switch {
		case old == nil:
			steps[i] = stepAdd
			p.Add = append(p.Add, d)
		case len(d.Fields) > 0:
			steps[i] = stepChange
			p.Change = append(p.Change, d)
		default:
			steps[i] = stepSame
			p.Unchanged++
		}
	}
	return p, steps, hex.EncodeToString(sum.Sum(nil)), nil
}

// diffHousehold lists the fields that differ between the register's
// household and the file's, masked, and writes them plain to sum. For a
// household not on file (onFile false) every field of the file's is listed.
func diffHousehold(old, h ledger.Household, onFile bool, sum hash.Hash) []FieldChange {
	out := []FieldChange{}
	field := func(name, o, n, oShown, nShown string) {
		if onFile && o == n {
			return
		}
		if !onFile && n == "" {
			return
		}
		fmt.Fprintf(sum, "%s\x00%s\x00%s\x1e", name, o, n)
		out = append(out, FieldChange{Field: name, Old: oShown, New: nShown})
	}
	plain := func(name, o, n string) { field(name, o, n, o, n) }
	floor := func(h ledger.Household) string {
		if !onFile && h.Floor == 0 {
			return ""
		}
		return strconv.Itoa(h.Floor)
	}
	area := func(h ledger.Household) string {
		if h.AreaCenti == 0 {
			return ""
		}
		return ledger.FormatArea(h.AreaCenti)
	}
	if onFile {
		plain("楼层", floor(old), floor(h))
		plain("建筑面积(㎡)", area(old), area(h))
	} else {
		plain("楼层", "", floor(h))
		plain("建筑面积(㎡)", "", area(h))
	}
	// Members are matched by name, as the import matches them (a second
	// person of the same name is "name (2)"); the order is not a change.
	key := func(ms []ledger.Member) (map[string]ledger.Member, []string) {
		m, order, seen := map[string]ledger.Member{}, []string{}, map[string]int{}
		for _, x := range ms {
			seen[x.Name]++
			k := x.Name
			if n := seen[x.Name]; n > 1 {
				k = fmt.Sprintf("%s (%d)", x.Name, n)
			}
			m[k] = x
			order = append(order, k)
		}
		return m, order
	}
	oldM, oldOrder := key(old.Members)
	newM, newOrder := key(h.Members)
	for _, k := range newOrder {
		o, had := oldM[k]
		var oPlain, oShown string
		if had {
			oPlain, oShown = memberText(o, false), memberText(o, true)
		}
		n := newM[k]
		field("成员 "+k, oPlain, memberText(n, false), oShown, memberText(n, true))
	}
	for _, k := range oldOrder {
		if _, kept := newM[k]; !kept {
			o := oldM[k]
			field("成员 "+k, memberText(o, false), "", memberText(o, true), "")
		}
	}
	plain("备注", old.Note, h.Note)
	return out
}

// memberText describes a member for the preview: relation, ownership,
// phone and ID number, masked when mask is set.
func memberText(m ledger.Member, mask bool) string {
	parts := []string{ledger.RelationLabel(m.Relation)}
	if m.IsOwner && m.Relation != ledger.RelationOwner {
		parts = append(parts, "共有产权 / co-owner")
	}
	phone, id := m.Phone, m.IDNumber
	if mask {
		phone, id = MaskPhone(phone), MaskID(id)
	}
	if phone != "" {
		parts = append(parts, phone)
	}
	if id != "" {
		parts = append(parts, "身份证 "+id)
	}
	return strings.Join(parts, "，")
}

// checkedImport is what both preview and commit start from: the community
// the actor may import into and rows that fit its register.
func (s *Service) importTarget(ctx context.Context, a *linli.Actor, communityID int64) (Node, error) {
	comm, err := s.node(ctx, s.DB, communityID)
	if err != nil {
		return Node{}, err
	}
	if !a.Can(linli.PermRegistryWrite, comm.Path) {
		return Node{}, refused(a, comm.Path, errNotFound("地点", "place"))
	}
	if comm.Kind != KindCommunity {
		return Node{}, linli.Invalid("只能导入到社区 / import into a community", linli.FieldError{Field: "community_id", Reason: "不是社区 / not a community"})
	}
	return comm, nil
}

// PreviewImport says what importing parsed rows into a community would
// change, without writing. Rows that do not fit the register are a 422,
// as they are for Import.
func (s *Service) PreviewImport(ctx context.Context, a *linli.Actor, communityID int64, hs []ledger.Household) (ImportPreview, error) {
	p, _, err := s.preview(ctx, a, communityID, hs)
	return p, err
}

func (s *Service) preview(ctx context.Context, a *linli.Actor, communityID int64, hs []ledger.Household) (ImportPreview, string, error) {
	comm, err := s.importTarget(ctx, a, communityID)
	if err != nil {
		return ImportPreview{}, "", err
	}
	if len(hs) == 0 {
		return ImportPreview{}, "", errNoRows()
	}
	estates, byParent, err := indexPlaces(ctx, s.DB, comm)
	if err != nil {
		return ImportPreview{}, "", err
	}
	if bad := registerProblems(comm, estates, byParent, hs); len(bad) > 0 {
		return ImportPreview{}, "", errProblems(bad)
	}
	p, _, plan, err := planImport(ctx, s.DB, comm, estates, byParent, hs)
	return p, plan, err
}

// uploadTTL is how long a previewed file waits for its confirmation.
const uploadTTL = 24 * 60 * 60 * 1000 // ms

// PreviewFile parses an uploaded ledger and previews its import; the file
// is kept under the returned preview's Token for ConfirmImport. Parse and
// register problems come back together in one 422.
func (s *Service) PreviewFile(ctx context.Context, a *linli.Actor, communityID int64, name string, data []byte, format string) (ImportPreview, error) {
	hs, err := s.parseUpload(ctx, a, communityID, data, format)
	if err != nil {
		return ImportPreview{}, err
	}
	p, plan, err := s.preview(ctx, a, communityID, hs)
	if err != nil {
		return ImportPreview{}, err
	}
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return ImportPreview{}, err
	}
	token := hex.EncodeToString(raw[:])
	digest := sha256.Sum256(data)
	now := storage.Millis(s.now())
	err = s.DB.InTx(ctx, func(tx *storage.Tx) error {
		// One waiting file per account and community, none older than a day.
		if _, err := tx.Exec(ctx, `DELETE FROM ledger_uploads WHERE created_at < ? OR (account_id = ? AND community_id = ?)`,
			now-uploadTTL, a.AccountID, communityID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO ledger_uploads (token, community_id, account_id, name, format, data, sha256, plan, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, token, communityID, a.AccountID, name, format, data, hex.EncodeToString(digest[:]), plan, now)
		return err
	})
	if err != nil {
		return ImportPreview{}, err
	}
	p.Token = token
	return p, nil
}

// errPreviewGone is the answer to a token that is unknown, expired, used
// or someone else's.
func errPreviewGone() error {
	return linli.Errorf(linli.ENotFound, "预览已失效（已导入、已过期或被新的上传替代），请重新上传文件 / the preview is gone (imported, expired or replaced by a newer upload); upload the file again")
}

// ConfirmImport commits the file previewed under token, exactly as
// previewed: the plan is recomputed in the committing transaction and a
// register that changed since the preview is a 409.
func (s *Service) ConfirmImport(ctx context.Context, a *linli.Actor, communityID int64, token string) (ImportResult, error) {
	if _, err := s.importTarget(ctx, a, communityID); err != nil {
		return ImportResult{}, err
	}
	var format, plan, digest string
	var data []byte
	var created int64
	err := s.DB.QueryRow(ctx, `SELECT format, data, plan, sha256, created_at FROM ledger_uploads WHERE token = ? AND account_id = ? AND community_id = ?`,
		token, a.AccountID, communityID).Scan(&format, &data, &plan, &digest, &created)
	if err != nil || created < storage.Millis(s.now())-uploadTTL {
		if err != nil && !isNoRows(err) {
			return ImportResult{}, err
		}
		return ImportResult{}, errPreviewGone()
	}
	hs, err := s.parseUpload(ctx, a, communityID, data, format)
	if err != nil {
		return ImportResult{}, err
	}
	return s.commitImport(ctx, a, communityID, hs, confirmation{token: token, plan: plan, file: digest})
}
