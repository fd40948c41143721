package storagetest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// owner is the OS user the private PostgreSQL servers run as: the test's
// own, or postgres when the test runs as root (initdb refuses root, and
// CI runs as root).
type owner struct {
	cred *syscall.Credential // nil: the test's own user
}

func serverOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return &owner{}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, the private PostgreSQL servers need the OS user postgres: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("user postgres: uid %q gid %q", u.Uid, u.Gid)
	}
	return &owner{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}, nil
}

// own gives dir to the owner.
func (o *owner) own(dir string) error {
	if o.cred == nil {
		return nil
	}
	return os.Chown(dir, int(o.cred.Uid), int(o.cred.Gid))
}

// apply makes cmd run as the owner.
func (o *owner) apply(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Credential = o.cred
}

// dieWithTest has the kernel stop a postmaster if the test process dies
// without its cleanups (killed at a timeout): SIGQUIT is an immediate
// shutdown that takes the server's children with it.
func dieWithTest(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
}
