package open311

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"linli"
	"linli/cases"
	"linli/registry/ledger"
	"linli/storage"
)

// NewRequest is a POST requests, as a client sends it (form-encoded).
type NewRequest struct {
	APIKey        string
	Jurisdiction  string
	ServiceCode   string
	Lat, Long     string
	AddressString string
	AddressID     string // household:ID or building:ID
	Email         string
	Phone         string
	FirstName     string
	LastName      string
	Description   string
	MediaURL      string
	Attributes    map[string]string // attribute[code]
	DeviceID      string
	AccountID     string
	Locale        string // "en…": the service notice in English
}

// PostRequest opens a case for an integrator's request. It answers the
// case number at once, or a token for a moderated account. Everything is
// checked before anything is written: a bad key or a place outside the
// integrator's scope creates nothing.
func (s *Service) PostRequest(ctx context.Context, in NewRequest) (Created, error) {
	ig, err := s.integratorForKey(ctx, in.APIKey)
	if err != nil {
		return Created{}, err
	}
	if err := s.allow(ctx, ig); err != nil {
		return Created{}, err
	}
	if strings.TrimSpace(in.ServiceCode) == "" {
		return Created{}, linli.Errorf(linli.EBadRequest, "缺少 service_code / service_code is required")
	}
	cat, err := s.service(ctx, in.ServiceCode)
	if err != nil {
		return Created{}, err
	}
	nc := cases.NewCase{Category: cat.Code, Source: cases.SourceOpen311, SourceRef: "open311:" + strconv.FormatInt(ig.ID, 10),
		Address: strings.TrimSpace(in.AddressString), Public: true}
	path, err := s.place(ctx, in, &nc)
	if err != nil {
		return Created{}, err
	}
	if !ig.inScope(path) {
		return Created{}, linli.Errorf(linli.EForbidden, "该位置不在接入方的范围内 / the place is outside the integrator's scope")
	}
	if in.Jurisdiction != "" {
		j, err := s.jurisdiction(ctx, in.Jurisdiction)
		if err != nil {
			return Created{}, err
		}
		if !linli.Within(path, j.Path) {
			return Created{}, linli.Errorf(linli.EBadRequest, "该位置不在 jurisdiction_id 的辖区内 / the place is outside the jurisdiction")
		}
	}
	if p := ledger.NormalizePhone(in.Phone); p != "" {
		if !ledger.ValidPhone(p) {
			return Created{}, linli.Errorf(linli.EBadRequest, "phone 不是有效的手机号 / phone is not a valid mobile number")
		}
		nc.ReporterPhone = p
	}
	nc.Description = describe(in)
	if strings.TrimSpace(in.Description) == "" {
		nc.Title = cat.Name
	}
	if len([]rune(nc.Description)) > 4000 {
		return Created{}, linli.Errorf(linli.EBadRequest, "description 过长（不超过 4000 字）/ description is too long (at most 4000 characters)")
	}
	// A moderated account's token is written in the case's own
	// transaction: a crash cannot leave a case without its token.
	var token string
	if ig.Moderated {
		token = hex.EncodeToString(randBytes(16))
		nc.Also = func(ctx context.Context, tx *storage.Tx, c cases.Case) error {
			_, err := tx.Exec(ctx, `INSERT INTO open311_tokens (token, integrator_id, case_id, created_at) VALUES (?, ?, ?, ?)`,
				token, ig.ID, c.ID, storage.Millis(s.now()))
			return err
		}
	}
	c, err := s.cs.Open(ctx, reporter(ig), nc)
	if err != nil {
		return Created{}, err
	}
	if ig.Moderated {
		return Created{Token: token}, nil
	}
	return Created{ID: c.Number, ServiceNotice: notice(cat, strings.HasPrefix(in.Locale, "en"))}, nil
}

// reporter is the actor an integrator's reports are opened as: reporting
// (as volunteers do) in the places of its scope, nothing else.
func reporter(ig Integrator) *linli.Actor {
	a := &linli.Actor{Username: "open311", DisplayName: ig.Name}
	for _, p := range ig.Scope {
		a.Grants = append(a.Grants, linli.Grant{Role: linli.RoleVolunteer, NodeID: p.ID, NodePath: p.Path})
	}
	return a
}

