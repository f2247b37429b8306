package cli

import "sysweight/vuln/db"

func embeddedDBBytes() ([]byte, error) { return db.DefaultBytes(), nil }
