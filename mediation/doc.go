// Package mediation runs people's mediation (人民调解): disputes between
// parties, mediation sessions, the written agreement with its statutory
// content and print view, the court-confirmation reminder and the
// follow-up visit.
package mediation