// describe is the case's description: the integrator's text, then what
// else the client said (the place as written, the room, photos, the
// contact) for the staff who register it.
func describe(in NewRequest) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(in.Description))
	line := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(label + v)
		}
	}
	line("地址 / address: ", in.AddressString)
	line("房间 / room: ", in.Attributes[AttrRoom])
	line("照片 / photo: ", in.MediaURL)
	if p := in.Attributes[AttrPhoto]; p != in.MediaURL {
		line("照片 / photo: ", p)
	}
	line("联系人 / contact: ", strings.TrimSpace(strings.TrimSpace(in.FirstName+" "+in.LastName)+" "+in.Email))
	return b.String()
}

// place resolves where a request is: address_id (household:ID or
// building:ID), else lat/long (the grid whose boundary holds the point),
// else address_string inside a community's jurisdiction. It fills nc's
// location and returns the place's path for the scope check.
func (s *Service) place(ctx context.Context, in NewRequest, nc *cases.NewCase) (string, error) {
	if id := strings.TrimSpace(in.AddressID); id != "" {
		kind, num, _ := strings.Cut(id, ":")
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil || n <= 0 {
			return "", linli.Errorf(linli.EBadRequest, "address_id 应为 household:编号 或 building:编号 / address_id must be household:ID or building:ID")
		}
		switch kind {
		case "household":
			path, ok, err := s.reg.HouseholdPath(ctx, s.db, n)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", linli.Errorf(linli.ENotFound, "没有这个住户：%s / no such household: %s", id, id)
			}
			nc.HouseholdID = n
			return path, nil
		case "building":
			node, err := s.reg.NodeByID(ctx, n)
			if err != nil || node.Kind != "building" {
				return "", linli.Errorf(linli.ENotFound, "没有这栋楼：%s / no such building: %s", id, id)
			}
			nc.LocationID = node.ID
			return node.Path, nil
		}
		return "", linli.Errorf(linli.EBadRequest, "address_id 应为 household:编号 或 building:编号 / address_id must be household:ID or building:ID")
	}
	if in.Lat != "" || in.Long != "" {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(in.Lat), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(in.Long), 64)
		if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) {
			return "", linli.Errorf(linli.EBadRequest, "lat 和 long 应为经纬度数值 / lat and long must be numbers")
		}
		g, err := s.cs.GridAt(ctx, linli.System(), lat, lon)
		if err != nil {
			return "", linli.Errorf(linli.EBadRequest, "该位置不在任何网格内 / no grid of Linli contains the point")
		}
		line, err := s.reg.Lineage(ctx, s.db, g.ID)
		if err != nil {
			return "", err
		}
		nc.LocationID, nc.Lat, nc.Lon = g.ID, lat, lon
		return line[len(line)-1].Path, nil
	}
	if strings.TrimSpace(in.AddressString) != "" && in.Jurisdiction != "" {
		j, err := s.jurisdiction(ctx, in.Jurisdiction)
		if err != nil {
			return "", err
		}
		if j.Kind == "community" {
			nc.LocationID = j.ID
			return j.Path, nil
		}
		return "", linli.Errorf(linli.EBadRequest, "街道辖区内仅凭 address_string 无法定位，请给出 lat/long 或 address_id / address_string alone cannot be placed in a street: give lat/long or address_id")
	}
	return "", linli.Errorf(linli.EBadRequest, "需要位置：lat/long、address_id，或社区辖区内的 address_string / a location is required: lat/long, address_id, or address_string with a community's jurisdiction_id")
}

// TokenStatus is GET tokens/{token}: the token and, once staff have
// registered the case (it left 待受理 and was not refused), its number.
func (s *Service) TokenStatus(ctx context.Context, token string) (Created, error) {
	var caseID int64
	err := s.db.QueryRow(ctx, `SELECT case_id FROM open311_tokens WHERE token = ?`, token).Scan(&caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return Created{}, linli.Errorf(linli.ENotFound, "没有这个 token / token not found")
	}
	if err != nil {
		return Created{}, err
	}
	out := Created{Token: token}
	number, state, ok, err := s.cs.CaseNumber(ctx, s.db, caseID)
	if err != nil {
		return out, err
	}
	if ok && state != cases.Reported && state != cases.Rejected {
		out.ID = number
	}
	return out, nil
}

