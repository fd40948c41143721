// Package notices publishes notices (通知公告) and warnings (预警) to the
// people of a part of the tree, and follows up on who they reached.
//
// A notice has a title, a plain-text body (never HTML: shown escaped, its
// line breaks and blank-line paragraphs kept), photos and files (package
// attach, owner "notice"), an urgency — ordinary 普通, important 重要, or a
// warning 预警 with its validity window (大风蓝色预警 from … to …) — an
// optional expiry, "acknowledgement required" (我已知晓), and whether it is
// public (a page without login, /n/{id}, and a QR code on its poster).
//
// Its target is nodes × kinds of people: "households" (every household of
// the nodes: the accounts of its residents in-app, or, without an account,
// an SMS to the first owner's phone in the register), a role ("grid
// workers of this community": its holders on or below the nodes), or an
// audience another capability registers with RegisterAudience
// ("households with an open hazard plan"). An empty target is refused.
//
// Who publishes: community staff, street staff and administrators, on
// nodes within their grants; a target node outside them is refused like a
// node that does not exist (422 on the field, nothing stored). A notice is
// published at once or at a time: a durable timer (jobs, "notice.publish")
// publishes it then, in the timer's transaction.
//
// Publication resolves the recipients once into notice_recipients, in the
// same transaction: the bell (cases.Service.NotifyAbout) for accounts, an outbox
// row (outbox.go, the local adapter until package outbox is merged) for
// households reached by SMS. Each recipient's status is the furthest of
// sent → delivered (in-app at once; SMS when its outbox row went out) →
// read (opened the notice page) → acknowledged (pressed 我已知晓). A
// recipient counts as reached when they read it (acknowledged it, where
// that is required) or a phone call reached them (已接通, 表示会处理);
// the rest are the 未触达 list, by building, that grid workers call.
//
// Who sees what: the publisher's staff (publish rights on the notice's
// path) see everything; people who go door to door (visits.write: grid
// workers, building and unit heads) whose grants meet a target node see
// the notice and the recipients within their grants, call them and may
// reveal a phone (audited, as the register's Reveal); a recipient sees the
// published notice; anyone sees a public one. Everything else is 404.
package notices
