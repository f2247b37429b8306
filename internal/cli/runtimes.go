package cli

import (
	"github.com/spf13/cobra"

	"sysweight/report"
	"sysweight/runtimes"
)

type runtimeInfo struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Source      string   `json:"source"`
	Origin      string   `json:"origin"`
	Version     string   `json:"version,omitempty"`
	Date        string   `json:"date,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

func newRuntimesCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "runtimes",
		Short: "List the built-in runtime configurations with their provenance",
		Long: `List the built-in runtime configurations.

JSON output: [{"name", "description", "source", "origin", "version", "date",
"notes"}]. The notes (provenance: capabilities, approximations, what is not
modelled) are in the JSON only.`,
		Example: `  sysweight runtimes
  sysweight runtimes -o json | jq -r '.[].name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := g.outputFormat()
			if err != nil {
				return err
			}
			infos := builtinInfos()
			if format == report.JSON {
				return report.WriteJSON(cmd.OutOrStdout(), infos)
			}
			t := report.Table{Header: []string{"NAME", "SOURCE", "VERSION", "DESCRIPTION"}}
			for _, i := range infos {
				t.Rows = append(t.Rows, []string{i.Name, i.Source, i.Version, i.Description})
			}
			return t.Write(cmd.OutOrStdout(), format)
		},
	}
}

// builtinInfos is the value of runtimes: each built-in with its provenance.
func builtinInfos() []runtimeInfo {
	var infos []runtimeInfo
	for _, r := range runtimes.Builtins() {
		p := r.Provenance
		infos = append(infos, runtimeInfo{r.Name, r.Description, string(p.Source), p.Origin, p.Version, p.Date, p.Notes})
	}
	return infos
}
