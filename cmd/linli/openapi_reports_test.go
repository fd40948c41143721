package main

import "linli/reports"

func init() {
	oaWritten["MonthlyReport"], oaWritten["ReportPeriod"], oaWritten["ReportRateLine"] = reports.Report{}, reports.Period{}, reports.RateLine{}
	oaWritten["ReportCountLine"], oaWritten["ReportShare"], oaWritten["ReportRecurring"] = reports.CountLine{}, reports.Share{}, reports.Recurring{}
	oaWritten["ReportEscalation"], oaWritten["ReportProject"], oaWritten["ReportDispute"] = reports.Escalation{}, reports.Project{}, reports.Dispute{}
	oaWritten["ReportHappinessEntry"] = reports.HappinessEntry{}
}
