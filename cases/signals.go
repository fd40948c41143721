package cases

import (
	"time"

	"linli/auth"
)

// ChannelCategories is the signal (storage.Tx.Notify) of a change to a
// category, sent in the transaction that made it: every replica forgets
// its cached categories when it commits.
const ChannelCategories = "categories"

// forgetOnSignals makes every replica's caches of the service follow the
// changes made on any: categories, and the community staff lists, which
// follow the grants of roles (auth.ChannelAccounts). Their TTLs stay as a
// backstop for a signal never heard.
func (s *Service) forgetOnSignals() {
	if s.DB == nil {
		return
	}
	forgetCategories := func() {
		s.catMu.Lock()
		s.catAt = time.Time{}
		s.catMu.Unlock()
	}
	forgetStaff := func() {
		s.staffMu.Lock()
		s.staff = nil
		s.staffMu.Unlock()
	}
	s.DB.Subscribe(ChannelCategories, func(string) { forgetCategories() })
	s.DB.Subscribe(auth.ChannelAccounts, func(string) { forgetStaff() })
	// A listener that was away heard nothing: forget both.
	s.DB.OnResync(func() { forgetCategories(); forgetStaff() })
}
