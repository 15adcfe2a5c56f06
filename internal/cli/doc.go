// Package cli holds what Fieldreg's two command-line programs, fieldctl and
// fieldreg-hq, share so that they behave alike: the exit codes scripts
// branch on, the usage error that selects exit code 2, flag parsing that
// answers -h and accepts flags anywhere among the arguments, the one-line
// error report, and the version string.
package cli
