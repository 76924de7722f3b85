// Package process tunes the process that serves the provider to Terraform.
package process

import "os"

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
// It leaves garbage collection as Go (or GOGC) sets it. Collecting at 400%
// heap growth, as it once did, doubled the provider's peak memory where a
// large configuration feels it: 244 MiB against 123 MiB in the apply of
// 1000 mixed resources in embedded mode, 1.6 times the peak of a no-op
// provider with the same schemas in its destroy (make bench, memory),
// for about the same speed (issue 16).
func Tune(debug bool) {
	if !debug && os.Getenv("TF_LOG") == "" && os.Getenv("TF_LOG_PROVIDER") == "" {
		for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
			if os.Getenv(v) == "" {
				os.Setenv(v, "OFF")
			}
		}
	}
}
