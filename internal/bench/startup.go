package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// handshake is Terraform's side of the plugin handshake, as Terraform 1.x
// configures its go-plugin client: the magic cookie every provider checks,
// and protocols 5 and 6 offered (the provider picks 6).
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  4,
	MagicCookieKey:   "TF_PLUGIN_MAGIC_COOKIE",
	MagicCookieValue: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
}

// grpcConn is the client half of a go-plugin gRPC plugin that hands back
// the connection itself: the harness calls the provider protocol's methods
// with raw messages instead of generated stubs, which terraform-plugin-go
// keeps internal.
type grpcConn struct {
	plugin.NetRPCUnsupportedPlugin
}

func (grpcConn) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return fmt.Errorf("the benchmark harness is never a plugin server")
}

func (grpcConn) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return conn, nil
}

// rawCodec sends and receives message bytes as they are. An empty
// GetProviderSchema.Request (it has no fields set) encodes to no bytes at
// all, and the response only needs counting, not decoding.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec marshals *[]byte, not %T", v)
	}
	return *b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec unmarshals into *[]byte, not %T", v)
	}
	*b = append([]byte(nil), data...)
	return nil
}

func (rawCodec) Name() string { return "proto" }

// startupSample is one provider start, timed from the moment Terraform
// would launch the binary.
type startupSample struct {
	// handshake: process start, go-plugin handshake (protocol version,
	// AutoMTLS certificate exchange) and gRPC connection.
	handshake time.Duration
	// schema: the first GetProviderSchema call, answered.
	schema time.Duration
	// schemaBytes is the size of the encoded schema.
	schemaBytes int
}

func (s startupSample) total() time.Duration { return s.handshake + s.schema }

// startProvider launches binary as Terraform does and asks it for its
// schema, then stops it.
func startProvider(ctx context.Context, binary string) (startupSample, error) {
	var s startupSample
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  handshake,
		VersionedPlugins: map[int]plugin.PluginSet{5: {"provider": grpcConn{}}, 6: {"provider": grpcConn{}}},
		Cmd:              exec.Command(binary),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		Logger:           hclog.NewNullLogger(),
		SyncStdout:       io.Discard,
		SyncStderr:       io.Discard,
	})
	defer client.Kill()
	start := time.Now()
	rpc, err := client.Client()
	if err != nil {
		return s, fmt.Errorf("starting %s: %w", binary, err)
	}
	if v := client.NegotiatedVersion(); v != 6 {
		return s, fmt.Errorf("%s negotiated plugin protocol %d, not 6", binary, v)
	}
	raw, err := rpc.Dispense("provider")
	if err != nil {
		return s, err
	}
	s.handshake = time.Since(start)
	var in, out []byte
	conn, ok := raw.(*grpc.ClientConn)
	if !ok {
		return s, fmt.Errorf("dispensed %T, not a gRPC connection", raw)
	}
	err = conn.Invoke(ctx, "/tfplugin6.Provider/GetProviderSchema", &in, &out, grpc.ForceCodec(rawCodec{}))
	s.schema = time.Since(start) - s.handshake
	if err != nil {
		return s, fmt.Errorf("GetProviderSchema of %s: %w", binary, err)
	}
	s.schemaBytes = len(out)
	return s, nil
}

// startupResult holds the start-up samples of each provider binary.
type startupResult struct {
	runs     int
	binaries []string
	samples  map[string][]startupSample
	size     map[string]int64
}

// measureStartup starts each provider runs times, alternating between
// them, after one untimed start each (which pages the binaries in).
func (h *harness) measureStartup(ctx context.Context) (startupResult, error) {
	r := startupResult{runs: h.opts.StartupRuns, samples: map[string][]startupSample{}, size: map[string]int64{}}
	binaries := map[string]string{noopProvider: h.noopBinary, "terraform-provider-arbor": h.arborBinary}
	r.binaries = []string{noopProvider, "terraform-provider-arbor"}
	for _, name := range r.binaries {
		if fi, err := os.Stat(binaries[name]); err == nil {
			r.size[name] = fi.Size()
		}
		if _, err := startProvider(ctx, binaries[name]); err != nil {
			return r, err
		}
	}
	for range r.runs {
		for _, name := range r.binaries {
			s, err := startProvider(ctx, binaries[name])
			if err != nil {
				return r, err
			}
			r.samples[name] = append(r.samples[name], s)
		}
	}
	for _, name := range r.binaries {
		h.logf("start-up: %-26s median %v", name, median(collect(r.samples[name], startupSample.total)).Round(100*time.Microsecond))
	}
	return r, nil
}
