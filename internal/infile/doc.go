// Package infile opens the files a user names as input, refusing what is
// not a regular file before it can block or mislead: opening a FIFO for
// reading waits for a writer (forever, and past SIGTERM's default
// handling), a character device such as /dev/zero never ends, /dev/null
// reads as an empty file, and a directory fails late with a confusing read
// error. Errors name the path and what was expected, in one line.
//
// It owns the check and the open; it does not read or parse. Files under a
// directory the user names (the CVE tree, a modules directory) are the
// walker's to filter with fs.FileMode.IsRegular.
package infile
