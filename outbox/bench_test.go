package outbox

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

// The delivery worker's throughput against a local webhook receiver, on
// SQLite, and the baseline of the same run: the same number of bare HTTP
// POSTs of a like body to the same receiver with the same parallelism,
// without Linli. Recipients spread the rows over that many configured
// webhooks (order is kept per recipient, so one recipient is sent to one
// message at a time).
//
//	go test ./outbox/ -run '^$' -bench 'Deliver|BarePost' -benchtime 20000x
func BenchmarkDeliverWebhook(b *testing.B) {
	for _, recipients := range []int{32, 1} {
		b.Run(fmt.Sprintf("recipients=%d", recipients), func(b *testing.B) {
			var got atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body)
				got.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			defer srv.Close()
			db := storagetest.SQLite(b)
			for i := range recipients {
				addChannel(b, db, 0, Webhook, fmt.Sprint("r", i), srv.URL+"/hook", "bench-secret")
			}
			ctx := context.Background()
			for start := 0; start < b.N; start += 1000 {
				err := db.InTx(ctx, func(tx *storage.Tx) error {
					for i := start; i < min(start+1000, b.N); i++ {
						if _, err := Enqueue(ctx, tx, t0, Message{Channel: Webhook, To: fmt.Sprint("r", i%recipients), Kind: "bench", Text: "大风蓝色预警：请收好阳台物品，检查屋顶太阳能热水器是否固定。"}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			w := newWorker(db, linli.NewFakeClock(t0), Settings{})
			w.Client = nil // the worker's own client, as in production
			b.ResetTimer()
			n, err := w.RunDue(ctx)
			b.StopTimer()
			if err != nil || n != b.N || got.Load() != int64(b.N) {
				b.Fatalf("sent %d of %d (%v), receiver got %d", n, b.N, err, got.Load())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

func BenchmarkBarePostBaseline(b *testing.B) {
	var got atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	body := []byte(`{"id":"linli-outbox-1","channel":"webhook","kind":"bench","to":"r1","text":"大风蓝色预警：请收好阳台物品，检查屋顶太阳能热水器是否固定。","created_at":"2026-12-06T08:00:00Z","attempt":1}`)
	c := defaultClient
	jobs := make(chan struct{})
	var wg sync.WaitGroup
	b.ResetTimer()
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				resp, err := c.Post(srv.URL+"/hook", "application/json", bytes.NewReader(body))
				if err != nil {
					b.Error(err)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}()
	}
	for range b.N {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
	b.StopTimer()
	if got.Load() != int64(b.N) {
		b.Fatalf("receiver got %d of %d", got.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
