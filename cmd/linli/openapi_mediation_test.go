package main

import "linli/mediation"

func init() {
	oaWritten["MediationDispute"], oaWritten["MediationParty"], oaWritten["MediationMediator"] = mediation.Dispute{}, mediation.Party{}, mediation.Mediator{}
	oaWritten["MediationSession"], oaWritten["MediationTerm"], oaWritten["MediationAgreement"] = mediation.Session{}, mediation.Term{}, mediation.Agreement{}
	oaWritten["MediationFollowUp"], oaWritten["MediationDetail"] = mediation.FollowUp{}, mediation.Detail{}
	oaWritten["MediationPartyPhone"], oaRead["MediationPublishInput"] = mediation.PartyPhone{}, mediation.PublishInput{}
	oaRead["MediationDisputeInput"], oaRead["MediationPartyInput"] = mediation.DisputeInput{}, mediation.PartyInput{}
	oaRead["MediationSessionInput"], oaRead["MediationAgreementInput"] = mediation.SessionInput{}, mediation.AgreementInput{}
	oaRead["MediationTermInput"], oaRead["MediationSignatureInput"] = mediation.TermInput{}, mediation.SignatureInput{}
	oaRead["MediationFailInput"], oaRead["MediationCourtInput"], oaRead["MediationFollowUpInput"] = mediation.FailInput{}, mediation.CourtInput{}, mediation.FollowUpInput{}
}
