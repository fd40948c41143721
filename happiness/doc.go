// Package happiness publishes each community's happiness list (幸福清单): the
// completed projects and the resolved public cases, with photos,
// residents' satisfaction and the thanks received, on a page anyone can
// open without logging in.
package happiness
