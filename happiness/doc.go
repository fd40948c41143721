// Package happiness publishes each community's happiness list (幸福清单): the
// completed projects and the resolved public cases, with photos,
// residents' satisfaction and the thanks received, on a page anyone can
// open without logging in.
//
// What reaches the public page, and only that:
//   - projects: the entries the projects capability hands over
//     (a Source given to New), with thanks recorded here added;
//   - cases: closed, marked public (by the reporter), not merged, and
//     their public text approved by community staff since they were
//     closed (approve.go): the title and summary staff approved, which
//     start as the reporter's title and the handler's result with phone,
//     ID and room numbers blotted out (Scrub); the place only down to the
//     building; the rating as counts; never the reporter, the rating
//     comment, or anyone's name. Names in free text cannot be recognised
//     by a program, which is why a person approves.
//
// Every entry's texts pass Scrub once more in List, whichever capability
// supplied them.
//
// Photos are served at /happiness/{community}/photos/{attachment} only
// while they belong to an entry of that community's list. Public JPEGs
// lose their metadata (the Exif GPS position of a phone photo points at a
// home) but keep their orientation; other formats are served as the
// thumbnail, which carries no metadata.
package happiness
