package process

import (
	"os"
	runtimedebug "runtime/debug"
	"testing"
)

func TestTune(t *testing.T) {
	logVars := []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "GOGC"}
	cases := []struct {
		name  string
		debug bool
		set   map[string]string
		want  map[string]string
		gc    int
	}{
		{
			name: "logs Terraform would drop are switched off",
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF"},
			gc:   400,
		},
		{
			name: "a level the user chose is kept",
			set:  map[string]string{"TF_LOG_SDK_PROTO": "TRACE"},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "TRACE", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_PROVIDER": "OFF"},
			gc:   400,
		},
		{
			name: "TF_LOG set: Terraform reads the logs, nothing is switched off",
			set:  map[string]string{"TF_LOG": "DEBUG"},
			want: map[string]string{"TF_LOG_SDK": "", "TF_LOG_SDK_PROTO": "", "TF_LOG_SDK_FRAMEWORK": "", "TF_LOG_PROVIDER": ""},
			gc:   400,
		},
		{
			name:  "debug mode keeps every log",
			debug: true,
			want:  map[string]string{"TF_LOG_SDK": "", "TF_LOG_PROVIDER": ""},
			gc:    400,
		},
		{
			name: "GOGC set by the user wins",
			set:  map[string]string{"GOGC": "150"},
			gc:   -1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range logVars {
				t.Setenv(v, "")
				os.Unsetenv(v)
			}
			for k, v := range tc.set {
				t.Setenv(k, v)
			}
			before := runtimedebug.SetGCPercent(100)
			t.Cleanup(func() { runtimedebug.SetGCPercent(before) })

			Tune(tc.debug)

			for k, want := range tc.want {
				if got := os.Getenv(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			got := runtimedebug.SetGCPercent(100)
			if tc.gc == -1 {
				tc.gc = 100 // left as it was
			}
			if got != tc.gc {
				t.Errorf("GC percent = %d, want %d", got, tc.gc)
			}
		})
	}
}
