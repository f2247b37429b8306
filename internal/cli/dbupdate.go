package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"sysweight/vuln/update"
)

type dbUpdateOptions struct {
	cache     string
	feeds     []string
	cnaURL    string
	cnaSHA    string
	kcvesURL  string
	nvdURL    string
	nvdAPIKey string
}

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "sysweight", "feeds")
	}
	return filepath.Join(os.TempDir(), "sysweight-feeds")
}

func newDBUpdateCmd(g *globalOptions) *cobra.Command {
	o := &dbUpdateOptions{}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the live vulnerability feeds into a cache directory",
		Long: `Download the current feeds into --cache, each verified (it parses, and
matches --kernel-cna-sha256 when given) and swapped in atomically, with a
provenance.json (URL, time, sha256, record count):

  kernel-cna          the kernel CNA vulns repository snapshot (cve/published/**)
  linux_kernel_cves   data/kernel_cves.json
  nvd                 CVSS scores from the NVD CVE API 2.0 (paged, rate limited
                      to 5 requests/30 s, or 50 with --nvd-api-key; resumes an
                      interrupted download)

Then build a DB from them with: sysweight db build --cache DIR --out FILE.
This product uses data from the NVD API but is not endorsed or certified by
the NVD.`,
		Example: `  sysweight db update
  sysweight db update --feeds kernel-cna,linux_kernel_cves --cache /var/cache/sysweight
  sysweight db update --feeds nvd --nvd-api-key $NVD_API_KEY
  sysweight db build --cache ~/.cache/sysweight/feeds --out weights.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := update.Options{KernelCNAURL: o.cnaURL, KernelCNASHA256: o.cnaSHA, KernelCVEsURL: o.kcvesURL,
				NVDURL: o.nvdURL, NVDAPIKey: o.nvdAPIKey}
			feeds := update.Feeds(opts)
			if len(o.feeds) > 0 {
				var err error
				if feeds, err = update.Select(feeds, o.feeds...); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(o.cache, 0o755); err != nil {
				return envError{err}
			}
			results, err := update.Run(cmd.Context(), o.cache, feeds)
			for _, r := range results {
				status := "ok"
				if r.Err != nil {
					status = "failed"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s in %v\n", r.Feed, status, r.Took.Round(time.Millisecond))
			}
			if err != nil {
				return envError{err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "feeds in %s\n", o.cache)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.cache, "cache", defaultCacheDir(), "cache directory")
	f.StringSliceVar(&o.feeds, "feeds", nil, "feeds to update (default: kernel-cna,linux_kernel_cves,nvd)")
	f.StringVar(&o.cnaURL, "kernel-cna-url", "", "tarball of the kernel CNA vulns repository (default: the kernel.org snapshot)")
	f.StringVar(&o.cnaSHA, "kernel-cna-sha256", "", "expected sha256 of that tarball")
	f.StringVar(&o.kcvesURL, "kernel-cves-url", "", "URL of linux_kernel_cves kernel_cves.json")
	f.StringVar(&o.nvdURL, "nvd-url", "", "NVD CVE API 2.0 endpoint")
	f.StringVar(&o.nvdAPIKey, "nvd-api-key", os.Getenv("NVD_API_KEY"), "NVD API key (default: $NVD_API_KEY)")
	return cmd
}
