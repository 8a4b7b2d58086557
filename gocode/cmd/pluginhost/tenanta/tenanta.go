// Package tenanta is one tenant's code: the logic the chapter 4.4 host loads
// three ways (as a Go plugin, as a separate process, as a WebAssembly module).
package tenanta

import (
	"context"
	"fmt"

	"whygo.dev/gocode/cmd/pluginhost/api"
)

// Handle answers a request: it counts the items it was given and sums their amounts.
func Handle(ctx context.Context, req api.Request) (api.Response, error) {
	if err := ctx.Err(); err != nil {
		return api.Response{}, err
	}
	items, _ := req.Data["items"].([]any)
	total := 0.0
	for i, it := range items {
		amount, ok := it.(float64)
		if !ok {
			return api.Response{}, fmt.Errorf("item %d is %T, want a number", i, it)
		}
		total += amount
	}
	return api.Response{Tenant: req.Tenant, Result: map[string]any{
		"processed_by": "tenant A", "items": len(items), "total": total}}, nil
}
