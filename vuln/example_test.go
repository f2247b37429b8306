package vuln_test

import (
	"fmt"

	"sysweight/vuln"
)

func ExampleScoreVector() {
	c, err := vuln.ScoreVector("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H")
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Version, c.Score)
	// Output: 3.1 7.8
}

func ExampleMerge() {
	cna := []vuln.Record{{ID: "CVE-2024-1086", Feed: "kernel-cna",
		CVSS: []vuln.CVSS{{Version: "3.1", Score: 7.8, Source: "kernel-cna"}}}}
	nvd := []vuln.Record{{ID: "CVE-2024-1086", Description: "netfilter: nf_tables: ...", Feed: "nvd",
		CVSS: []vuln.CVSS{{Version: "3.1", Score: 7.8, Source: "nvd"}}}}
	for _, r := range vuln.Merge(cna, nvd) {
		best, _ := r.BestCVSS()
		fmt.Println(r.ID, r.Feed, len(r.CVSS), best.Source)
	}
	// Output: CVE-2024-1086 kernel-cna,nvd 2 kernel-cna
}
