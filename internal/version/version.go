// Package version holds the build's version, set at link time by the
// release build (-ldflags "-X .../internal/version.Version=1.2.3").
package version

// Version of this build; "dev" for builds from a checkout.
var Version = "dev"
