// Package htmlreport renders a comparison of runtimes as one self-contained
// HTML page (`sysweight report`): the normalised score of each runtime as a
// bar stacked by metric, the heaviest syscalls of each runtime, a heat map of
// syscalls × runtimes coloured by degree × weight, a drill-down per syscall
// (its CVEs with their scores and attribution methods, exploits, most complex
// kernel functions) and the provenance of the weight DB and of each runtime.
//
// It owns layout and markup only: the page is html/template over inline SVG
// computed here, with no script, no external resource (a
// Content-Security-Policy of default-src 'none', inline styles allowed,
// says so to the browser) and no clock, so the same Report always gives the
// same bytes. It does not score: every number comes in the Report, filled by
// internal/cli from the code paths of compare, explain, db info and
// runtimes. Each bar carries its values as data attributes (data-runtime,
// data-score, data-normalized; data-metric and data-part on each segment),
// in Go's shortest float format, for tests and scripts.
package htmlreport
