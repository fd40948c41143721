package projects

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"linli"
	"linli/auth"
	"linli/storage"
)

func (s *Service) people(ctx context.Context, id int64) ([]Person, error) {
	out, err := storage.Select(ctx, s.db, func(rows *sql.Rows) (Person, error) {
		var p Person
		var at int64
		err := rows.Scan(&p.ID, &p.Role, &p.AccountID, &p.Name, &p.Note, &at)
		p.CreatedAt = storage.FromMillis(at)
		return p, err
	}, `SELECT id, role, account_id, name, note, created_at FROM project_people WHERE project_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	// In the order of the roles, then as added.
	sorted := make([]Person, 0, len(out))
	for _, r := range Roles() {
		for _, p := range out {
			if p.Role == r {
				sorted = append(sorted, p)
			}
		}
	}
	return sorted, nil
}

// AddPerson names someone working on the project: the community lead, the
// grid worker, building and unit heads, resident representatives, the
// property company, the contractor, the approving department.
func (s *Service) AddPerson(ctx context.Context, a *linli.Actor, projectID int64, in PersonInput) (Person, error) {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return Person{}, err
	}
	var v linli.Validation
	in.Name, in.Note = strings.TrimSpace(in.Name), strings.TrimSpace(in.Note)
	if in.Role.Label() == "" {
		v.Add("role", "角色无效 / unknown role")
	}
	if in.AccountID != 0 {
		// Only an account working in the project's community (or above
		// it) may be named: another community's account is answered like
		// an unknown one, and its name is not copied here.
		name, ok, err := auth.WorkerIn(ctx, s.reg, s.db, in.AccountID, p.Path)
		if err != nil {
			return Person{}, err
		}
		if !ok {
			v.Add("account_id", "账号不存在 / no such account")
		} else if in.Name == "" {
			in.Name = name
		}
	}
	if in.Name == "" {
		v.Add("name", "请填写姓名或单位 / name is required")
	} else if utf8.RuneCountInString(in.Name) > 60 {
		v.Add("name", "不超过60字 / at most 60 characters")
	}
	if utf8.RuneCountInString(in.Note) > 200 {
		v.Add("note", "不超过200字 / at most 200 characters")
	}
	if err := v.Err(); err != nil {
		return Person{}, err
	}
	now := s.now()
	out := Person{Role: in.Role, AccountID: in.AccountID, Name: in.Name, Note: in.Note, CreatedAt: storage.FromMillis(storage.Millis(now))}
	err = s.db.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		out.ID, err = tx.Insert(ctx, `INSERT INTO project_people (project_id, role, account_id, name, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			projectID, in.Role, in.AccountID, in.Name, in.Note, storage.Millis(now))
		if err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "person.add", "项目人员："+in.Role.Label()+" "+in.Name, nil, out)
	})
	return out, err
}

// RemovePerson takes someone off the project.
func (s *Service) RemovePerson(ctx context.Context, a *linli.Actor, projectID, personID int64) error {
	p, err := s.manage(ctx, a, projectID)
	if err != nil {
		return err
	}
	var who Person
	err = s.db.QueryRow(ctx, `SELECT id, role, account_id, name FROM project_people WHERE id = ? AND project_id = ?`, personID, projectID).
		Scan(&who.ID, &who.Role, &who.AccountID, &who.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return linli.Errorf(linli.ENotFound, "人员不存在 / person not found")
	}
	if err != nil {
		return err
	}
	now := s.now()
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM project_people WHERE id = ?`, personID); err != nil {
			return err
		}
		if err := touch(ctx, tx, projectID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, now, p, "person.remove", "移除项目人员："+who.Name, who, nil)
	})
}
