package main

import "linli/auth"

// The registration and claims types of the OpenAPI document
// (apidoc/parts/signup.json).
func init() {
	oaWritten["SignupCode"], oaWritten["Claim"] = auth.SentCode{}, auth.Claim{}
	oaRead["RegisterInput"], oaRead["ClaimInput"], oaRead["ClaimDecision"] = auth.RegisterInput{}, auth.ClaimInput{}, auth.Decision{}
}
