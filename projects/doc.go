// Package projects runs livelihood projects (民生实事) such as adding an elevator to a unit:
// scope, the phases from proposal to service, milestones with progress, the
// people involved, construction hours and the complaints raised during
// construction (cases linked to the project), and residents who follow a
// project and get in-app updates.
package projects
