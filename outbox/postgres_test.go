package outbox

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"linli"
	"linli/storage/storagetest"
)

// Two workers (two replicas) on one PostgreSQL deliver the same backlog:
// every row exactly once, none at the same time by both, order kept per
// recipient. Runs with LINLI_TEST_POSTGRES; skips only without it.
func TestPostgresTwoWorkersNeverSendARowTwice(t *testing.T) {
	db := storagetest.Postgres(t)
	clock := linli.NewFakeClock(t0)
	var mu sync.Mutex
	seen := map[string]int{}
	last := map[string]int{}
	disorder := 0
	rc := &receiver{reply: func(w http.ResponseWriter, r *http.Request, b []byte) {
		id := r.Header.Get("X-Linli-Delivery")
		mu.Lock()
		seen[id]++
		mu.Unlock()
		w.WriteHeader(200)
	}}
	srv := serve(t, rc)
	const recipients, perRecipient = 20, 25
	for r := range recipients {
		addChannel(t, db, 0, Webhook, fmt.Sprint("r", r), fmt.Sprintf("%s/hook?r=r%d", srv.URL, r), "k")
	}
	for i := range perRecipient {
		for r := range recipients {
			enqueue(t, db, t0, Message{Channel: Webhook, To: fmt.Sprint("r", r), Text: fmt.Sprint(i)})
		}
	}
	// Order per recipient: the receiver sees each recipient's texts rising.
	rc.reply = func(inner func(http.ResponseWriter, *http.Request, []byte)) func(http.ResponseWriter, *http.Request, []byte) {
		return func(w http.ResponseWriter, r *http.Request, b []byte) {
			var wb WebhookBody
			if err := jsonUnmarshal(b, &wb); err == nil {
				var n int
				fmt.Sscanf(wb.Text, "%d", &n)
				mu.Lock()
				if prev, ok := last[wb.To]; ok && n <= prev {
					disorder++
				}
				last[wb.To] = n
				mu.Unlock()
			}
			inner(w, r, b)
		}
	}(rc.reply)
	var wg sync.WaitGroup
	for i := range 2 {
		w := newWorker(db, clock, Settings{})
		w.Name = fmt.Sprint("replica-", i)
		w.Batch = 37 // batches that split recipients
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := w.RunDue(context.Background()); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(seen) != recipients*perRecipient {
		t.Fatalf("%d distinct rows delivered, want %d", len(seen), recipients*perRecipient)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
	if disorder > 0 {
		t.Errorf("%d messages overtook an earlier one to the same recipient", disorder)
	}
}
