package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"sysweight/vuln/registry"
	"sysweight/vuln/update"
)

type dbUpdateOptions struct {
	reg      registry.Registry
	cache    string
	feeds    []string
	settings map[string]*string // the feeds' own flags (registry.Setting) by name
	timeout  time.Duration
}

func defaultCacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "sysweight", "feeds")
	}
	return filepath.Join(os.TempDir(), "sysweight-feeds")
}

// newDBUpdateCmd is db update of reg's feeds, with their settings as
// flags.
func newDBUpdateCmd(g *globalOptions, reg registry.Registry) *cobra.Command {
	o := &dbUpdateOptions{reg: reg, settings: map[string]*string{}}
	cmd := &cobra.Command{
		Use:   "update",
		Short: "Download the live vulnerability feeds into a cache directory",
		Long: `Download the current feeds into --cache, each verified (it parses, and
matches --kernel-cna-sha256 when given) and swapped in atomically, with a
provenance.json (URL, time, sha256, record count):

` + feedList(o.reg) + `
The feeds download side by side. A request that gets no data for 60 s is
tried again (a server that accepts and never answers), a host name that does
not resolve or a network that cannot be reached is not; --timeout bounds the
whole update. Each feed prints one line, "FEED: ok in T" or "FEED: failed in
T: why", and a failed feed leaves its cache as it was (an NVD download
interrupted after its first page resumes next time). Exit status 1 when a
feed failed.

Then build a DB from them with: sysweight db build --cache DIR --out FILE.
This product uses data from the NVD API but is not endorsed or certified by
the NVD.`,
		Example: `  sysweight db update
  sysweight db update --feeds kernel-cna,linux_kernel_cves --cache /var/cache/sysweight
  sysweight db update --feeds nvd --nvd-api-key $NVD_API_KEY
  sysweight db build --cache ~/.cache/sysweight/feeds --out weights.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := registry.Options{Settings: map[string]string{}}
			for name, v := range o.settings {
				opts.Settings[name] = *v
			}
			feeds := update.Feeds(o.reg, opts)
			if len(o.feeds) > 0 {
				var err error
				if feeds, err = update.Select(feeds, o.feeds...); err != nil {
					return err
				}
			}
			if o.timeout <= 0 {
				return fmt.Errorf("--timeout %v: want a positive duration", o.timeout)
			}
			_, statErr := os.Stat(o.cache)
			if err := os.MkdirAll(o.cache, 0o755); err != nil {
				return envError{err}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), o.timeout)
			defer cancel()
			results, err := update.Run(ctx, o.cache, feeds)
			if cmd.Context().Err() != nil {
				// interrupted: the one line Main prints, the cache as it was
				if os.IsNotExist(statErr) {
					os.Remove(o.cache)
				}
				return cmd.Context().Err()
			}
			failed := 0
			for _, r := range results {
				line := fmt.Sprintf("%s: ok in %v", r.Feed, r.Took.Round(time.Millisecond))
				if r.Err != nil {
					failed++
					why := strings.ReplaceAll(r.Err.Error(), "\n", "; ")
					if errors.Is(r.Err, context.DeadlineExceeded) && cmd.Context().Err() == nil {
						why = fmt.Sprintf("--timeout %v ran out: %s", o.timeout, why)
					}
					line = fmt.Sprintf("%s: failed in %v: %s", r.Feed, r.Took.Round(time.Millisecond), why)
				}
				fmt.Fprintln(cmd.ErrOrStderr(), line)
			}
			if err != nil {
				if os.IsNotExist(statErr) {
					os.Remove(o.cache) // made here and still empty: as it was
				}
				return envError{fmt.Errorf("db update: %d of %d feeds failed", failed, len(results))}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "feeds in %s\n", o.cache)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.cache, "cache", defaultCacheDir(), "cache directory")
	f.StringSliceVar(&o.feeds, "feeds", nil, "feeds to update (default: "+strings.Join(o.reg.FeedNames(), ",")+")")
	for _, fd := range o.reg.Feeds {
		for _, st := range fd.Settings {
			def := ""
			if st.Env != "" {
				def = os.Getenv(st.Env)
			}
			o.settings[st.Flag] = f.String(st.Flag, def, st.Usage)
		}
	}
	f.DurationVar(&o.timeout, "timeout", 30*time.Minute, "bound on the whole update")
	return cmd
}

// feedList is db update's help on the feeds: a line each, name and what
// it is.
func feedList(r registry.Registry) string {
	var b strings.Builder
	for _, f := range r.Feeds {
		lines := strings.Split(f.About, "\n")
		fmt.Fprintf(&b, "  %-20s%s\n", f.Name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "  %-20s%s\n", "", l)
		}
	}
	return b.String()
}
