//go:build !linux

package leftovers

import "context"

// Self needs Linux's /proc.
func Self() Owner { return Owner{} }

// Find needs Linux.
func Find(s Scope) (Found, error) { return Found{}, ErrNotSupportedOnOS }

// Remove needs Linux.
func Remove(ctx context.Context, it Item) error { return ErrNotSupportedOnOS }

// Sweep needs Linux.
func Sweep(ctx context.Context, s Scope) ([]Item, []string, error) {
	return nil, nil, ErrNotSupportedOnOS
}

// RemoveCgroups is Linux's only.
func RemoveCgroups(name string) error { return ErrNotSupportedOnOS }
