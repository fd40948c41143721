// Package visits records door-to-door visits (逐户走访): who visited which
// household about which matter, the household's stance, its concerns and
// the follow-ups, and which households of a matter are not visited yet.
package visits
