// Package mediation runs people's mediation (人民调解): disputes between
// parties, mediation sessions, the written agreement with its statutory
// content and print view, the court-confirmation reminder and the
// follow-up visit.
//
// The rules, and where they come from:
//   - 人民调解法 (2011) art. 28–29: the written agreement (调解协议书) holds
//     the parties' basic situation (as the official template lists it:
//     name, sex, ethnicity, age or date of birth, occupation, address,
//     contact; an organisation by name and address); the main facts, the disputed matters and
//     each party's responsibility; the terms agreed with the way and time
//     limit of performance. It takes effect when every party has signed
//     (sealed, fingerprinted), the mediator has signed and the committee has
//     sealed it; each party holds a copy and the committee keeps one.
//     Missing lists what is absent; MarkSigned refuses (422) while anything
//     is, naming each item (terms[1].deadline, signatures.party[2]; lists
//     are counted from 1, as the document numbers them). The parties may
//     instead agree orally (art. 28): the mediator records the terms, no
//     signatures, seal or copies are needed, and the agreement takes effect
//     on the day it was reached (art. 30). Nothing is signed or agreed on a
//     day before the dispute was accepted, nor in the future.
//   - art. 31: the committee supervises performance — the follow-up visit
//     (回访) records performance, satisfaction and remaining risk; full
//     performance closes the dispute.
//   - art. 33: the parties may jointly apply to a people's court for
//     judicial confirmation within 30 days of the agreement taking effect.
//     A window whose last day is a day off (a weekend or an official
//     holiday on the working calendar) ends on the next working day
//     (民法典 art. 203): effective 1 September 2026, it ends on 8 October.
//     Signing schedules the timer "mediation.court_reminder" for 09:00 on
//     day 25, which notifies the mediators unless the parties' choice is
//     recorded (RecordCourtChoice).
//   - 司法部《人民调解工作若干规定》(2002) art. 33: a dispute is generally
//     settled within one month. The due date is one calendar month after
//     acceptance (the starting day is not counted, 民法典 art. 201; a month
//     without the same day ends on its last day, art. 202); the
//     timer "mediation.due" marks a dispute still being mediated overdue
//     the day after and notifies the mediators.
//   - art. 23 (the parties may ask that mediation not be public) and
//     art. 15 (a mediator must not disclose the parties' privacy): a closed
//     dispute goes on the public happiness list only when a manager
//     publishes it (Publish) recording how both parties consented; the list
//     shows the kind of dispute, the building and the date. Unpublish takes
//     it off. Both are audited.
//
// States: accepted → mediating (first session) → agreed (signed) | failed;
// agreed → closed (follow-up finds it performed). Numbers run per street
// and year: （2026）东城调字第12号; the committee is named after the street
// and community: 东城街道吉祥社区人民调解委员会.
//
// Who: staff holding linli.PermMediate on the dispute's place, and the
// dispute's named mediators (grid workers, volunteers…), manage it;
// residents of a party household read it and its agreement; anyone else
// gets not found. Phones are always masked; a manager or mediator who must
// call a party reveals the full number (RevealPhone), and prints the
// parties' copies with the contacts in full (PartyCopy); both are audited
// in the dispute's community. Every party's household and register person
// must lie in the dispute's community and be one the actor may read; the
// register's number is read only for a person of that community.
//
// Go API (the demo plays the Jixiang leak with it): OpenFromCase or Open,
// AddSession, SaveAgreement, MarkSigned, RecordCourtChoice, Fail,
// AddFollowUp, Publish, Unpublish, RevealPhone, PartyCopy, Get, List,
// HappinessEntries.
package mediation
