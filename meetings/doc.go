// Package meetings runs coordination meetings (协调会、议事会): invitations,
// agenda, sign-in attendance, minutes, decisions and follow-up actions that
// become cases or tasks tracked to done.
package meetings
