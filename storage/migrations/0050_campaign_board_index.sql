-- The campaign progress board (campaigns/board.go) counts a campaign's
-- findings by place, state, hazard and severity in one grouped query; with
-- every column it reads in the index, the 10,000 findings of a 26-estate
-- sweep are counted from the index alone, without a read of each row
-- (docs/performance.md, "The campaign progress board").
CREATE INDEX campaign_findings_board ON campaign_findings(campaign_id, status, path, target, hazard, severity, self_reported, confirmed_at, recorded_at);
