package capability

import (
	"linli/audit"
	"linli/auth"
	"linli/calendar"
	"linli/cases"
	"linli/home"
	"linli/registry"
	"linli/web"
)

// part adapts a core package, whose service Build made, to Capability.
type part Parts

func (p part) Parts() Parts { return Parts(p) }

// Of makes a Capability of parts a package offers without a Parts method
// of its own (the core, whose services Build made).
func Of(p Parts) Capability { return part(p) }

// CoreOptions are the settings of the core's pages.
type CoreOptions struct {
	SecureCookie bool // set Secure on the session cookie (behind HTTPS)
	// Demo shows registration codes on the page instead of needing an SMS
	// gateway (`linli demo` only).
	Demo bool
	// LoginLimit is the per-account login rate limit (auth.HTTP.LoginLimit);
	// nil: none.
	LoginLimit func(key string) error
	// Retention exports and removes audit entries past the retention
	// period (a daily durable timer); nil: entries are kept for ever.
	Retention *audit.Retention
}

// Core returns the data owners built by Build as capabilities: registry,
// auth, audit, cases and the working calendar's administration. The home
// page comes last, from HomeOf.
func Core(d Deps, o CoreOptions) []Capability {
	// Residents register by a code their phone receives through the
	// outbox (cases owns it).
	su := &auth.Signup{Service: d.Auth, Outbox: d.Cases.SendSMS, Demo: o.Demo, Limits: auth.DefaultSignupLimits()}
	return []Capability{
		part{Name: "registry", Pages: registry.Pages(), Routes: func(rt *web.Router, rd *web.Renderer) {
			d.Registry.SetRenderer(rd)
			d.Registry.Routes(rt)
		}},
		part{Name: "auth", Pages: auth.Pages(), Home: su.HomePanels, Routes: func(rt *web.Router, rd *web.Renderer) {
			(&auth.HTTP{Service: d.Auth, Renderer: rd, SecureCookie: o.SecureCookie, LoginLimit: o.LoginLimit}).Routes(rt)
			(&auth.SignupHTTP{Signup: su, Renderer: rd, SecureCookie: o.SecureCookie}).Routes(rt)
		}},
		part{Name: "audit", Pages: audit.Pages(), Routes: d.Audit.Routes, Jobs: auditJobs(o.Retention)},
		part{Name: "cases", Pages: cases.Pages(d.Clock), Jobs: d.Cases.JobHandlers(), Home: d.Cases.HomePanels, Routes: func(rt *web.Router, rd *web.Renderer) {
			d.Cases.Routes(rt)
			d.Cases.PageRoutes(rt, rd)
			d.Cases.FileRoutes(rt)
		}},
		part{Name: "calendar", Pages: calendar.Pages(), Routes: d.CalendarAdmin.Routes},
	}
}

// HomeOf returns the home page as a capability, with the 待办 panels the
// capabilities in caps contribute (Parts.Home), in their order.
func HomeOf(d Deps, caps []Capability) Capability {
	var panels []web.PanelSource
	for _, c := range caps {
		if p := c.Parts(); p.Home != nil {
			panels = append(panels, p.Home)
		}
	}
	return part{Name: "home", Pages: home.Pages(), Routes: func(rt *web.Router, rd *web.Renderer) {
		(&home.Home{Registry: d.Registry, Renderer: rd, CalendarGap: d.Cases.CalendarGap, Panels: panels}).Routes(rt)
	}}
}
