//go:build !linux

package storagetest

import (
	"errors"
	"os/exec"
)

// owner: the private PostgreSQL servers of StartReplicated run on Linux.
type owner struct{}

func serverOwner() (*owner, error) {
	return nil, errors.New("the private primary and standby are started on Linux only")
}

func (o *owner) own(string) error { return nil }
func (o *owner) apply(*exec.Cmd)  {}
func dieWithTest(*exec.Cmd)       {}
