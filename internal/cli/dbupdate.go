package cli

import (
	"errors"

	"github.com/spf13/cobra"
)

func newDBUpdateCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "update",
		Short: "Download the live feeds into a cache directory",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("db update: not wired yet")
		},
	}
}
