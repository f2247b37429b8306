// Package score owns the arithmetic of DESIGN.md's model: normalising the
// per-syscall metrics, combining them into weights with coefficients, and
// scoring an Exposure against Weights (raw, normalised, ratio to a
// baseline), with per-syscall explanations and diffs.
//
// It is pure: no files, no host, no feeds. The metrics come from the weight
// DB (package vuln/db), the exposures from package exposure.
package score
