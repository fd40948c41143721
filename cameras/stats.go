package cameras

import (
	"context"
	"slices"
	"time"

	"linli"
)

// Stats are the alerts of a period summed up (the statistics:
// alerts per camera per day, the share of false alarms, the time to
// acknowledge, escalations).
type Stats struct {
	From, To   time.Time   `json:"-"`
	Days       []string    `json:"days"` // YYYY-MM-DD, oldest first
	Cameras    []CameraDay `json:"cameras"`
	Alerts     int         `json:"alerts"`
	Closed     int         `json:"closed"`      // handled, false alarm or escalated
	FalseAlarm int         `json:"false_alarm"` // of Closed
	Escalated  int         `json:"escalated"`
	// FalseShare is FalseAlarm / Closed in percent (0 when nothing closed).
	FalseShare int `json:"false_share"`
	// AckMedian and AckMean are the times from raising to acknowledging,
	// over the acknowledged alerts (whole seconds; 0 when none).
	AckMedian int64 `json:"ack_median_seconds"`
	AckMean   int64 `json:"ack_mean_seconds"`
	Acked     int   `json:"acknowledged"`
}

// CameraDay is one camera's alerts per day of the period.
type CameraDay struct {
	CameraID int64  `json:"camera_id"`
	Camera   string `json:"camera"`
	PerDay   []int  `json:"per_day"` // aligned with Stats.Days
	Total    int    `json:"total"`
}

// Summarize sums alerts up over the days from..to (dates in loc, to
// included). Alerts outside the days are left out.
func Summarize(alerts []Alert, from, to time.Time, loc *time.Location) Stats {
	st := Stats{From: from, To: to}
	index := map[string]int{}
	for d := from.In(loc); !d.After(to.In(loc)); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		index[day] = len(st.Days)
		st.Days = append(st.Days, day)
	}
	byCam := map[int64]*CameraDay{}
	var acks []int64
	for _, a := range alerts {
		i, ok := index[a.At.In(loc).Format(time.DateOnly)]
		if !ok {
			continue
		}
		c := byCam[a.CameraID]
		if c == nil {
			c = &CameraDay{CameraID: a.CameraID, Camera: a.Camera, PerDay: make([]int, len(st.Days))}
			byCam[a.CameraID] = c
		}
		c.PerDay[i]++
		c.Total++
		st.Alerts++
		switch a.State {
		case Handled, FalseAlarm, Escalated:
			st.Closed++
		}
		if a.State == FalseAlarm {
			st.FalseAlarm++
		}
		if a.State == Escalated {
			st.Escalated++
		}
		if !a.AckAt.IsZero() {
			acks = append(acks, int64(a.AckAt.Sub(a.CreatedAt)/time.Second))
		}
	}
	for _, c := range byCam {
		st.Cameras = append(st.Cameras, *c)
	}
	slices.SortFunc(st.Cameras, func(x, y CameraDay) int {
		if x.Total != y.Total {
			return y.Total - x.Total
		}
		return int(x.CameraID - y.CameraID)
	})
	if st.Closed > 0 {
		st.FalseShare = st.FalseAlarm * 100 / st.Closed
	}
	if st.Acked = len(acks); st.Acked > 0 {
		slices.Sort(acks)
		var sum int64
		for _, s := range acks {
			sum += s
		}
		st.AckMean = sum / int64(len(acks))
		if n := len(acks); n%2 == 1 {
			st.AckMedian = acks[n/2]
		} else {
			st.AckMedian = (acks[n/2-1] + acks[n/2]) / 2
		}
	}
	return st
}

// maxStatsDays bounds the statistics period.
const maxStatsDays = 92

// Statistics sums up the alerts of the actor's cameras over the days
// from..to (dates in the deployment's zone, to included).
func (s *Service) Statistics(ctx context.Context, a *linli.Actor, from, to time.Time) (Stats, error) {
	loc := s.zone()
	from = startOfDay(from, loc)
	to = startOfDay(to, loc)
	if to.Before(from) || to.Sub(from) > maxStatsDays*24*time.Hour {
		return Stats{}, linli.Invalid("统计区间有误 / bad period", linli.FieldError{Field: "to", Reason: "须在起始日期之后，不超过 92 天 / after from, at most 92 days"})
	}
	all, err := s.Alerts(ctx, a, AlertFilter{From: from, To: to.AddDate(0, 0, 1), all: true})
	if err != nil {
		return Stats{}, err
	}
	return Summarize(all, from, to, loc), nil
}

func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}
