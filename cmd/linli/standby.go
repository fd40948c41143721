package main

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"linli/storage"
)

// useStandby sends the heavy reads (statistics, exports, reports) to the
// hot standby of --db-read, and says in the log when it stops and starts
// answering (its reads go to the primary meanwhile).
func useStandby(ctx context.Context, db *storage.DB, dsn string) error {
	err := db.UseStandby(ctx, dsn, storage.StandbyOptions{Changed: func(up bool, err error) {
		if up {
			slog.Info("hot standby answers again: heavy reads go to it", "standby", db.StandbyLabel())
			return
		}
		slog.Warn("hot standby does not answer: heavy reads go to the primary", "standby", db.StandbyLabel(), "err", err)
	}})
	if err != nil {
		return err
	}
	slog.Info("heavy reads (statistics, exports, reports) go to the hot standby", "standby", db.StandbyLabel())
	return nil
}

// standbyMetrics are the standby's counts in /metrics.
func standbyMetrics(db *storage.DB) []prometheus.Collector {
	stat := func() storage.StandbyStats { s, _ := db.StandbyStats(); return s }
	return []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "linli_db_standby_up", Help: "1 while the hot standby (--db-read) answers; 0 while its reads go to the primary."},
			func() float64 {
				if stat().Up {
					return 1
				}
				return 0
			}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "linli_db_standby_reads_total", Help: "Heavy reads (statistics, exports, reports) answered by the hot standby."},
			func() float64 { return float64(stat().Served) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "linli_db_standby_fallbacks_total", Help: "Heavy reads answered by the primary because the hot standby did not."},
			func() float64 { return float64(stat().Fallbacks) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "linli_db_standby_failures_total", Help: "Attempts on the hot standby that found it unreachable."},
			func() float64 { return float64(stat().Failures) }),
	}
}
