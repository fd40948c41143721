package auth_test

import (
	"testing"

	"linli"
	"linli/storage"
	"linli/storage/storagetest"
)

// A replica whose listener was away heard no signal: when it has its
// connection back (storage.DB.Resync) the token actors it cached are
// forgotten, so a token revoked meanwhile is refused at once, not after
// the cache's lifetime.
func TestResyncForgetsTokenActors(t *testing.T) {
	db := storagetest.SQLite(t)
	w := newWorld(t, db)
	tok, err := w.auth.CreateToken(w.ctx, w.actor(t, "resident"), "巡查App")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); err != nil {
		t.Fatal(err)
	}
	// Revoked behind the cache's back, as a change another replica made
	// while this one's listener was down.
	if err := db.InTx(w.ctx, func(tx *storage.Tx) error {
		_, err := tx.Exec(w.ctx, `UPDATE api_tokens SET revoked_at = 1`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.auth.ActorForToken(w.ctx, tok); err != nil {
		t.Fatalf("the cached token before the resync: %v (the test needs the cache to hold it)", err)
	}
	db.Resync()
	if _, err := w.auth.ActorForToken(w.ctx, tok); linli.ErrorCode(err) != linli.EUnauthorized {
		t.Errorf("token revoked while the listener was away, after the resync: %v, want refused", err)
	}
}
