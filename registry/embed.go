package registry

import (
	"io/fs"

	"linli/web"
)

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Renderer is set by the wiring so handlers can render pages.
func (s *Service) SetRenderer(r *web.Renderer) { s.Renderer = r }
