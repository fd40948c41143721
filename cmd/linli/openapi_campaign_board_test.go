package main

import "linli/campaigns"

func init() {
	oaWritten["CampaignBoard"], oaWritten["CampaignEstateBoard"], oaWritten["CampaignCount"] = campaigns.Board{}, campaigns.EstateBoard{}, campaigns.Count{}
	oaWritten["CampaignPlanCount"], oaWritten["CampaignDayCount"] = campaigns.PlanCount{}, campaigns.DayCount{}
}
