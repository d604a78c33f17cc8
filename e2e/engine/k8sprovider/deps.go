//go:build tools

// Package deps keeps this module's requirements stable under `go mod tidy`.
//
// The provider's main package (cmd/pulumi-resource-kubernetes) is not committed: build.py copies
// upstream main.go out of the module cache and generates its two embed files into a build
// directory next to a copy of this go.mod/go.sum. This file names what that main package imports.
package deps

import (
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	_ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)
