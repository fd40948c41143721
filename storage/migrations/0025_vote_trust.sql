-- Trust fixes of package votes.
--
-- owner_key: who owns each household of a frozen electorate, for the
-- headcount (法释〔2009〕7号 art. 9: one buyer of several exclusive parts
-- counts as one person). A digest of the owner members' identities (ID
-- number, else person id), not the identities themselves; households with
-- the same key are one owner. '' (snapshots taken before this column)
-- counts each household as its own owner, as those votes were counted.
ALTER TABLE vote_snapshot_households ADD COLUMN owner_key TEXT NOT NULL DEFAULT '';

-- override_reason: why staff recorded a paper ballot over the owner's own
-- online ballot ('' for every other ballot). Such a ballot is allowed only
-- to projects.manage holders, with a reason, and the owner is notified.
ALTER TABLE vote_ballots ADD COLUMN override_reason TEXT NOT NULL DEFAULT '';
