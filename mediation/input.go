package mediation

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"linli"
	"linli/registry/ledger"
	"linli/web"
)

// PartyInput is one party of a new dispute: a household, a person of the
// register, or a name typed in. Name, address and phone are taken from
// the register when left empty.
type PartyInput struct {
	Role        string `json:"role"` // applicant | respondent
	HouseholdID int64  `json:"household_id"`
	PersonID    int64  `json:"person_id"`
	Name        string `json:"name"`
	Address     string `json:"address"`
	Phone       string `json:"phone"`
	Claims      string `json:"claims"`
}

// DisputeInput accepts a dispute. LocationID (a community or a place in
// one) may be left 0 when a party names a household, or when the dispute
// is opened from a case (CaseID; Go callers use OpenFromCase). Mediators
// are account ids; empty means the acting user.
type DisputeInput struct {
	Type       Type         `json:"type"`
	Title      string       `json:"title"`
	Facts      string       `json:"facts"`
	LocationID int64        `json:"location_id"`
	CaseID     int64        `json:"case_id"`
	Parties    []PartyInput `json:"parties"`
	Mediators  []int64      `json:"mediators"`
}

// SessionInput records a mediation session. HeldAt is local time
// "2006-01-02T15:04" (or RFC 3339); empty means now.
type SessionInput struct {
	HeldAt       string `json:"held_at"`
	Place        string `json:"place"`
	Participants string `json:"participants"`
	Record       string `json:"record"`
}

// TermInput is one agreed term; Deadline is a day "2006-01-02".
type TermInput struct {
	What      string `json:"what"`
	How       string `json:"how"`
	Deadline  string `json:"deadline"`
	AmountFen int64  `json:"amount_fen"`
}

// SignatureInput records whether a party signed and on which day
// ("2006-01-02"; empty means today).
type SignatureInput struct {
	PartyID int64  `json:"party_id"`
	Signed  bool   `json:"signed"`
	On      string `json:"on"`
}

// PartyInfoInput is a party's basic situation as the agreement template
// asks for it (the name, address and contact are the party's own). Sex is
// male or female; BirthDate "2006-01-02" or Age in whole years.
type PartyInfoInput struct {
	PartyID    int64  `json:"party_id"`
	Sex        string `json:"sex"`
	Ethnicity  string `json:"ethnicity"`
	BirthDate  string `json:"birth_date"`
	Age        int    `json:"age"`
	Occupation string `json:"occupation"`
	// Organisation marks a company or another organisation, which has
	// no sex, ethnicity, age or occupation.
	Organisation bool `json:"organisation"`
}

// AgreementInput is the agreement editor's content; it replaces what was
// saved. A draft may lack anything; MarkSigned checks it is complete.
// Copies 0 means one per party plus one; empty CopiesHeldBy means the
// statutory sentence. Parties sets the parties' basic situation (parties
// not listed keep theirs). Oral records an oral agreement (art. 28),
// reached on AgreedOn ("2006-01-02"; empty means today); it needs no
// signatures, seal or copies.
type AgreementInput struct {
	Parties          []PartyInfoInput `json:"parties"`
	Oral             bool             `json:"oral"`
	AgreedOn         string           `json:"agreed_on"`
	Facts            string           `json:"facts"`
	Matters          string           `json:"matters"`
	Responsibilities string           `json:"responsibilities"`
	Terms            []TermInput      `json:"terms"`
	Performance      string           `json:"performance"`
	Copies           int              `json:"copies"`
	CopiesHeldBy     string           `json:"copies_held_by"`
	PartySignatures  []SignatureInput `json:"party_signatures"`
	MediatorSigned   bool             `json:"mediator_signed"`
	MediatorSignedOn string           `json:"mediator_signed_on"`
	Sealed           bool             `json:"sealed"`
	SealedOn         string           `json:"sealed_on"`
}

// FailInput ends mediation without agreement: why, and what the parties
// were advised (e.g. to sue in a people's court).
type FailInput struct {
	Reason string `json:"reason"`
	Advice string `json:"advice"`
}

// CourtInput records the parties' choice on judicial confirmation.
type CourtInput struct {
	Choice string `json:"choice"` // applied | not_applying
}

// FollowUpInput records a follow-up visit; VisitedOn "2006-01-02", empty
// means today.
type FollowUpInput struct {
	VisitedOn    string `json:"visited_on"`
	Performance  string `json:"performance"`  // full | partial | none
	Satisfaction string `json:"satisfaction"` // satisfied | basic | unsatisfied
	Risk         string `json:"risk"`         // none | low | high
	Notes        string `json:"notes"`
}

// PublishInput puts a closed dispute on the public happiness list.
// Consent records how both parties agreed to it, e.g.
// "双方当事人于回访时口头同意公开，由网格员段海鹏记录".
type PublishInput struct {
	Consent string `json:"consent"`
}

func tooLong(v *linli.Validation, field, s string, n int) {
	if utf8.RuneCountInString(s) > n {
		v.Add(field, fmt.Sprintf("不超过%d字 / at most %d characters", n, n))
	}
}

func (in *DisputeInput) validate() error {
	var v linli.Validation
	in.Title, in.Facts = strings.TrimSpace(in.Title), strings.TrimSpace(in.Facts)
	if in.Type == "" {
		in.Type = TypeOther
	}
	if in.Type.Label() == "" {
		v.Add("type", "纠纷类型应为 neighbour、water_leak、property、family 或 other / unknown dispute type")
	}
	if in.Title == "" {
		v.Add("title", "请用一句话概括纠纷 / a title is required")
	}
	tooLong(&v, "title", in.Title, 80)
	tooLong(&v, "facts", in.Facts, 4000)
	var app, resp int
	for i := range in.Parties {
		p := &in.Parties[i]
		f := fmt.Sprintf("parties[%d]", i+1)
		p.Name, p.Address, p.Claims = strings.TrimSpace(p.Name), strings.TrimSpace(p.Address), strings.TrimSpace(p.Claims)
		switch p.Role {
		case RoleApplicant:
			app++
		case RoleRespondent:
			resp++
		default:
			v.Add(f+".role", "应为 applicant（申请人）或 respondent（被申请人） / role must be applicant or respondent")
		}
		if p.Name == "" && p.HouseholdID == 0 && p.PersonID == 0 {
			v.Add(f+".name", "请填写姓名或选择住户 / a name or a household is required")
		}
		tooLong(&v, f+".name", p.Name, 60)
		tooLong(&v, f+".address", p.Address, 120)
		tooLong(&v, f+".claims", p.Claims, 2000)
		if p.Phone = ledger.NormalizePhone(p.Phone); p.Phone != "" && !ledger.ValidPhone(p.Phone) {
			v.Add(f+".phone", "手机号无效 / not a valid phone number")
		}
	}
	if len(in.Parties) > 20 {
		v.Add("parties", "当事人不超过20方 / at most 20 parties")
	} else if app == 0 || resp == 0 {
		v.Add("parties", "须有申请人和被申请人 / an applicant and a respondent are required")
	}
	if len(in.Mediators) > 5 {
		v.Add("mediators", "调解员不超过5人 / at most 5 mediators")
	}
	return v.Err()
}

// parseDay reads "2006-01-02" as that local day; empty gives the zero time.
func parseDay(s string, zone *time.Location) (time.Time, bool) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, true
	}
	return web.ParseDay(s, zone)
}

// parseMoment reads a local date and time, or RFC 3339.
func parseMoment(s string, zone *time.Location) (time.Time, bool) {
	if t, ok := web.ParseLocal(s, zone); ok {
		return t, true
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	return t, err == nil
}
