// Package report renders results for people and programs: aligned text
// tables, CSV, Markdown and JSON. It knows nothing of scores or exposures;
// commands hand it a Table or a value to encode.
package report
