// Package lint owns sysweight's findings on a seccomp configuration for CI,
// each under a stable rule id (Rules):
//
//	SW001 DefaultAllow        a filter whose default action lets every syscall
//	                          no rule names reach the kernel (or no filter at all)
//	SW002 HeavyUnconditional  one of the N heaviest syscalls (by the weights in
//	                          use) allowed for every argument
//	SW003 BeyondBaseline      a syscall the configuration lets reach the kernel
//	                          for arguments the baseline does not, and how much
//	SW004 UnknownSyscall      a name no Linux architecture has as a syscall
//	SW005 NeverMatches        a rule whose conditions can never all hold
//	SW006 Shadowed            a rule that never applies because a more
//	                          restrictive rule matches whenever it does
//
// Check computes the findings of one configuration, its score (the one
// compare reports, from the Exposure it is given) and, with a baseline,
// whether it stays within it (KEP-6061's question for a node's baseline
// profile) and by how much not; Result.Failed says which CI gates it
// fails. SARIF renders results as SARIF 2.1.0 for GitHub code scanning:
// rule metadata with security-severity, locations at the line of the
// syscall's name in the profile, and partialFingerprints that do not
// change when lines move.
//
// Precision of the method. SW003 counts, per syscall, the argument tuples
// of the shared corpus (package exposure) that the profile lets through
// and the baseline does not: exact on that corpus when both sides are
// policies or either is no filter; against a measured or observed
// exposure, which has degrees only, it is the difference of the degrees, a
// lower bound. SW005 decides each argument's tests exactly (intervals,
// exclusions, masks; seccomp.CanMatch); it does not know which arguments
// a syscall has, nor their widths. SW006 finds a rule shadowed by one
// whose conditions are a subset of its own (including none), not by a
// union of several; past 10 distinct conditions, only by one with none or
// with the same.
//
// It does not decode profiles (package seccomp), evaluate exposures
// (packages exposure, runtimes), weight syscalls (package score), or read
// files: the caller hands it the profile's bytes for line numbers.
package lint
