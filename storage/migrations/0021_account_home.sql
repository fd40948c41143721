-- The place an account belongs to while it holds no role (package auth):
-- the node of its first role or of the creator's user-management scope when
-- it was created, and the node of its last role when that is revoked. Only
-- staff who manage users there, and administrators, may see or manage a
-- role-less account. NULL (accounts made before this column, or by the
-- CLI) means administrators only. No foreign key: deleting an empty node
-- must not be blocked by a former member; the account then falls back to
-- administrators.
ALTER TABLE accounts ADD COLUMN home_node_id BIGINT;

-- Failed logins are now counted per account ('account:<id>') and, for
-- names no account has, per name ('name:<name>'); the rows keyed by the
-- typed login string mean nothing any more.
DELETE FROM login_failures;
