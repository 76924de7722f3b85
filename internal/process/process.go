// Package process tunes the process that serves the provider to Terraform.
package process

import (
	"os"
	runtimedebug "runtime/debug"
)

// Tune sets up the process that serves the provider to Terraform;
// main calls it before serving, and the benchmark harness calls it before
// profiling the provider in its own process, so that both measure the same
// thing.
//
// Unless debug is set, it switches the plugin SDK's and the provider's logs
// off when Terraform would discard them anyway: with neither TF_LOG nor
// TF_LOG_PROVIDER set, Terraform drops every line a provider writes, and
// formatting them costs about a quarter of a large plan's provider CPU. Any
// of these variables set by the user is left as it is.
//
// Unless GOGC is set, it collects garbage at 400% heap growth instead of
// 100%: the provider's heap is small and short-lived, so collecting it less
// often saves CPU on every plan at the cost of a few tens of MiB.
func Tune(debug bool) {
	if !debug && os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
			if os.Getenv(v) == "" {
				os.Setenv(v, "OFF")
			}
		}
	}
	if os.Getenv("GOGC") == "" {
		runtimedebug.SetGCPercent(400)
	}
}
