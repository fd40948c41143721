// Package demo is the demo world of Linli: Build makes it as plain Go values
// (the community tree of Yuncheng (运城市) down to households, and one account
// per role); Load writes it through the registry and account services, and
// LoadCases adds a few weeks of cases. It uses no capability beyond cases, so
// the capabilities' tests load it (through demo/demotest) without compiling
// one another; the two stories played on this world are in demo/story.
//
// The places come from the article the project started from, a local
// newspaper page about community co-governance in Yuncheng (运城), Shanxi:
//
//   - 盐湖区 东城街道 学苑社区: 荟萃花园南区, built 2005, one six-storey building
//     of 8 units without a lift — the elevator retrofit. A second grid holds two
//     smaller estates.
//   - 盐湖区 东城街道 吉祥社区: the leak dispute between 2单元 502 (upstairs,
//     leaking drain) and 2单元 402 (downstairs, damaged ceiling). The article
//     places 吉祥社区 under 东城街道, so it is put there.
//   - 河津市 城区街道 麟岛社区: 颐源居, whose gate got the cameras.
//   - 临猗县 猗氏镇 郇阳社区: 26 old estates without property management — the
//     rooftop solar water heater sweep. The article names neither the town nor
//     the estates; 猗氏镇 (the county seat) and the estate names are invented.
//
// Place names use the article's characters (麟岛, 颐源居, 郇阳). Every person,
// phone number, ID number, company and estate name that the article does not
// give is fictional; the article's own people are deliberately not reused.
// Statistical codes are plausible but fictional: 6 digits of the real county
// code, then 3 for the street and 3 for the community (001–199 are residents'
// committees in the national scheme).
//
// Build is deterministic: each estate draws from its own random stream seeded
// by the estate's name, so changing one estate does not reshuffle the others.
// Every demo account has the password "Linli-demo-2026".
package demo
