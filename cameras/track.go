package cameras

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"linli/storage"
)

// trackEvery is how often a camera's rules' memory is saved with its
// events: a restart after a crash measures from at most this long before.
const trackEvery = time.Minute

// trackJSON is a Track as stored (camera_tracks.state): times in Unix
// milliseconds.
type trackJSON struct {
	Objects map[string]objectJSON `json:"objects,omitempty"`
	Fired   map[string]int64      `json:"fired,omitempty"`
	Seen    map[string][]int64    `json:"seen,omitempty"`
}

type objectJSON struct {
	Label   string           `json:"label,omitempty"`
	Last    int64            `json:"last"`
	Zones   map[string]int64 `json:"zones,omitempty"`
	Alerted []string         `json:"alerted,omitempty"`
}

// MarshalJSON writes the memory, for a restart to read back.
func (t *Track) MarshalJSON() ([]byte, error) {
	j := trackJSON{Objects: map[string]objectJSON{}, Fired: map[string]int64{}, Seen: map[string][]int64{}}
	for id, o := range t.objects {
		oj := objectJSON{Label: o.label, Last: storage.Millis(o.last), Zones: map[string]int64{}}
		for z, at := range o.zones {
			oj.Zones[z] = storage.Millis(at)
		}
		for k, ok := range o.alerted {
			if ok {
				oj.Alerted = append(oj.Alerted, k)
			}
		}
		j.Objects[id] = oj
	}
	for k, at := range t.fired {
		j.Fired[k] = storage.Millis(at)
	}
	for k, s := range t.seen {
		for _, at := range s {
			j.Seen[k] = append(j.Seen[k], storage.Millis(at))
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads back what MarshalJSON wrote, replacing the memory.
func (t *Track) UnmarshalJSON(b []byte) error {
	var j trackJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*t = *NewTrack()
	for id, oj := range j.Objects {
		o := &object{label: oj.Label, last: storage.FromMillis(oj.Last), zones: map[string]time.Time{}, alerted: map[string]bool{}}
		for z, at := range oj.Zones {
			o.zones[z] = storage.FromMillis(at)
		}
		for _, k := range oj.Alerted {
			o.alerted[k] = true
		}
		t.objects[id] = o
	}
	for k, at := range j.Fired {
		t.fired[k] = storage.FromMillis(at)
	}
	for k, s := range j.Seen {
		for _, at := range s {
			t.seen[k] = append(t.seen[k], storage.FromMillis(at))
		}
	}
	return nil
}

// trackState is the camera's memory to save, or nil if it has not
// changed since it was last saved or (unless force) trackEvery has not
// passed. The caller holds p.mu.
func (s *Service) trackState(p *point, force bool) ([]byte, error) {
	now := s.now()
	if !p.dirty || !force && now.Sub(p.saved) < trackEvery {
		return nil, nil
	}
	state, err := json.Marshal(p.track)
	if err != nil {
		return nil, err
	}
	p.dirty, p.saved = false, now
	return state, nil
}

// writeTrack stores a camera's memory in tx.
func (s *Service) writeTrack(ctx context.Context, tx *storage.Tx, id int64, state []byte) error {
	_, err := tx.Exec(ctx, `INSERT INTO camera_tracks (camera_id, state, saved_at) VALUES (?, ?, ?)
		ON CONFLICT (camera_id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at`, id, string(state), storage.Millis(s.now()))
	return err
}

// SaveTracks writes the rules' memory of every camera that changed since
// it was last saved (Stop calls it; so may a test).
func (s *Service) SaveTracks(ctx context.Context) error {
	s.mu.RLock()
	var ps []*point
	for _, p := range s.byID {
		p.mu.Lock()
		if p.dirty {
			ps = append(ps, p)
		}
		p.mu.Unlock()
	}
	s.mu.RUnlock()
	if len(ps) == 0 {
		return nil
	}
	return s.db.InTx(ctx, func(tx *storage.Tx) error {
		for _, p := range ps {
			p.mu.Lock()
			state, err := s.trackState(p, true)
			p.mu.Unlock()
			if err != nil {
				return err
			}
			if state != nil {
				if err := s.writeTrack(ctx, tx, p.id, state); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// loadTracks reads the saved memory of every camera.
func (s *Service) loadTracks(ctx context.Context) (map[int64]*Track, error) {
	out := map[int64]*Track{}
	err := storage.Each(ctx, s.db, func(r *sql.Rows) error {
		var id int64
		var state string
		if err := r.Scan(&id, &state); err != nil {
			return err
		}
		t := NewTrack()
		if err := json.Unmarshal([]byte(state), t); err == nil {
			out[id] = t
		}
		return nil
	}, `SELECT camera_id, state FROM camera_tracks`)
	return out, err
}