// NewUpdate is FixMyStreet's POST servicerequestupdates: a comment (and
// the status the integrator sees) on a request in its scope.
type NewUpdate struct {
	APIKey      string
	RequestID   string
	UpdateRef   string // the integrator's update_id
	Status      string // OPEN, CLOSED …: recorded, never applied
	Description string
	MediaURL    string
	FirstName   string
	LastName    string
	Email       string
}

// PostUpdate adds an integrator's comment to the case's timeline as a
// note staff see (never public), once per update_id. It does not change
// the case's state: closing is Linli's staff's decision.
func (s *Service) PostUpdate(ctx context.Context, in NewUpdate) (UpdateDoc, error) {
	ig, err := s.integratorForKey(ctx, in.APIKey)
	if err != nil {
		return UpdateDoc{}, err
	}
	if err := s.allow(ctx, ig); err != nil {
		return UpdateDoc{}, err
	}
	if strings.TrimSpace(in.RequestID) == "" {
		return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "缺少 service_request_id / service_request_id is required")
	}
	desc := strings.TrimSpace(in.Description)
	if desc == "" {
		return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "缺少 description / description is required")
	}
	if len([]rune(desc)) > 2000 {
		return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "description 过长（不超过 2000 字）/ description is too long (at most 2000 characters)")
	}
	status := strings.ToUpper(strings.TrimSpace(in.Status))
	if len(status) > 40 {
		return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "status 无效 / invalid status")
	}
	id, path, _, ok, err := s.cs.CaseByNumber(ctx, s.db, strings.TrimSpace(in.RequestID))
	if err != nil {
		return UpdateDoc{}, err
	}
	if !ok {
		return UpdateDoc{}, linli.Errorf(linli.ENotFound, "没有这个请求：%s / service_request_id not found: %s", in.RequestID, in.RequestID)
	}
	if !ig.inScope(path) {
		return UpdateDoc{}, linli.Errorf(linli.EForbidden, "该请求不在接入方的范围内 / the request is outside the integrator's scope")
	}
	ref := strings.TrimSpace(in.UpdateRef)
	if len(ref) > 100 {
		return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "update_id 过长 / update_id is too long")
	}
	if ref != "" {
		var prev int64
		err := s.db.QueryRow(ctx, `SELECT id FROM open311_updates WHERE integrator_id = ? AND update_ref = ?`, ig.ID, ref).Scan(&prev)
		if err == nil {
			return UpdateDoc{ID: strconv.FormatInt(prev, 10)}, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return UpdateDoc{}, err
		}
	}
	note := fmt.Sprintf("【%s 经 Open311】%s", ig.Name, desc)
	if status != "" {
		note += "（对方状态 / their status: " + status + "）"
	}
	if in.MediaURL != "" {
		note += "\n照片 / photo: " + strings.TrimSpace(in.MediaURL)
	}
	if who := strings.TrimSpace(strings.TrimSpace(in.FirstName+" "+in.LastName) + " " + in.Email); who != "" {
		note += "\n联系人 / contact: " + who
	}
	// The note is taken as staff of the case's place would take it, by an
	// actor that exists for this one step.
	a := &linli.Actor{Username: "open311", DisplayName: ig.Name, Grants: []linli.Grant{{Role: linli.RoleCommunityStaff, NodePath: path}}}
	if _, err := s.cs.Act(ctx, a, id, cases.ActionInput{Action: cases.ActNote, Note: note}); err != nil {
		if linli.ErrorCode(err) == linli.EConflict {
			return UpdateDoc{}, linli.Errorf(linli.EBadRequest, "该请求已结束，不能再更新 / the request is finished and takes no updates")
		}
		return UpdateDoc{}, err
	}
	if ref == "" {
		ref = "auto:" + hex.EncodeToString(randBytes(8))
	}
	var out int64
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		out, err = tx.Insert(ctx, `INSERT INTO open311_updates (integrator_id, case_id, update_ref, status, created_at) VALUES (?, ?, ?, ?, ?)`,
			ig.ID, id, ref, status, storage.Millis(s.now()))
		return err
	})
	return UpdateDoc{ID: strconv.FormatInt(out, 10)}, err
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
