package main

import (
	"fmt"
	"testing"
)

// Opening a case clears the bell for that case; the notifications list
// and "mark all read" work through the API.
func TestOpeningACaseReadsItsNotifications(t *testing.T) {
	s := startServer(t, demoSQLite(t))
	staff := s.login(t, "xueyuan")
	var before struct {
		Unread        int `json:"unread"`
		Notifications []struct {
			RefID int64 `json:"ref_id"`
			Read  bool  `json:"read"`
		} `json:"notifications"`
	}
	wantStatus(t, staff, "GET", "/api/notifications", nil, 200, &before)
	var id int64
	for _, n := range before.Notifications {
		if !n.Read {
			id = n.RefID
			break
		}
	}
	if before.Unread == 0 || id == 0 {
		t.Fatalf("the demo leaves community staff no unread notification: %+v", before)
	}
	if st, body := staff.do("GET", fmt.Sprintf("/cases/%d", id), nil); st != 200 {
		t.Fatalf("case page: %d %.200s", st, body)
	}
	var after struct {
		Unread        int `json:"unread"`
		Notifications []struct {
			RefID int64 `json:"ref_id"`
			Read  bool  `json:"read"`
		} `json:"notifications"`
	}
	wantStatus(t, staff, "GET", "/api/notifications", nil, 200, &after)
	for _, n := range after.Notifications {
		if n.RefID == id && !n.Read {
			t.Fatalf("case %d still unread after opening it", id)
		}
	}
	if after.Unread >= before.Unread {
		t.Fatalf("unread %d → %d", before.Unread, after.Unread)
	}
	wantStatus(t, staff, "POST", "/api/notifications/read", nil, 204, nil)
	wantStatus(t, staff, "GET", "/api/notifications", nil, 200, &after)
	if after.Unread != 0 {
		t.Fatalf("after marking all read: %d unread", after.Unread)
	}
}
