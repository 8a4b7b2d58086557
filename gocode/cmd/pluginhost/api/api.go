// Package api is the contract between the chapter 4.4 host and tenant code:
// the request a tenant handler gets, the answer it gives, and the handler's
// type. The host and every plugin must be built from the very same version of
// this package, or plugin.Open refuses the plugin.
package api

import "context"

// Request is one call into tenant code.
type Request struct {
	Tenant string         `json:"tenant"`
	Data   map[string]any `json:"data"`
}

// Response is what tenant code answers.
type Response struct {
	Tenant string         `json:"tenant"`
	Result map[string]any `json:"result"`
	Error  string         `json:"error,omitempty"`
}

// Handler is the one function a tenant exports.
type Handler func(ctx context.Context, req Request) (Response, error)
